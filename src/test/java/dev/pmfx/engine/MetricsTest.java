package dev.pmfx.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.EngineEvent.MetricsSample;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerUsage;
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
