package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.MetricsSample;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerUsage;
import dev.pmfx.engine.WorkerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CPU and memory of each worker's process tree reach subscribers as samples. */
class MetricsTest {

  private static final long MB = 1024 * 1024;

  @TempDir Path dir;
  private EngineHarness pmfx;

  @BeforeEach
  void engine() {
    pmfx = new EngineHarness(dir);
    pmfx.engine.sampleEvery(Duration.ofMillis(250));
  }

  @AfterEach
  void close() {
    pmfx.close();
  }

  @Test
  void aBusyWorkerShowsMostOfACore() throws Exception {
    pmfx.start(
        """
        apps:
          - name: busy
            script: busy.js
            cwd: ${workers}
          - name: idle
            script: Sleeper.java
            cwd: ${workers}
        """);
    pmfx.events.awaitLine("busy", t -> t.startsWith("busy, pid"));
    pmfx.events.awaitLine("idle", t -> t.startsWith("sleeping"));

    WorkerUsage busy = awaitUsage("busy", u -> u.cpuPercent() > 50);
    WorkerUsage idle = awaitUsage("idle", u -> u.cpuPercent() < 20);

    assertTrue(busy.memoryBytes() > MB, "node's resident memory: " + busy.memoryBytes());
    assertTrue(idle.memoryBytes() > MB, "java's resident memory: " + idle.memoryBytes());
  }

  @Test
  void memoryCountsTheProcessesAWorkerStarted() throws Exception {
    pmfx.start(
        """
        apps:
          - name: holder
            script: parent-of-allocator.sh
            cwd: ${workers}
            env:
              MEGABYTES: 200
        """);
    pmfx.events.awaitLine("holder", "holding 200 MB"::equals);

    WorkerUsage holder = awaitUsage("holder", u -> u.memoryBytes() > 200 * MB);

    assertEquals(0, holder.instance());
  }

  @Test
  void maxMemoryRestartRestartsAForkWorkerOverItsLimitSayingWhy() throws Exception {
    pmfx.start(
        """
        apps:
          - name: holder
            script: allocates.js
            cwd: ${workers}
            max_memory_restart: 80M
            env:
              MEGABYTES: 150
        """);

    EngineEvent.WorkerChanged restart =
        pmfx.events.await(
            EngineEvent.WorkerChanged.class, c -> c.worker().state() == WorkerState.STOPPING);

    assertTrue(
        restart.reason().matches("max_memory_restart: 1\\d\\d(\\.\\d)? MB over 80M: sent SIGINT.*"),
        restart.reason());
    pmfx.events.await(
        EngineEvent.WorkerChanged.class,
        c -> c.worker().state() == WorkerState.LAUNCHING && c.worker().restarts() == 1);
  }

  @Test
  void maxMemoryRestartReplacesAClusterWorkerAsAReloadDoes() throws Exception {
    int port = EngineHarness.freePort();
    pmfx.start(
        """
        apps:
          - name: web
            script: versioned.js
            cwd: ${workers}
            exec_mode: cluster
            instances: 1
            max_memory_restart: 60M
            env: { PORT: %d, MEGABYTES: 100, DELAY_MS: 0 }
        """
            .formatted(port));

    EngineEvent.RolloutStep start =
        pmfx.events.await(
            EngineEvent.RolloutStep.class,
            s -> s.step() == EngineEvent.RolloutStep.Step.START && s.status().over());
    EngineEvent.WorkerRemoved old =
        pmfx.events.await(EngineEvent.WorkerRemoved.class, removed -> true);

    assertTrue(start.workerId() != old.workerId(), "a new worker first, then the old one goes");
    assertTrue(
        pmfx.events.all().stream()
            .anyMatch(
                e ->
                    e instanceof EngineEvent.WorkerChanged c
                        && c.worker().id() == start.workerId()
                        && c.reason()
                            .matches("max_memory_restart: .* over 60M: replaces worker \\d+")),
        "the new worker says why it was started");
    assertTrue(old.reason().matches("replaced by a new process \\(pid \\d+\\)"), old.reason());
    EngineEvent.WorkerRemoved renumbered =
        pmfx.events.await(
            EngineEvent.WorkerRemoved.class,
            removed -> removed.reason().equals("now worker " + old.workerId()));
    assertEquals(start.workerId(), renumbered.workerId(), "the new worker takes the old one's id");
  }

  @Test
  void aStoppedWorkerIsNoLongerSampled() throws Exception {
    pmfx.start(
        """
        apps:
          - name: idle
            script: Sleeper.java
            cwd: ${workers}
          - name: other
            script: Sleeper.java
            cwd: ${workers}
        """);
    awaitUsage("idle", u -> true);

    pmfx.engine.stop("idle").get();
    pmfx.events.awaitState("idle", WorkerState.STOPPED);
    int after = pmfx.events.all().size();
    for (int i = 0; i < 3; i++) { // three samples of the worker still running
      pmfx.events.await(
          pmfx.events.all().size(),
          MetricsSample.class,
          s -> s.workers().stream().anyMatch(u -> u.app().equals("other")));
    }

    List<EngineEvent> later = pmfx.events.all().subList(after, pmfx.events.all().size());
    assertTrue(
        later.stream()
            .filter(MetricsSample.class::isInstance)
            .map(MetricsSample.class::cast)
            .flatMap(s -> s.workers().stream())
            .noneMatch(u -> u.app().equals("idle")),
        "samples after the stop: " + later);
  }

  private WorkerUsage awaitUsage(String app, java.util.function.Predicate<WorkerUsage> wanted)
      throws InterruptedException {
    MetricsSample sample =
        pmfx.events.await(
            MetricsSample.class,
            s -> s.workers().stream().anyMatch(u -> u.app().equals(app) && wanted.test(u)));
    return sample.workers().stream()
        .filter(u -> u.app().equals(app) && wanted.test(u))
        .findFirst()
        .orElseThrow();
  }
}
