package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.AppSpec;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.WorkerChanged;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor with real processes: Java single-file workers from src/test/resources/workers. */
class EngineTest {

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

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static void awaitDeath(long pid) throws Exception {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isPresent()) {
      try {
        process.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException stillAlive) {
        // the assertion after this says so
      }
    }
  }

  @Test
  void forkWorkerComesOnlineThenStopsGracefullyWithItsPidGone() throws Exception {
    pmfx.start(
        """
        apps:
          - name: sleeper
            script: Sleeper.java
            cwd: ${workers}
        """);
    WorkerChanged online = pmfx.events.awaitState("sleeper", WorkerState.ONLINE);
    long pid = online.worker().pid().orElseThrow();
    assertTrue(alive(pid));

    CommandResult stopped = pmfx.engine.stop("sleeper").get();

    assertTrue(stopped.ok());
    WorkerChanged stop = pmfx.events.awaitState("sleeper", WorkerState.STOPPED);
    assertTrue(
        stop.reason().startsWith("exited on SIGINT")
            || stop.reason().startsWith("exited with code"),
        stop.reason());
    assertFalse(alive(pid));
    assertEquals(
        WorkerState.STOPPED, pmfx.engine.snapshot().getFirst().workers().getFirst().state());
  }

  @Test
  void crashLoopBacksOffExponentiallyThenEndsErrored() throws Exception {
    pmfx.start(
        """
        apps:
          - name: crasher
            script: Crasher.java
            cwd: ${workers}
            max_restarts: 4
            min_uptime: 60s
            exp_backoff_restart_delay: 100
        """);

    WorkerChanged errored = pmfx.events.awaitState("crasher", WorkerState.ERRORED);

    List<String> delays =
        pmfx.events.changes("crasher").stream()
            .filter(c -> c.worker().state() == WorkerState.CRASHED)
            .map(c -> c.reason().replaceAll(".*restarting in (\\d+) ms", "$1"))
            .toList();
    assertEquals(List.of("100", "150", "225"), delays);
    assertEquals(3, errored.worker().restarts());
    assertEquals(OptionalInt.of(3), errored.worker().lastExitCode());
    assertTrue(
        errored.reason().contains("exited 4 times in a row, each time up less than min_uptime"),
        errored.reason());
    assertTrue(pmfx.events.lines("crasher").contains("crasher about to fail"));
  }

  @Test
  void exitCodeInStopExitCodesEndsStoppedWithoutRestart() throws Exception {
    pmfx.start(
        """
        apps:
          - name: done
            script: Crasher.java
            cwd: ${workers}
            stop_exit_codes: [0]
            env: { EXIT_CODE: 0 }
        """);

    WorkerChanged stopped = pmfx.events.awaitState("done", WorkerState.STOPPED);

    assertEquals("exited with code 0; exit code 0 is in stop_exit_codes", stopped.reason());
    assertEquals(0, stopped.worker().restarts());
  }

  @Test
  void workerThatIgnoresSigintIsKilledWhenKillTimeoutRunsOut() throws Exception {
    pmfx.start(
        """
        apps:
          - name: stubborn
            script: IgnoresSigint.java
            cwd: ${workers}
            kill_timeout: 700
        """);
    pmfx.events.awaitLine("stubborn", t -> t.startsWith("stubborn, pid"));

    Instant asked = Instant.now();
    pmfx.engine.stop("stubborn").get();
    Duration took = Duration.between(asked, Instant.now());

    WorkerChanged stopped = pmfx.events.awaitState("stubborn", WorkerState.STOPPED);
    assertEquals("killed by SIGKILL", stopped.reason());
    assertEquals(Optional.of("SIGKILL"), stopped.worker().lastSignal());
    assertTrue(took.toMillis() >= 700, "stopped after " + took);
    assertTrue(pmfx.events.lines("stubborn").contains("ignoring SIGINT"));
  }

  @Test
  void stoppingAWorkerEndsTheProcessesItStarted() throws Exception {
    pmfx.start(
        """
        apps:
          - name: parent
            script: SpawnsChild.java
            cwd: ${workers}
            kill_timeout: 500
        """);
    String line = pmfx.events.awaitLine("parent", t -> t.startsWith("child pid ")).text();
    long child = Long.parseLong(line.substring("child pid ".length()));
    long grandchild =
        ProcessHandle.of(child)
            .orElseThrow()
            .children()
            .findFirst()
            .map(ProcessHandle::pid)
            .orElse(child);
    assertTrue(alive(child));

    pmfx.engine.stop("parent").get();

    awaitDeath(child);
    awaitDeath(grandchild);
    assertFalse(alive(child), "the child survived its worker");
    assertFalse(alive(grandchild), "the grandchild survived its worker");
  }

  @Test
  void waitReadyWorkerIsOnlineWhenItSaysReady() throws Exception {
    pmfx.start(
        """
        apps:
          - name: polite
            script: ReadySender.java
            cwd: ${workers}
            wait_ready: true
            listen_timeout: 20s
        """);

    WorkerChanged online = pmfx.events.awaitState("polite", WorkerState.ONLINE);

    assertEquals("ready", online.reason());
    assertEquals(WorkerState.WAITING_READY, online.from());
    assertTrue(online.worker().readyAt().isPresent());
  }

  @Test
  void waitReadyWorkerThatNeverSaysSoGoesOnlineWithAWarningAfterListenTimeout() throws Exception {
    pmfx.start(
        """
        apps:
          - name: silent
            script: Sleeper.java
            cwd: ${workers}
            wait_ready: true
            listen_timeout: 1500
        """);
    WorkerChanged waiting = pmfx.events.awaitState("silent", WorkerState.WAITING_READY);

    WorkerChanged online = pmfx.events.awaitState("silent", WorkerState.ONLINE);

    assertEquals("no ready signal within listen_timeout (1500 ms); online anyway", online.reason());
    assertTrue(Duration.between(waiting.at(), online.at()).toMillis() >= 1400);
  }

  @Test
  void envNameSelectsItsBlockAndPm2sVariablesAreSet() throws Exception {
    pmfx.start(
        """
        apps:
          - name: envy
            script: Sleeper.java
            cwd: ${workers}
            env: { MODE: development, VARS: "MODE,NODE_APP_INSTANCE,pm_id,name,PMFX_IPC,PMFX_HOME" }
            env_production: { MODE: production }
        """,
        Optional.of("production"));

    pmfx.events.awaitLine("envy", t -> t.startsWith("sleeping"));

    List<String> lines = pmfx.events.lines("envy");
    assertTrue(lines.contains("MODE=production"), lines.toString());
    assertTrue(lines.contains("NODE_APP_INSTANCE=0"), lines.toString());
    assertTrue(lines.contains("name=envy"), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.matches("pm_id=\\d+")), lines.toString());
    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("PMFX_IPC=" + pmfx.home.dir().resolve("ipc"))),
        lines.toString());
    assertTrue(lines.contains("PMFX_HOME=" + pmfx.home.dir()), lines.toString());
  }

  @Test
  void appThatCannotStartIsErroredAndTheOthersStartAnyway() throws Exception {
    CommandResult result =
        pmfx.start(
            """
            apps:
              - name: broken
                script: Sleeper.java
                cwd: ${workers}
                interpreter: no-such-interpreter
              - name: fine
                script: Sleeper.java
                cwd: ${workers}
            """);

    assertEquals(
        List.of(
            new CommandResult.Problem(
                "broken", "interpreter 'no-such-interpreter' is not installed (not on PATH)")),
        result.problems());
    assertEquals(
        "interpreter 'no-such-interpreter' is not installed (not on PATH)",
        pmfx.events.awaitState("broken", WorkerState.ERRORED).reason());
    pmfx.events.awaitState("fine", WorkerState.ONLINE);
  }

  @Test
  void restartReplacesTheProcessAndCountsIt() throws Exception {
    pmfx.start(
        """
        apps:
          - name: again
            script: Sleeper.java
            cwd: ${workers}
        """);
    long first = pmfx.events.awaitState("again", WorkerState.ONLINE).worker().pid().orElseThrow();

    CommandResult result = pmfx.engine.restart("again").get();

    assertTrue(result.ok(), result.toString());
    WorkerChanged second =
        pmfx.events.await(
            WorkerChanged.class,
            c ->
                c.worker().name().equals("again")
                    && c.worker().state() == WorkerState.ONLINE
                    && c.worker().restarts() == 1);
    assertTrue(second.worker().pid().orElseThrow() != first);
    assertFalse(alive(first));
  }

  @Test
  void deleteStopsTheWorkersAndForgetsTheApp() throws Exception {
    pmfx.start(
        """
        apps:
          - name: gone
            script: Sleeper.java
            cwd: ${workers}
            namespace: temp
        """);
    long pid = pmfx.events.awaitState("gone", WorkerState.ONLINE).worker().pid().orElseThrow();

    pmfx.engine.delete("temp").get();

    pmfx.events.await(EngineEvent.AppRemoved.class, r -> r.app().equals("gone"));
    assertEquals(List.of(), pmfx.engine.snapshot());
    assertFalse(alive(pid));
  }

  @Test
  void targetsAreNamesIdsNamespacesOrAllAndUnknownOnesAreNamed() throws Exception {
    pmfx.start(
        """
        apps:
          - name: one
            script: Sleeper.java
            cwd: ${workers}
            instances: 2
            exec_mode: fork
        """);
    pmfx.events.await(
        WorkerChanged.class,
        c -> c.worker().instance() == 1 && c.worker().state() == WorkerState.ONLINE);
    int second = pmfx.engine.snapshot().getFirst().workers().get(1).id();

    CommandResult byId = pmfx.engine.stop(String.valueOf(second)).get();
    CommandResult unknown = pmfx.engine.stop("nothing-here").get();

    assertEquals(List.of(second), byId.workers());
    List<WorkerState> states =
        pmfx.engine.snapshot().getFirst().workers().stream().map(WorkerStatus::state).toList();
    assertEquals(List.of(WorkerState.ONLINE, WorkerState.STOPPED), states);
    assertEquals(
        List.of(
            new CommandResult.Problem(
                "nothing-here", "no app, worker id or namespace 'nothing-here'")),
        unknown.problems());
  }

  @Test
  void outputGoesToLogFilesUnderTheHome() throws Exception {
    pmfx.start(
        """
        apps:
          - name: logged
            script: Crasher.java
            cwd: ${workers}
            autorestart: false
        """);
    pmfx.events.awaitState("logged", WorkerState.STOPPED);
    pmfx.engine.close();

    Path logs = pmfx.home.dir().resolve("logs");
    assertTrue(Files.readString(logs.resolve("logged-out.log")).startsWith("crasher up, pid "));
    assertEquals("crasher about to fail\n", Files.readString(logs.resolve("logged-error.log")));

    try (Supervisor later =
        Supervisor.create(
            pmfx.home, dev.pmfx.config.EcosystemLoader::loadOnThisMachine)) { // pmfx started again
      AppSpec spec =
          pmfx.ecosystem("apps:\n  - name: logged\n    script: Crasher.java\n").apps().getFirst();
      List<EngineEvent.LogLine> earlier = later.logHistory(spec, 10).get();

      assertEquals(
          List.of("OUT crasher up", "ERR crasher about to fail"),
          earlier.stream()
              .map(l -> l.stream() + " " + l.text().replaceAll(", pid.*", ""))
              .toList());
    }
  }

  @Test
  void aMillionLinesFromAFastWriterAllArriveInOrder() throws Exception {
    int[] count = {0};
    boolean[] inOrder = {true};
    String[] last = {""};
    pmfx.engine.subscribe(
        new EngineListener() {
          @Override
          public void onSnapshot(List<AppStatus> apps) {}

          @Override
          public void onEvent(EngineEvent event) {
            if (event instanceof EngineEvent.LogLine line && line.app().equals("flood")) {
              count[0]++;
              if (line.text().startsWith("line ")) {
                String number = line.text().substring(5).split(" ")[0];
                int n = Integer.parseInt(number);
                int expected = count[0] <= 7 ? count[0] : count[0] - 1;
                inOrder[0] &= n == expected;
              }
              last[0] = line.text();
            }
          }
        });
    pmfx.start(
        """
        apps:
          - name: flood
            script: FastWriter.java
            cwd: ${workers}
            autorestart: false
        """);

    pmfx.events.awaitState("flood", WorkerState.STOPPED);
    pmfx.engine.close(); // the pumps finish what the pipe still holds

    assertEquals(1_000_001, count[0], "1,000,000 numbered lines and one with bad UTF-8");
    assertTrue(inOrder[0]);
    assertEquals("line 1000000 (no newline)", last[0]);
    assertTrue(pmfx.events.lines("flood").contains("bad \uFFFD("));
    // about 12 MB of output: rotated once at 10 MiB, nothing lost across the two files
    Path logs = pmfx.home.dir().resolve("logs");
    List<Path> copies = dev.pmfx.logs.LogFile.rotatedCopies(logs.resolve("flood-out.log"));
    assertEquals(1, copies.size(), copies.toString());
    List<String> written = new java.util.ArrayList<>(Files.readAllLines(copies.getFirst()));
    written.addAll(Files.readAllLines(logs.resolve("flood-out.log")));
    assertEquals(1_000_001, written.size());
    assertEquals("line 1", written.getFirst());
    assertEquals("line 1000000 (no newline)", written.getLast());
  }

  @Test
  void startWithOnlyStartsJustThoseApps() throws Exception {
    var ecosystem =
        pmfx.ecosystem(
            """
            apps:
              - name: a
                script: Sleeper.java
                cwd: ${workers}
              - name: b
                script: Sleeper.java
                cwd: ${workers}
            """);

    CommandResult result = pmfx.engine.start(ecosystem, Optional.empty(), Set.of("b", "zzz")).get();

    assertEquals(1, result.workers().size());
    assertEquals(List.of("b"), pmfx.engine.snapshot().stream().map(AppStatus::name).toList());
    assertTrue(result.problems().getFirst().message().startsWith("no app named 'zzz'"));
  }

  @Test
  void missingOrNonExecutableScriptsErrorTheirAppWithWhy() throws Exception {
    Path scripts = Files.createDirectories(dir.resolve("scripts"));
    Files.writeString(scripts.resolve("tool"), "#!/bin/sh\necho hi\n");

    CommandResult result =
        pmfx.start(
            """
            apps:
              - name: not-executable
                script: ./tool
                cwd: %1$s
              - name: missing
                script: gone.py
                cwd: %1$s
            """
                .formatted(scripts));

    assertEquals(
        List.of(
            "not-executable: script "
                + scripts.resolve("tool")
                + " is not executable: chmod +x it, or set an interpreter",
            "missing: script " + scripts.resolve("gone.py") + " does not exist"),
        result.problems().stream().map(p -> p.app() + ": " + p.message()).toList());
    assertEquals(
        WorkerState.ERRORED,
        pmfx.events.awaitState("missing", WorkerState.ERRORED).worker().state());
  }

  @Test
  void instancesAreNumberedAndIncrementVarCountsUpFromItsBase() throws Exception {
    pmfx.start(
        """
        apps:
          - name: counted
            script: Sleeper.java
            cwd: ${workers}
            instances: 2
            exec_mode: fork
            instance_var: INSTANCE_ID
            increment_var: BASE
            env: { BASE: 5000, VARS: "INSTANCE_ID,BASE" }
        """);

    pmfx.events.await(
        EngineEvent.LogLine.class,
        l -> l.app().equals("counted") && l.instance() == 1 && l.text().startsWith("sleeping"));
    pmfx.events.await(
        EngineEvent.LogLine.class,
        l -> l.app().equals("counted") && l.instance() == 0 && l.text().startsWith("sleeping"));

    List<String> lines =
        pmfx.events.all().stream()
            .filter(
                e ->
                    e instanceof EngineEvent.LogLine l
                        && l.app().equals("counted")
                        && !l.text().startsWith("sleeping"))
            .map(e -> ((EngineEvent.LogLine) e).instance() + ":" + ((EngineEvent.LogLine) e).text())
            .sorted()
            .toList();
    assertEquals(
        List.of("0:BASE=5000", "0:INSTANCE_ID=0", "1:BASE=5001", "1:INSTANCE_ID=1"), lines);
  }
}
