package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.Dependency.Condition;
import dev.pmfx.config.ExecMode;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.WorkerChanged;
import dev.pmfx.engine.Health;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * depends_on with real workers: an app starts once what it depends on is online or completed, not
 * at all when that fails, and stops before it.
 */
class StartOrderTest {

  @TempDir Path dir;

  private EngineHarness pmfx;

  @BeforeEach
  void start() {
    pmfx = new EngineHarness(dir);
  }

  @AfterEach
  void stop() {
    pmfx.close();
  }

  /** The index of the first event that matches, or -1. */
  private int first(String app, WorkerState state) {
    List<EngineEvent> all = pmfx.events.all();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i) instanceof WorkerChanged c
          && c.worker().name().equals(app)
          && c.worker().state() == state) {
        return i;
      }
    }
    return -1;
  }

  private Optional<String> noteOf(String app) {
    return pmfx.engine.snapshot().stream()
        .filter(a -> a.name().equals(app))
        .findFirst()
        .flatMap(AppStatus::startNote);
  }

  @Test
  void webStartsOnlyOnceDbIsOnline() throws Exception {
    // given web, first in its file, depends on db, which says ready after 1.5 s
    pmfx.start(
        """
        apps:
          - name: web
            script: Sleeper.java
            cwd: ${workers}
            depends_on: {db: online}
          - name: db
            script: ReadySender.java
            cwd: ${workers}
            wait_ready: true
            listen_timeout: 20s
            env: {READY_AFTER_MS: 1500}
        """);

    // when db comes online
    EngineEvent.AppUpdated waiting =
        pmfx.events.await(
            EngineEvent.AppUpdated.class,
            u -> u.app().name().equals("web") && u.app().startNote().isPresent());
    WorkerChanged dbOnline = pmfx.events.awaitState("db", WorkerState.ONLINE);
    WorkerChanged webLaunching = pmfx.events.awaitState("web", WorkerState.LAUNCHING);
    pmfx.awaitOnline("web", 1);

    // then web waited for it, saying so, and started after
    assertEquals(Optional.of("waiting for db"), waiting.app().startNote());
    assertTrue(first("db", WorkerState.ONLINE) < first("web", WorkerState.LAUNCHING));
    assertFalse(webLaunching.at().isBefore(dbOnline.at()), webLaunching.at() + " " + dbOnline.at());
    assertEquals(Optional.empty(), noteOf("web"));
  }

  @Test
  void webWaitsForDbsHealthCheckToPassWhenItDependsOnItBeingHealthy() throws Exception {
    // given web depends on db being healthy, and db answers /healthz with 500 for 1.5 s
    int port = EngineHarness.freePort();
    pmfx.start(
        """
        apps:
          - name: web
            script: Sleeper.java
            cwd: ${workers}
            depends_on: {db: healthy}
          - name: db
            script: sickens.js
            cwd: ${workers}
            env: {PORT: %d, SLOW_START_MS: 1500}
            health_check: {http: /healthz, interval: 200ms, start_period: 10s}
        """
            .formatted(port));

    // when db's check passes
    WorkerChanged dbOnline = pmfx.events.awaitState("db", WorkerState.ONLINE);
    EngineEvent.HealthChecked dbHealthy =
        pmfx.events.await(
            EngineEvent.HealthChecked.class,
            h ->
                h.worker().name().equals("db")
                    && h.worker().health().state() == Health.State.HEALTHY);
    WorkerChanged webLaunching = pmfx.events.awaitState("web", WorkerState.LAUNCHING);
    pmfx.awaitOnline("web", 1);

    // then web started after that, not once db was merely online
    assertTrue(
        Duration.between(dbOnline.at(), dbHealthy.at()).toMillis() >= 1000,
        "db was online well before it was healthy: " + dbOnline.at() + " " + dbHealthy.at());
    assertFalse(
        webLaunching.at().isBefore(dbHealthy.at()), webLaunching.at() + " " + dbHealthy.at());
    assertEquals(Optional.empty(), noteOf("web"));
  }

  @Test
  void webStartsAfterItsMigrationExitedZero() throws Exception {
    pmfx.start(
        """
        apps:
          - name: web
            script: Sleeper.java
            cwd: ${workers}
            depends_on: {migrate: completed}
          - name: migrate
            script: Crasher.java
            cwd: ${workers}
            autorestart: false
            env: {EXIT_CODE: 0, LIVE_MS: 800}
        """);

    WorkerChanged migrated = pmfx.events.awaitState("migrate", WorkerState.STOPPED);
    WorkerChanged webLaunching = pmfx.events.awaitState("web", WorkerState.LAUNCHING);
    pmfx.awaitOnline("web", 1);

    assertEquals(OptionalInt.of(0), migrated.worker().lastExitCode());
    assertTrue(first("migrate", WorkerState.STOPPED) < first("web", WorkerState.LAUNCHING));
    assertFalse(webLaunching.at().isBefore(migrated.at()));
  }

  @Test
  void aMigrationThatFailsLeavesWebErroredWithTheReason() throws Exception {
    pmfx.start(
        """
        apps:
          - name: migrate
            script: Crasher.java
            cwd: ${workers}
            autorestart: false
            env: {EXIT_CODE: 1, LIVE_MS: 300}
          - name: web
            script: Sleeper.java
            cwd: ${workers}
            depends_on: {migrate: completed}
        """);

    WorkerChanged errored = pmfx.events.awaitState("web", WorkerState.ERRORED);

    assertEquals("not started: migrate exited with code 1", errored.reason());
    assertEquals(Optional.of("not started: migrate exited with code 1"), noteOf("web"));
    assertEquals(-1, first("web", WorkerState.LAUNCHING), "web never started a process");
    assertTrue(pmfx.workers("web").getFirst().pid().isEmpty());
    assertTrue(
        dev.pmfx.daemon.ProcessTable.render(pmfx.engine.snapshot(), Optional.empty(), Instant.now())
            .contains("│ not started: migrate exited with code 1 │"),
        "pmfx list says why");
  }

  @Test
  void startingWebAloneStartsDbFirst() throws Exception {
    var ecosystem =
        pmfx.ecosystem(
            """
            apps:
              - name: db
                script: ReadySender.java
                cwd: ${workers}
                wait_ready: true
                env: {READY_AFTER_MS: 500}
              - name: web
                script: Sleeper.java
                cwd: ${workers}
                depends_on: [db]
              - name: other
                script: Sleeper.java
                cwd: ${workers}
            """);

    pmfx.engine.start(ecosystem, Optional.empty(), Set.of("web")).get();
    pmfx.awaitOnline("web", 1);

    assertTrue(first("db", WorkerState.ONLINE) < first("web", WorkerState.LAUNCHING));
    assertTrue(pmfx.workers("other").isEmpty(), "only what web needs starts");
  }

  @Test
  void stopAllStopsWebBeforeDb() throws Exception {
    pmfx.start(
        """
        apps:
          - name: db
            script: Sleeper.java
            cwd: ${workers}
          - name: web
            script: Sleeper.java
            cwd: ${workers}
            depends_on: [db]
        """);
    pmfx.awaitOnline("web", 1);
    pmfx.awaitOnline("db", 1);

    pmfx.engine.stop("all").get();

    int webStopped = first("web", WorkerState.STOPPED);
    int dbStopping = first("db", WorkerState.STOPPING);
    assertTrue(webStopped >= 0 && dbStopping >= 0, pmfx.events.all().toString());
    assertTrue(
        webStopped < dbStopping,
        "web stopped (" + webStopped + ") before db began (" + dbStopping + ")");
    assertEquals(WorkerState.STOPPED, pmfx.workers("db").getFirst().state());
  }

  @Test
  void closingPmfxStopsWebBeforeDb() throws Exception {
    pmfx.start(
        """
        apps:
          - name: db
            script: Sleeper.java
            cwd: ${workers}
          - name: web
            script: Sleeper.java
            cwd: ${workers}
            depends_on: [db]
        """);
    pmfx.awaitOnline("web", 1);
    pmfx.awaitOnline("db", 1);

    pmfx.engine.close();

    WorkerChanged webStopped = pmfx.events.awaitState("web", WorkerState.STOPPED);
    WorkerChanged dbStopping = pmfx.events.awaitState("db", WorkerState.STOPPING);
    assertTrue(
        first("web", WorkerState.STOPPED) < first("db", WorkerState.STOPPING),
        pmfx.events.all().toString());
    assertFalse(dbStopping.at().isBefore(webStopped.at()));
  }

  // ---------------------------------------------------------------- the verdict, pure

  private static WorkerStatus worker(WorkerState state, OptionalInt exit, Health health) {
    return new WorkerStatus(
        0,
        "dep",
        "default",
        ExecMode.FORK,
        0,
        OptionalLong.empty(),
        state,
        Instant.EPOCH,
        Optional.empty(),
        0,
        exit,
        Optional.empty(),
        Optional.empty(),
        health);
  }

  private static StartOrder.Verdict verdict(Condition condition, WorkerStatus... workers) {
    return StartOrder.verdict(
        Map.of("dep", condition), app -> Optional.of(List.of(workers)), Set.of());
  }

  @Test
  void verdictOnlineWaitsForEveryWorker() {
    WorkerStatus online = worker(WorkerState.ONLINE, OptionalInt.empty(), Health.NONE);
    WorkerStatus launching = worker(WorkerState.LAUNCHING, OptionalInt.empty(), Health.NONE);

    assertInstanceOf(StartOrder.Verdict.Met.class, verdict(Condition.ONLINE, online, online));
    assertEquals(
        new StartOrder.Verdict.Waiting(List.of("dep")),
        verdict(Condition.ONLINE, online, launching));
    assertEquals(
        new StartOrder.Verdict.Failed("dep is stopped"),
        verdict(
            Condition.ONLINE,
            online,
            worker(WorkerState.STOPPED, OptionalInt.empty(), Health.NONE)));
  }

  @Test
  void verdictCompletedNeedsExitCodeZeroFromEveryWorker() {
    WorkerStatus zero = worker(WorkerState.STOPPED, OptionalInt.of(0), Health.NONE);
    WorkerStatus running = worker(WorkerState.ONLINE, OptionalInt.empty(), Health.NONE);

    assertInstanceOf(StartOrder.Verdict.Met.class, verdict(Condition.COMPLETED, zero, zero));
    assertInstanceOf(StartOrder.Verdict.Waiting.class, verdict(Condition.COMPLETED, zero, running));
    assertEquals(
        new StartOrder.Verdict.Failed("dep exited with code 2"),
        verdict(
            Condition.COMPLETED,
            zero,
            worker(WorkerState.STOPPED, OptionalInt.of(2), Health.NONE)));
  }

  @Test
  void verdictHealthyFailsWithoutAHealthCheckAndWaitsWhileStarting() {
    assertEquals(
        new StartOrder.Verdict.Failed("dep has no health check to be healthy by"),
        verdict(Condition.HEALTHY, worker(WorkerState.ONLINE, OptionalInt.empty(), Health.NONE)));
    assertInstanceOf(
        StartOrder.Verdict.Waiting.class,
        verdict(
            Condition.HEALTHY, worker(WorkerState.ONLINE, OptionalInt.empty(), Health.STARTING)));
  }

  @Test
  void verdictWaitsForADependencyThatIsHeldItselfAndFailsForOneThatIsNotHere() {
    assertEquals(
        new StartOrder.Verdict.Waiting(List.of("dep")),
        StartOrder.verdict(
            Map.of("dep", Condition.ONLINE), app -> Optional.empty(), Set.of("dep")));
    assertEquals(
        new StartOrder.Verdict.Failed("dep does not run here"),
        StartOrder.verdict(Map.of("dep", Condition.ONLINE), app -> Optional.empty(), Set.of()));
  }
}
