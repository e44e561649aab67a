package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.HealthChecked;
import dev.pmfx.engine.Health;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * health_check on real workers: {@code sickens.js} answers /healthz with 200 until it turns sick
 * (500, or no answer at all), once, leaving a mark that keeps its replacement well.
 */
class HealthCheckTest {

  @TempDir Path dir;
  private EngineHarness pmfx;
  private int port;

  @BeforeEach
  void engine() throws Exception {
    pmfx = new EngineHarness(dir);
    port = EngineHarness.freePort();
  }

  @AfterEach
  void close() {
    pmfx.close();
  }

  private HealthChecked awaitHealth(String app, Health.State state) throws InterruptedException {
    return pmfx.events.await(
        HealthChecked.class,
        h -> h.worker().name().equals(app) && h.worker().health().state() == state);
  }

  @Test
  void aForkWorkerAnswering500IsRestartedAfterItsFailuresAndTheEventSaysWhy() throws Exception {
    pmfx.start(
        """
        apps:
          - name: api
            script: sickens.js
            cwd: ${workers}
            env: { PORT: %d, SICK_AFTER: 3, SICK_MARK: %s }
            health_check: { http: /healthz, interval: 200ms, failures: 2 }
        """
            .formatted(port, dir.resolve("sick.mark")));
    HealthChecked healthy = awaitHealth("api", Health.State.HEALTHY);
    long sickPid = healthy.worker().pid().orElseThrow();
    assertEquals("HTTP 200 from /healthz", healthy.worker().health().detail());
    EngineEvent.MetricsSample sampled =
        pmfx.events.await(
            EngineEvent.MetricsSample.class,
            m -> m.workers().stream().anyMatch(u -> u.healthCheckMillis() >= 0));
    assertTrue(
        sampled.workers().getFirst().healthCheckMillis() < 1000,
        "how long its last check took: " + sampled.workers());

    HealthChecked firstFailure =
        pmfx.events.await(HealthChecked.class, h -> h.worker().health().failures() == 1);
    assertEquals(Health.State.HEALTHY, firstFailure.worker().health().state(), "one failure of 2");
    HealthChecked unhealthy = awaitHealth("api", Health.State.UNHEALTHY);
    assertEquals("HTTP 500 from /healthz", unhealthy.worker().health().detail());
    assertEquals(2, unhealthy.worker().health().failures());

    EngineEvent.WorkerChanged stopping =
        pmfx.events.await(
            EngineEvent.WorkerChanged.class,
            c -> c.worker().state() == WorkerState.STOPPING && c.worker().name().equals("api"));
    assertTrue(
        stopping.reason().contains("health check failed: HTTP 500 from /healthz"),
        stopping.reason());
    EngineEvent.WorkerChanged back =
        pmfx.events.await(
            EngineEvent.WorkerChanged.class,
            c ->
                c.worker().state() == WorkerState.ONLINE
                    && c.worker().pid().orElseThrow() != sickPid);
    assertEquals(1, back.worker().restarts());
    assertEquals(
        Health.State.STARTING,
        back.worker().health().state(),
        "its new process is not yet checked: " + back.worker().health());
    HealthChecked well =
        pmfx.events.await(
            HealthChecked.class,
            h ->
                h.worker().pid().orElseThrow() != sickPid
                    && h.worker().health().state() == Health.State.HEALTHY);
    assertEquals(Health.State.STARTING, well.from(), "a new process starts its checks over");
  }

  @Test
  void aSickClusterWorkerIsReplacedWhileTheOtherServesAndTheLoadLosesNothing() throws Exception {
    pmfx.start(
        """
        apps:
          - name: web
            script: sickens.js
            cwd: ${workers}
            exec_mode: cluster
            instances: 2
            env: { PORT: %d, SICK_AFTER: 6, SICK_INSTANCE: '0', SICK_MARK: %s }
            health_check: { http: /healthz, interval: 200ms, failures: 2 }
        """
            .formatted(port, dir.resolve("sick.mark")));
    pmfx.awaitOnline("web", 2);
    List<WorkerStatus> before = pmfx.workers("web");
    try (LoadClients load = new LoadClients(port, 10)) {
      load.awaitAnswers(50);
      HealthChecked unhealthy = awaitHealth("web", Health.State.UNHEALTHY);
      WorkerStatus sick = unhealthy.worker();
      assertEquals(0, sick.instance());
      EngineEvent.WorkerRemoved gone =
          pmfx.events.await(EngineEvent.WorkerRemoved.class, r -> r.workerId() == sick.id());
      pmfx.awaitOnline("web", 2);
      load.awaitAnswers(200);
      List<WorkerStatus> after = pmfx.workers("web");
      long healthyPid =
          before.stream()
              .filter(w -> w.instance() == 1)
              .findFirst()
              .orElseThrow()
              .pid()
              .orElseThrow();
      assertTrue(
          after.stream().anyMatch(w -> w.pid().orElseThrow() == healthyPid),
          "the well worker kept serving: " + after);
      assertTrue(
          after.stream().noneMatch(w -> w.pid().equals(sick.pid())),
          "the sick one is gone: " + after + " (" + gone + ")");
      assertEquals(0, load.failed.get(), "failed requests: " + load.failures);
    }
  }

  @Test
  void anAnswerOtherThanTheExpectedOneSaysWhatWasExpected() throws Exception {
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try {
      var address = server.getAddress();
      var check =
          new dev.pmfx.config.HealthCheck(
              java.util.Optional.of("/ready"),
              java.util.OptionalInt.empty(),
              java.util.OptionalInt.of(204),
              java.util.Optional.empty(),
              Duration.ofSeconds(1),
              Duration.ofSeconds(2),
              1,
              Duration.ZERO,
              false);
      HealthChecks.Result result = HealthChecks.http(address, check);
      assertEquals(false, result.passed());
      assertEquals("HTTP 200 from /ready (expected 204)", result.detail());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void checksAreNotCountedAmongTheAppsRequests() throws Exception {
    pmfx.start(
        """
        apps:
          - name: web
            script: sickens.js
            cwd: ${workers}
            exec_mode: cluster
            instances: 1
            env: { PORT: %d }
            health_check: { http: /healthz, interval: 100ms }
        """
            .formatted(port));
    awaitHealth("web", Health.State.HEALTHY);
    EngineHarness.getOnNewConnection(port);
    // the worker reports its counts once a second: two reports after 20 checks or so
    long until = System.nanoTime() + 2_500_000_000L;
    while (System.nanoTime() < until) {
      Thread.sleep(100);
    }
    var counted =
        pmfx.engine.snapshot().stream()
            .filter(a -> a.name().equals("web"))
            .findFirst()
            .orElseThrow()
            .requests();
    assertEquals(1, counted.size(), counted.toString());
    assertEquals(1, counted.getFirst().requests(), "the one GET, not the checks: " + counted);
  }

  @Test
  void anExecCheckThatExitsNonZeroRestartsTheWorkerAndNamesTheCommand() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("app"));
    pmfx.start(
        """
        apps:
          - name: job
            script: sleep 600
            cwd: %s
            health_check: { exec: 'test ! -e stop-me || { echo db unreachable; exit 3; }', interval: 200ms, failures: 1 }
        """
            .formatted(folder));
    HealthChecked healthy = awaitHealth("job", Health.State.HEALTHY);
    assertTrue(healthy.worker().health().detail().startsWith("exit code 0 from 'test ! -e"));
    Files.writeString(folder.resolve("stop-me"), "");
    HealthChecked unhealthy = awaitHealth("job", Health.State.UNHEALTHY);
    assertTrue(
        unhealthy.worker().health().detail().startsWith("exit code 3 from 'test ! -e stop-me")
            && unhealthy.worker().health().detail().endsWith(": db unreachable"),
        unhealthy.worker().health().detail());
    EngineEvent.WorkerChanged stopping = pmfx.events.awaitState("job", WorkerState.STOPPING);
    assertTrue(stopping.reason().contains("health check failed: exit code 3"), stopping.reason());
  }

  @Test
  void aWorkerThatAcceptsButNeverAnswersIsCaughtByTheTimeout() throws Exception {
    pmfx.start(
        """
        apps:
          - name: api
            script: sickens.js
            cwd: ${workers}
            env: { PORT: %d, SICK_AFTER: 2, SICK: hang, SICK_MARK: %s }
            health_check: { http: /healthz, interval: 200ms, timeout: 300ms, failures: 2 }
        """
            .formatted(port, dir.resolve("sick.mark")));
    HealthChecked unhealthy = awaitHealth("api", Health.State.UNHEALTHY);
    assertEquals("no answer from /healthz within 300 ms", unhealthy.worker().health().detail());
    EngineEvent.WorkerChanged stopping = pmfx.events.awaitState("api", WorkerState.STOPPING);
    assertTrue(stopping.reason().contains("no answer from /healthz within 300 ms"));
  }

  @Test
  void startPeriodSparesASlowStarter() throws Exception {
    pmfx.start(
        """
        apps:
          - name: slow
            script: sickens.js
            cwd: ${workers}
            env: { PORT: %d, SLOW_START_MS: 1500 }
            health_check: { http: /healthz, interval: 200ms, failures: 1, start_period: 4s }
        """
            .formatted(port));
    HealthChecked healthy = awaitHealth("slow", Health.State.HEALTHY);
    assertEquals(Health.State.STARTING, healthy.from());
    WorkerStatus now = pmfx.workers("slow").getFirst();
    assertEquals(0, now.restarts(), "no restart while it started");
    assertTrue(
        Duration.between(now.startedAt().orElseThrow(), healthy.at()).toMillis() >= 1400,
        "it was checked, and failed, while it started: healthy at " + healthy.at());
    assertTrue(
        pmfx.events.all().stream()
            .noneMatch(e -> e instanceof HealthChecked h && h.worker().health().failures() > 0),
        "failures within start_period are not counted");
  }

  @Test
  void withoutAStartPeriodTheSameStarterIsRestarted() throws Exception {
    pmfx.start(
        """
        apps:
          - name: slow
            script: sickens.js
            cwd: ${workers}
            env: { PORT: %d, SLOW_START_MS: 1500 }
            health_check: { http: /healthz, interval: 200ms, failures: 1 }
        """
            .formatted(port));
    EngineEvent.WorkerChanged stopping = pmfx.events.awaitState("slow", WorkerState.STOPPING);
    assertTrue(stopping.reason().contains("health check failed: HTTP 500"), stopping.reason());
  }

  @Test
  void aStarterIsCheckedOftenOnlyWhileItsFailuresDoNotCount() throws Exception {
    // Unwell for 2.5 s after it starts; 2 failures in a row make it unhealthy, a check every 3 s.
    pmfx.start(
        """
        apps:
          - name: slow
            script: sickens.js
            cwd: ${workers}
            env: { PORT: %d, SLOW_START_MS: 2500 }
            health_check: { http: /healthz, interval: 3s, failures: 2 }
        """
            .formatted(port));
    HealthChecked failed =
        pmfx.events.await(HealthChecked.class, h -> h.worker().health().failures() == 1);
    HealthChecked healthy = awaitHealth("slow", Health.State.HEALTHY);
    assertTrue(
        Duration.between(failed.at(), healthy.at()).toMillis() >= 2500,
        "its next check came an interval later: " + failed.at() + " " + healthy.at());
    assertEquals(0, pmfx.workers("slow").getFirst().restarts(), "not restarted meanwhile");
  }

  @Test
  void aReloadWhoseNewWorkerNeverPassesLeavesTheOldOneServing() throws Exception {
    String yaml =
        """
        apps:
          - name: web
            script: sickens.js
            cwd: ${workers}
            exec_mode: cluster
            instances: 1
            wait_ready: health
            listen_timeout: 20000
            env: { PORT: %d%s }
            health_check: { http: /healthz, interval: 200ms }
        """;
    var ecosystem = pmfx.ecosystem(yaml.formatted(port, ""));
    pmfx.engine.start(ecosystem, java.util.Optional.empty(), java.util.Set.of()).get();
    pmfx.awaitOnline("web", 1);
    long serving = pmfx.workers("web").getFirst().pid().orElseThrow();

    // the new version answers /healthz with 500 from the start, while it accepts connections
    Files.writeString(
        ecosystem.file(),
        yaml.formatted(port, ", SICK_AFTER: 0")
            .replace("${workers}", EngineHarness.workers().toString()));
    long began = System.nanoTime();
    var reloaded = pmfx.engine.reload("web").get();
    assertTrue(
        System.nanoTime() - began < 10_000_000_000L, "over long before listen_timeout (20 s)");

    assertTrue(!reloaded.ok(), "the reload failed: " + reloaded);
    assertEquals(
        List.of(serving),
        pmfx.workers("web").stream().map(w -> w.pid().orElseThrow()).toList(),
        "the old worker serves on");
    assertTrue(
        pmfx.events.all().stream()
            .anyMatch(
                e ->
                    e instanceof EngineEvent.WorkerChanged c
                        && c.reason().startsWith("health check failed: HTTP 500 from /healthz")),
        "the new worker was stopped as soon as it was found unhealthy");
    assertEquals(String.valueOf(serving), EngineHarness.getOnNewConnection(port));
  }

  @Test
  void aNodeWorkersCommandCheckRunsNodeWithoutAChannel() throws Exception {
    pmfx.start(
        """
        apps:
          - name: api
            script: ready.js
            cwd: ${workers}
            wait_ready: true
            health_check: { exec: 'node -e "setTimeout(() => process.exit(0), 100)"', interval: 200ms }
        """);
    HealthChecked healthy = awaitHealth("api", Health.State.HEALTHY);
    assertTrue(healthy.worker().health().detail().startsWith("exit code 0 from 'node -e"));
    // An adopted worker's environment, read from /proc, names its channel: not the command's.
    assertEquals(
        java.util.Map.of("PORT", "3000", "PMFX_HOME", "/h"),
        HealthChecks.forCommand(
            java.util.Map.of(
                "PORT", "3000",
                "PMFX_HOME", "/h",
                "NODE_CHANNEL_FD", "3",
                "NODE_CHANNEL_SERIALIZATION_MODE", "json",
                "PMFX_HELD_FDS", "4,5,6,7")));
  }

  @Test
  void whatACommandCheckLeavesInTheBackgroundEndsWithIt() throws Exception {
    pmfx.start(
        """
        apps:
          - name: job
            script: sleep 600
            health_check: { exec: 'sleep 3131 & echo started', interval: 5s }
        """);
    HealthChecked healthy = awaitHealth("job", Health.State.HEALTHY);
    assertEquals(
        "exit code 0 from 'sleep 3131 & echo started': started",
        healthy.worker().health().detail());
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (ProcessHandle.allProcesses()
        .anyMatch(p -> p.info().commandLine().orElse("").contains("sleep 3131"))) {
      assertTrue(System.nanoTime() < deadline, "the background sleep was ended");
      Thread.sleep(50);
    }
  }

  @Test
  void waitReadyHealthMakesAWorkerOnlineOnlyOnceItsCheckPasses() throws Exception {
    pmfx.start(
        """
        apps:
          - name: api
            script: sickens.js
            cwd: ${workers}
            env: { PORT: %d, SLOW_START_MS: 1000 }
            wait_ready: health
            listen_timeout: 8000
            health_check: { http: /healthz, interval: 5s, start_period: 5s }
        """
            .formatted(port));
    EngineEvent.WorkerChanged waiting = pmfx.events.awaitState("api", WorkerState.WAITING_READY);
    assertTrue(waiting.reason().contains("waiting for its health check to pass"), waiting.reason());
    EngineEvent.WorkerChanged online = pmfx.events.awaitState("api", WorkerState.ONLINE);
    assertEquals("its health check passed: HTTP 200 from /healthz", online.reason());
    long waited =
        Duration.between(online.worker().startedAt().orElseThrow(), online.at()).toMillis();
    assertTrue(waited >= 950 && waited < 4000, "online after " + waited + " ms");
  }
}
