package dev.pmfx.metrics;

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
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Measures the CPU and resident memory of process trees: a worker with the processes it started, as
 * {@code pm2 monit} counts it. One pass over the OS's process list per sample, whatever the number
 * of trees, so 200 workers cost about what one does.
 *
 * <p>CPU is in percent of one core, as {@code top} and PM2 show it (a tree busy on two cores shows
 * 200 %), averaged since the previous sample of the same root; a root's first sample averages over
 * its lifetime. Not thread-safe: one sampler thread owns it.
 */
public final class ProcessTreeSampler {

  private final OperatingSystem os;
  private final LongSupplier nanoTime;
  private final Map<Long, Prior> prior = new HashMap<>();

  private record Prior(long cpuMillis, long atNanos) {}

  public ProcessTreeSampler() {
    this(new SystemInfo().getOperatingSystem(), System::nanoTime);
  }

  ProcessTreeSampler(OperatingSystem os, LongSupplier nanoTime) {
    this.os = os;
    this.nanoTime = nanoTime;
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
    List<OSProcess> all = os.getProcesses();
    long at = nanoTime.getAsLong();
    Map<Integer, OSProcess> byPid = new HashMap<>();
    Map<Integer, List<OSProcess>> children = new HashMap<>();
    for (OSProcess p : all) {
      byPid.put(p.getProcessID(), p);
      if (p.getParentProcessID() != p.getProcessID()) {
        children.computeIfAbsent(p.getParentProcessID(), k -> new ArrayList<>()).add(p);
      }
    }
    Map<Long, Usage> usage = new LinkedHashMap<>();
    for (long root : roots) {
      OSProcess top = byPid.get((int) root);
      if (top == null) {
        continue;
      }
      long cpuMillis = 0;
      long resident = 0;
      int processes = 0;
      Set<Integer> seen = new HashSet<>();
      ArrayDeque<OSProcess> todo = new ArrayDeque<>(List.of(top));
      while (!todo.isEmpty()) {
        OSProcess p = todo.pop();
        if (!seen.add(p.getProcessID())) {
          continue;
        }
        processes++;
        cpuMillis += p.getKernelTime() + p.getUserTime();
        resident += p.getResidentSetSize();
        todo.addAll(children.getOrDefault(p.getProcessID(), List.of()));
      }
      Prior before = prior.put(root, new Prior(cpuMillis, at));
      double percent;
      if (before != null && at > before.atNanos()) {
        double wallMillis = (at - before.atNanos()) / 1e6;
        percent = Math.max(0, cpuMillis - before.cpuMillis()) * 100.0 / wallMillis;
      } else {
        long upMillis = top.getUpTime();
        percent = upMillis > 0 ? cpuMillis * 100.0 / upMillis : 0;
      }
      usage.put(root, new Usage(percent, resident, processes));
    }
    prior.keySet().retainAll(usage.keySet());
    return usage;
  }
}
