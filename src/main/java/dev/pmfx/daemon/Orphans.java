package dev.pmfx.daemon;

import dev.pmfx.config.AppSpec;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.posix.ProcFs;
import dev.pmfx.posix.StopSequence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Workers that a pmfx of this home left running when it died: nothing supervises them, and a
 * cluster app's balancer went with it. Every worker carries {@code PMFX_HOME} (its home; workers of
 * earlier versions a {@code PMFX_IPC} socket in it) and {@code PMFX_SUPERVISOR} (its pmfx's pid) in
 * its environment, so they are found whether the dead daemon wrote them down or not; where there is
 * no {@code /proc}, the daemon's state file names them (pid and start time).
 */
public final class Orphans {

  private Orphans() {}

  /** An orphan, and how to stop it: its app's kill_signal and kill_timeout when recorded. */
  record Orphan(ProcessHandle process, String name, String killSignal, Duration killTimeout) {}

  static List<Orphan> of(PmfxHome home, Optional<SavedApps> saved) {
    Map<Long, Orphan> recorded = new HashMap<>();
    saved.ifPresent(
        s -> {
          for (AppStatus app : s.apps()) {
            for (WorkerStatus w : app.workers()) {
              if (w.pid().isPresent()) {
                ProcessHandle.of(w.pid().getAsLong())
                    .ifPresent(
                        p ->
                            recorded.put(
                                p.pid(),
                                new Orphan(
                                    p,
                                    w.label(),
                                    app.spec().killSignal().name(),
                                    app.spec().killTimeout())));
              }
            }
          }
        });
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      return recordedSurvivors(saved, recorded);
    }
    String dir = home.dir().toString();
    String ipc = home.dir().resolve("ipc").toString() + "/";
    long me = ProcessHandle.current().pid();
    List<ProcessHandle> found =
        ProcessHandle.allProcesses()
            .filter(p -> p.pid() != me && running(p))
            .filter(
                p -> {
                  Map<String, String> env = ProcFs.environment(p.pid());
                  String supervisor = env.get("PMFX_SUPERVISOR");
                  return (dir.equals(env.get("PMFX_HOME"))
                          || env.getOrDefault("PMFX_IPC", "").startsWith(ipc))
                      && supervisor != null
                      && supervisor.matches("\\d+")
                      && Long.parseLong(supervisor) != me
                      && !supervising(Long.parseLong(supervisor));
                })
            .toList();
    Set<Long> pids = found.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
    List<Orphan> orphans = new ArrayList<>();
    for (ProcessHandle p : found) {
      boolean child = p.parent().map(parent -> pids.contains(parent.pid())).orElse(false);
      if (!child) { // what a worker started ends with it
        orphans.add(
            recorded.getOrDefault(
                p.pid(),
                new Orphan(
                    p,
                    "a worker it had not written down",
                    AppSpec.DEFAULT_KILL_SIGNAL.name(),
                    AppSpec.DEFAULT_KILL_TIMEOUT)));
      }
    }
    return orphans;
  }

  /** Without /proc: the recorded workers that still run, started when they were recorded. */
  private static List<Orphan> recordedSurvivors(
      Optional<SavedApps> saved, Map<Long, Orphan> recorded) {
    List<Orphan> orphans = new ArrayList<>();
    saved.ifPresent(
        s ->
            s.apps().stream()
                .flatMap(a -> a.workers().stream())
                .filter(w -> w.pid().isPresent() && w.startedAt().isPresent())
                .forEach(
                    w -> {
                      Orphan o = recorded.get(w.pid().getAsLong());
                      boolean same =
                          o != null
                              && running(o.process())
                              && ProcFs.startedAt(o.process(), w.startedAt().get());
                      if (same) {
                        orphans.add(o);
                      }
                    }));
    return orphans;
  }

  /** Whether a pmfx (a JVM) still runs under that pid: it supervises its workers itself. */
  private static boolean supervising(long pid) {
    return ProcessHandle.of(pid)
        .filter(Orphans::running)
        .flatMap(p -> p.info().command())
        .map(c -> c.contains("java") || c.contains("pmfx"))
        .orElse(false);
  }

  /** Stops them all at once (each waits its own kill_timeout); says what it did, one line each. */
  static List<String> stopAll(List<Orphan> orphans) {
    List<CompletableFuture<String>> stops = orphans.stream().map(Orphans::stop).toList();
    return stops.stream().map(CompletableFuture::join).toList();
  }

  /**
   * Stops an orphan as a stop would: its kill_signal, then, after kill_timeout, SIGKILL to its
   * process group and to what it started.
   */
  static CompletableFuture<String> stop(Orphan orphan) {
    ProcessHandle process = orphan.process();
    return CompletableFuture.supplyAsync(
        () -> {
          boolean outlived = StopSequence.stop(process, orphan.killSignal(), orphan.killTimeout());
          return "stopped "
              + orphan.name()
              + " (pid "
              + process.pid()
              + ", left running) with "
              + orphan.killSignal()
              + (outlived ? ", then SIGKILL after kill_timeout" : "");
        },
        Thread::startVirtualThread);
  }

  /**
   * Alive and not a zombie: an orphan's parent died, and until init reaps what exits, {@link
   * ProcessHandle#isAlive} still says yes.
   */
  public static boolean running(ProcessHandle process) {
    return StopSequence.running(process);
  }
}
