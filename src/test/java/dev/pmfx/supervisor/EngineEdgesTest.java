package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.WorkerChanged;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The corners: listeners that call back, bad log paths, odd signals and exit codes, orphans. */
class EngineEdgesTest {

  @TempDir Path dir;
  private EngineHarness pmfx;

  @BeforeEach
  void engine() {
    pmfx = new EngineHarness(dir);
  }

  @AfterEach
  void close() {
    pmfx.close();
  }

  private static final String SLEEPER =
      """
      apps:
        - name: %s
          script: Sleeper.java
          cwd: ${workers}
      """;

  @Test
  void listenerThatUnsubscribesItselfDuringAnEventBreaksNothing() throws Exception {
    AtomicReference<Engine.Subscription> self = new AtomicReference<>();
    self.set(
        pmfx.engine.subscribe(
            new EngineListener() {
              @Override
              public void onSnapshot(List<AppStatus> apps) {}

              @Override
              public void onEvent(EngineEvent event) {
                if (event instanceof WorkerChanged c && c.worker().state() == WorkerState.ONLINE) {
                  self.get().close();
                }
              }
            }));
    pmfx.start(SLEEPER.formatted("once"));
    pmfx.events.awaitState("once", WorkerState.ONLINE);

    CommandResult stopped = pmfx.engine.stop("once").get(20, TimeUnit.SECONDS);

    assertTrue(stopped.ok());
  }

  @Test
  void listenerMayAskForASnapshotWhileLinesArrive() throws Exception {
    AtomicReference<List<AppStatus>> seen = new AtomicReference<>();
    pmfx.engine.subscribe(
        new EngineListener() {
          @Override
          public void onSnapshot(List<AppStatus> apps) {}

          @Override
          public void onEvent(EngineEvent event) {
            if (event instanceof EngineEvent.LogLine && seen.get() == null) {
              seen.set(pmfx.engine.snapshot());
            }
          }
        });
    pmfx.start(SLEEPER.formatted("asks"));
    pmfx.events.awaitLine("asks", t -> t.startsWith("sleeping"));

    CommandResult stopped = pmfx.engine.stop("asks").get(20, TimeUnit.SECONDS);

    assertTrue(stopped.ok());
    assertEquals("asks", seen.get().getFirst().name());
  }

  @Test
  void logFileThatCannotBeOpenedErrorsTheAppBeforeAnythingRuns() throws Exception {
    CommandResult result =
        pmfx.start(
            """
            apps:
              - name: unlogged
                script: Sleeper.java
                cwd: ${workers}
                out_file: /dev/null/no/out.log
            """);

    assertTrue(
        result.problems().getFirst().message().startsWith("could not start:"), result.toString());
    assertEquals(
        WorkerState.ERRORED, pmfx.engine.snapshot().getFirst().workers().getFirst().state());
    assertTrue(pmfx.engine.stop("unlogged").get(10, TimeUnit.SECONDS).ok());
  }

  @Test
  void anyAcceptedKillSignalStopsTheWorkerOneWayOrAnother() throws Exception {
    pmfx.start(
        """
        apps:
          - name: odd-signal
            script: Sleeper.java
            cwd: ${workers}
            kill_signal: SIGUSR2
            kill_timeout: 500
        """);
    pmfx.events.awaitLine("odd-signal", t -> t.startsWith("sleeping"));

    assertTrue(pmfx.engine.stop("odd-signal").get(20, TimeUnit.SECONDS).ok());
    assertEquals(
        WorkerState.STOPPED, pmfx.engine.snapshot().getFirst().workers().getFirst().state());
  }

  @Test
  void childrenOfAWorkerThatCrashesEndWithIt() throws Exception {
    Files.writeString(
        dir.resolve("parent.sh"), "sleep 1000 &\necho \"child $!\"\nsleep 0.3\nexit 1\n");
    pmfx.start(
        """
        apps:
          - name: careless
            script: parent.sh
            cwd: %s
            autorestart: false
        """
            .formatted(dir));
    String line = pmfx.events.awaitLine("careless", t -> t.startsWith("child ")).text();
    long child = Long.parseLong(line.substring(6));

    pmfx.events.awaitState("careless", WorkerState.STOPPED);

    Optional<ProcessHandle> handle = ProcessHandle.of(child);
    if (handle.isPresent()) {
      handle.get().onExit().get(10, TimeUnit.SECONDS);
    }
    assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void deleteWinsOverARestartAskedDuringIt() throws Exception {
    pmfx.start(
        """
        apps:
          - name: leaving
            script: IgnoresSigint.java
            cwd: ${workers}
            kill_timeout: 1000
        """);
    pmfx.events.awaitLine("leaving", t -> t.startsWith("stubborn"));

    var deleted = pmfx.engine.delete("leaving");
    CommandResult restarted = pmfx.engine.restart("leaving").get(20, TimeUnit.SECONDS);

    assertTrue(deleted.get(20, TimeUnit.SECONDS).ok());
    assertEquals(List.of(), pmfx.engine.snapshot());
    assertEquals(
        "worker 0 was stopped or deleted instead", restarted.problems().getFirst().message());
  }

  @Test
  void exitCodeAbove128IsKeptSoStopExitCodesMatchIt() throws Exception {
    Files.writeString(dir.resolve("exit143.sh"), "exit 143\n");
    pmfx.start(
        """
        apps:
          - name: term
            script: exit143.sh
            cwd: %s
            stop_exit_codes: [143]
        """
            .formatted(dir));

    WorkerChanged stopped = pmfx.events.awaitState("term", WorkerState.STOPPED);

    assertEquals(
        "exited with code 143 (SIGTERM); exit code 143 is in stop_exit_codes", stopped.reason());
    assertEquals(java.util.OptionalInt.of(143), stopped.worker().lastExitCode());
  }

  @Test
  void watchingOneFileIgnoresItsNeighbours() throws Exception {
    Path app = Files.createDirectories(dir.resolve("one"));
    Files.writeString(app.resolve("server.sh"), "sleep 1000\n");
    AppWatch watch =
        AppWatch.start(
            pmfx.ecosystem(
                    """
                    apps:
                      - script: server.sh
                        cwd: %s
                        watch: [server.sh]
                    """
                        .formatted(app))
                .apps()
                .getFirst(),
            List.of(),
            path -> {});
    try {
      assertFalse(watch.ignored(app.resolve("server.sh")));
      assertTrue(watch.ignored(app.resolve("data.json")));
    } finally {
      watch.close();
    }
  }

  @Test
  void twoHundredWorkersComeOnlineAndStopWithoutStarvingTheEngine() throws Exception {
    // two blocking pipe reads per worker: on virtual threads these would use up the carriers
    Files.writeString(dir.resolve("idle.sh"), "echo up\nexec sleep 600\n");
    pmfx.start(
        """
        apps:
          - name: many
            script: idle.sh
            cwd: %s
            instances: 200
            exec_mode: fork
        """
            .formatted(dir));

    pmfx.events.await(
        EngineEvent.LogLine.class,
        l -> l.app().equals("many") && l.instance() == 199 && l.text().equals("up"));
    java.util.List<WorkerState> states =
        pmfx.engine.snapshot().getFirst().workers().stream()
            .map(WorkerStatus::state)
            .distinct()
            .toList();
    assertEquals(List.of(WorkerState.ONLINE), states);

    assertTrue(pmfx.engine.stop("many").get(60, TimeUnit.SECONDS).ok());
  }
}
