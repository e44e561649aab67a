package dev.pmfx.metrics;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import oshi.SystemInfo;
import oshi.software.os.OperatingSystem;

/**
 * Measures the CPU and resident memory of process trees: a worker with the processes it started, as
 * {@code pm2 monit} counts it. One pass over the OS's process list per sample, whatever the number
 * of trees, so 200 workers cost about what one does.
 *
 * <p>On Linux the pass reads one small file a process, {@code /proc/<pid>/stat} (parent, CPU time,
 * resident pages, start), and nothing that touches the process's memory: reading a busy worker's
 * {@code cmdline} or {@code environ}, as a general process library does, takes its memory map's
 * lock and stalls it. Elsewhere OSHI lists the processes.
 *
 * <p>CPU is in percent of one core, as {@code top} and PM2 show it (a tree busy on two cores shows
 * 200 %), averaged since the previous sample of the same root; a root's first sample averages over
 * its lifetime. Not thread-safe: one sampler thread owns it.
 */
public final class ProcessTreeSampler {

  /** One process as a pass sees it. */
  record Proc(int pid, int ppid, long cpuMillis, long residentBytes, long upMillis) {}

  private final Supplier<List<Proc>> processes;
  private final LongSupplier nanoTime;
  private final Map<Long, Prior> prior = new HashMap<>();

  private record Prior(long cpuMillis, long atNanos) {}

  public ProcessTreeSampler() {
    this(Files.isReadable(Path.of("/proc/self/stat")) ? new ProcStat() : oshi(), System::nanoTime);
  }

  ProcessTreeSampler(Supplier<List<Proc>> processes, LongSupplier nanoTime) {
    this.processes = processes;
    this.nanoTime = nanoTime;
  }

  private static Supplier<List<Proc>> oshi() {
    OperatingSystem os = new SystemInfo().getOperatingSystem();
    return () ->
        os.getProcesses().stream()
            .map(
                p ->
                    new Proc(
                        p.getProcessID(),
                        p.getParentProcessID(),
                        p.getKernelTime() + p.getUserTime(),
                        p.getResidentSetSize(),
                        p.getUpTime()))
            .toList();
  }

  /**
   * The usage of each root's tree now. Roots that no longer run are left out; a root seen for the
   * last time is forgotten.
   */
  public Map<Long, Usage> sample(Collection<Long> roots) {
    if (roots.isEmpty()) {
      prior.clear();
      return Map.of();
    }
    List<Proc> all = processes.get();
    long at = nanoTime.getAsLong();
    Map<Integer, Proc> byPid = new HashMap<>();
    Map<Integer, List<Proc>> children = new HashMap<>();
    for (Proc p : all) {
      byPid.put(p.pid(), p);
      if (p.ppid() != p.pid()) {
        children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
      }
    }
    Map<Long, Usage> usage = new LinkedHashMap<>();
    for (long root : roots) {
      Proc top = byPid.get((int) root);
      if (top == null) {
        continue;
      }
      long cpuMillis = 0;
      long resident = 0;
      int count = 0;
      Set<Integer> seen = new HashSet<>();
      ArrayDeque<Proc> todo = new ArrayDeque<>(List.of(top));
      while (!todo.isEmpty()) {
        Proc p = todo.pop();
        if (!seen.add(p.pid())) {
          continue;
        }
        count++;
        cpuMillis += p.cpuMillis();
        resident += p.residentBytes();
        todo.addAll(children.getOrDefault(p.pid(), List.of()));
      }
      Prior before = prior.put(root, new Prior(cpuMillis, at));
      double percent;
      if (before != null && at > before.atNanos()) {
        double wallMillis = (at - before.atNanos()) / 1e6;
        percent = Math.max(0, cpuMillis - before.cpuMillis()) * 100.0 / wallMillis;
      } else {
        long upMillis = top.upMillis();
        percent = upMillis > 0 ? cpuMillis * 100.0 / upMillis : 0;
      }
      usage.put(root, new Usage(percent, resident, count));
    }
    prior.keySet().retainAll(usage.keySet());
    return usage;
  }

  /** Linux: every process from its {@code /proc/<pid>/stat} line alone. */
  static final class ProcStat implements Supplier<List<Proc>> {

    /** Linux's clock ticks per second for these counts (USER_HZ), 100 on every architecture. */
    private static final long TICKS = 100;

    private final long pageSize = dev.pmfx.posix.Libc.pageSize();

    @Override
    public List<Proc> get() {
      double uptimeSeconds;
      try {
        uptimeSeconds = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
      } catch (IOException | RuntimeException e) {
        uptimeSeconds = 0;
      }
      List<Proc> all = new ArrayList<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"))) {
        for (Path entry : entries) {
          String name = entry.getFileName().toString();
          if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
            continue;
          }
          try {
            Proc p =
                parse(
                    Integer.parseInt(name), Files.readString(entry.resolve("stat")), uptimeSeconds);
            if (p != null) {
              all.add(p);
            }
          } catch (IOException | RuntimeException gone) {
            // it ended while being read
          }
        }
      } catch (IOException e) {
        return List.of();
      }
      return all;
    }

    /** {@code pid (comm) state ppid …}: the command may hold spaces and parentheses. */
    Proc parse(int pid, String stat, double uptimeSeconds) {
      int close = stat.lastIndexOf(')');
      if (close < 0) {
        return null;
      }
      String[] f = stat.substring(close + 2).split(" ");
      // f[0] is field 3 (state): ppid 4, utime 14, stime 15, starttime 22, rss 24
      int ppid = Integer.parseInt(f[1]);
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      long started = Long.parseLong(f[19]);
      long rss = Long.parseLong(f[21]);
      long upMillis = Math.max(0, (long) (uptimeSeconds * 1000) - started * 1000 / TICKS);
      return new Proc(pid, ppid, ticks * 1000 / TICKS, rss * pageSize, upMillis);
    }
  }
}
