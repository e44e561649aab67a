package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.EngineEvent.RolloutStep.Status;
import dev.pmfx.engine.EngineEvent.RolloutStep.Step;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.supervisor.MachineEffect.ArmTimer;
import dev.pmfx.supervisor.MachineEffect.BeginStep;
import dev.pmfx.supervisor.MachineEffect.Drain;
import dev.pmfx.supervisor.MachineEffect.EndStep;
import dev.pmfx.supervisor.MachineEffect.KillTree;
import dev.pmfx.supervisor.MachineEffect.LaunchOutcome;
import dev.pmfx.supervisor.MachineEffect.PollListening;
import dev.pmfx.supervisor.MachineEffect.Probe;
import dev.pmfx.supervisor.MachineEffect.Publish;
import dev.pmfx.supervisor.MachineEffect.Release;
import dev.pmfx.supervisor.MachineEffect.Remove;
import dev.pmfx.supervisor.MachineEffect.ReplaceUnwell;
import dev.pmfx.supervisor.MachineEffect.Route;
import dev.pmfx.supervisor.MachineEffect.SendStop;
import dev.pmfx.supervisor.MachineEffect.Spawn;
import dev.pmfx.supervisor.MachineEffect.Unroute;
import dev.pmfx.supervisor.MachineEvent.Adopted;
import dev.pmfx.supervisor.MachineEvent.Drained;
import dev.pmfx.supervisor.MachineEvent.Exited;
import dev.pmfx.supervisor.MachineEvent.KillTimeout;
import dev.pmfx.supervisor.MachineEvent.ListenTimeout;
import dev.pmfx.supervisor.MachineEvent.Listening;
import dev.pmfx.supervisor.MachineEvent.OverMemory;
import dev.pmfx.supervisor.MachineEvent.Probed;
import dev.pmfx.supervisor.MachineEvent.Ready;
import dev.pmfx.supervisor.MachineEvent.ReplacementFailed;
import dev.pmfx.supervisor.MachineEvent.Restart;
import dev.pmfx.supervisor.MachineEvent.RestartDelayElapsed;
import dev.pmfx.supervisor.MachineEvent.SpawnFailed;
import dev.pmfx.supervisor.MachineEvent.SpawnRefused;
import dev.pmfx.supervisor.MachineEvent.Spawned;
import dev.pmfx.supervisor.MachineEvent.Start;
import dev.pmfx.supervisor.MachineEvent.StartKind;
import dev.pmfx.supervisor.MachineEvent.Stop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's lifecycle, one transition at a time: no process, no thread, no sleep. A manual clock
 * moves time; every row of {@link MachineTable#TABLE} that changes something is taken by a test.
 */
class WorkerMachineTest {

  private static final Set<MachineTable.Row> TAKEN = ConcurrentHashMap.newKeySet();

  @TempDir Path dir;

  private static final int SIGKILL = 128 + 9;
  private static final int SIGINT = 128 + 2;
  private static final OptionalInt ROUTED = OptionalInt.of(3);
  private static final OptionalInt NOT_ROUTED = OptionalInt.empty();

  private AppSpec app(String options) throws Exception {
    Path file = dir.resolve("ecosystem.yaml");
    Files.writeString(file, "apps:\n  - name: app\n    script: app.sh\n" + options.indent(4));
    LoadResult result = new EcosystemLoader(Optional.empty(), Map.of(), 2).load(file);
    return ((LoadResult.Loaded) result).ecosystem().apps().getFirst();
  }

  /** One worker, driven by events, with a manual clock. */
  private static final class Worker {
    MachineState state;
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    List<MachineEffect> effects = List.of();

    Worker(AppSpec spec) {
      state = MachineState.initial(spec, now, 0);
    }

    Worker on(MachineEvent event) {
      MachineState before = state;
      WorkerMachine.Result result = WorkerMachine.apply(state, event, now);
      if (!WorkerMachine.stale(before, event)) {
        TAKEN.add(WorkerMachine.rowOf(before, event, result.state()));
      }
      state = result.state();
      effects = result.effects();
      return this;
    }

    Worker after(Duration time) {
      now = now.plus(time);
      return this;
    }

    int generation() {
      return state.generation();
    }

    Phase phase() {
      return state.phase();
    }

    <T extends MachineEffect> T effect(Class<T> kind) {
      List<T> found = effects.stream().filter(kind::isInstance).map(kind::cast).toList();
      assertEquals(1, found.size(), () -> "one " + kind.getSimpleName() + " in " + effects);
      return found.getFirst();
    }

    boolean has(Class<? extends MachineEffect> kind) {
      return effects.stream().anyMatch(kind::isInstance);
    }

    List<Publish> published() {
      return effects.stream().filter(Publish.class::isInstance).map(Publish.class::cast).toList();
    }

    /** The moves users were told of, as {@code from -> to: why}. */
    List<String> moves() {
      return published().stream()
          .map(p -> p.from().label() + " -> " + p.to().label() + ": " + p.why())
          .toList();
    }

    /** What users were told last. */
    String said() {
      return published().getLast().why();
    }

    Worker start() {
      return on(new Start(state.spec(), "started", StartKind.COMMAND));
    }

    Worker spawned() {
      return on(new Spawned(generation(), 4242, Optional.empty(), false, true));
    }

    Worker spawnedInCluster(boolean reportsListening) {
      return on(
          new Spawned(generation(), 4242, Optional.of("unix:w0.sock"), reportsListening, true));
    }

    Worker exits(int code) {
      return on(new Exited(generation(), code, ""));
    }
  }

  private Worker online(String options) throws Exception {
    Worker w = new Worker(app(options)).start().spawned();
    assertEquals(Phase.ONLINE, w.phase());
    return w;
  }

  private Worker stopping(String options) throws Exception {
    return online(options).on(new Stop("stop", StopGoal.REST, NOT_ROUTED));
  }

  private Worker trial(String options, boolean cluster) throws Exception {
    Worker w = new Worker(app(options));
    w.on(new Start(w.state.spec(), "reload: replaces worker 0", StartKind.TRIAL));
    return cluster ? w.spawnedInCluster(true) : w.spawned();
  }

  @AfterAll
  static void everyTransitionIsTakenByATest() {
    List<MachineTable.Row> untaken =
        MachineTable.TABLE.stream().filter(r -> !r.ignored() && !TAKEN.contains(r)).toList();
    assertEquals(List.of(), untaken, "rows no test takes");
  }

  // ---------------------------------------------------------------- starting

  @Test
  void aStoppedWorkerAskedToStartLaunchesANewProcessWithItsStartStep() throws Exception {
    Worker w = new Worker(app("")).start();
    assertEquals(Phase.LAUNCHING, w.phase());
    assertEquals(1, w.generation());
    assertEquals(new BeginStep(Step.START, Optional.empty(), "started"), w.effects.getFirst());
    assertEquals(List.of("stopped -> launching: started"), w.moves());
    assertEquals(new Spawn(1, w.state.spec()), w.effects.getLast());
  }

  @Test
  void anAdoptedProcessIsOnlineAtOnceWithItsStartTimeRestartsAndAddressAsRecorded()
      throws Exception {
    Worker w = new Worker(app("instances: 2\nwait_ready: true"));
    w.state = MachineState.initial(w.state.spec(), w.now, 3);
    w.on(new Start(w.state.spec(), "adopted", StartKind.ADOPT));
    assertEquals(Phase.LAUNCHING, w.phase());
    Instant started = w.now.minus(Duration.ofHours(2));
    w.on(new Adopted(w.generation(), 4242, started, Optional.of("127.0.0.1:40001"), true));
    assertEquals(Phase.ONLINE, w.phase(), "no ready signal waited for: it was online");
    assertEquals(Optional.of(started), w.state.startedAt());
    assertEquals(3, w.state.restarts(), "its restarts as recorded, none added");
    assertEquals(Optional.of("127.0.0.1:40001"), w.state.address());
    assertTrue(w.has(Route.class), "back in its app's rotation");
    assertEquals(
        List.of("launching -> online: adopted: pid 4242, which a daemon before this one started"),
        w.moves());
    w.exits(AdoptedProcess.UNKNOWN);
    assertEquals(Phase.AUTO_RESTART, w.phase(), "a crash of an adopted process restarts it");
    assertEquals(OptionalInt.empty(), w.state.lastExitCode());
    assertTrue(w.moves().getFirst().contains("its exit status is unknown"), w.moves().toString());
  }

  @Test
  void anErroredWorkerAskedToStartLaunchesWithItsRestartCountersStartingOver() throws Exception {
    Worker w = online("min_uptime: 10s\nmax_restarts: 2").exits(1);
    w.on(new RestartDelayElapsed(1)).spawned().exits(1);
    assertEquals(Phase.ERRORED, w.phase());
    assertEquals(1, w.state.unstableRestarts());
    w.start();
    assertEquals(Phase.LAUNCHING, w.phase());
    assertEquals(0, w.state.unstableRestarts());
  }

  @Test
  void aWorkerAtRestAskedToRestartLaunchesWithoutCountingARestart() throws Exception {
    Worker stopped = new Worker(app("")).on(new Restart("restart", NOT_ROUTED));
    assertEquals(Phase.LAUNCHING, stopped.phase());
    assertEquals(0, stopped.state.restarts());
    Worker errored = new Worker(app("")).start();
    errored.on(new SpawnFailed(errored.generation(), "no such script"));
    errored.on(new Restart("restart", NOT_ROUTED));
    assertEquals(Phase.LAUNCHING, errored.phase());
  }

  @Test
  void aReloadsStartOfAStoppedWorkerCountsARestart() throws Exception {
    Worker w = new Worker(app("")).on(new Start(app(""), "reloaded", StartKind.RELOAD));
    assertEquals(1, w.state.restarts());
  }

  @Test
  void aWorkerWithoutWaitReadyIsOnlineAndRoutedOnceSpawned() throws Exception {
    Worker w = new Worker(app("")).start().spawned();
    assertEquals(Phase.ONLINE, w.phase());
    assertEquals(List.of("launching -> online: pid 4242"), w.moves());
    assertTrue(w.has(Route.class));
    assertEquals(new LaunchOutcome(WorkerState.ONLINE), w.effects.getLast());
    assertEquals(Optional.of(w.now), w.state.readyAt());
  }

  @Test
  void aWorkerThatIsToSayReadyWaitsForItUntilListenTimeout() throws Exception {
    Worker w = new Worker(app("wait_ready: true\nlisten_timeout: 8000")).start().spawned();
    assertEquals(Phase.STARTING, w.phase());
    assertEquals("pid 4242, waiting for its ready signal", w.said());
    assertEquals(
        new ArmTimer(Duration.ofSeconds(8), new ListenTimeout(1)), w.effect(ArmTimer.class));
    assertFalse(w.has(PollListening.class));
  }

  @Test
  void aClusterWorkerWaitsToListenAndIsPolledUnlessItSaysSoItself() throws Exception {
    Worker polled = new Worker(app("")).start().spawnedInCluster(false);
    assertEquals(Phase.STARTING, polled.phase());
    assertEquals("pid 4242, waiting until it listens on unix:w0.sock", polled.said());
    assertEquals(new PollListening(1), polled.effect(PollListening.class));
    Worker reporting = new Worker(app("")).start().spawnedInCluster(true);
    assertFalse(reporting.has(PollListening.class));
  }

  @Test
  void aNewWorkerBesideServingOnesWaitsOnTrial() throws Exception {
    Worker w = trial("", true);
    assertEquals(Phase.TRIAL, w.phase());
    assertEquals(WorkerState.WAITING_READY, w.state.coarse());
  }

  @Test
  void aWorkerThatCannotStartEndsErroredWithTheReason() throws Exception {
    Worker w = new Worker(app("")).start();
    w.on(new SpawnFailed(w.generation(), "script app.sh not found"));
    assertEquals(Phase.ERRORED, w.phase());
    assertEquals("script app.sh not found", w.said());
    assertTrue(w.effects.contains(new LaunchOutcome(WorkerState.ERRORED)));
  }

  @Test
  void aWorkerLaunchedWhilePmfxClosesStaysStopped() throws Exception {
    Worker w = new Worker(app("")).start();
    w.on(new SpawnRefused(w.generation(), "not started: pmfx is closing"));
    assertEquals(Phase.STOPPED, w.phase());
    assertTrue(w.effects.contains(new LaunchOutcome(WorkerState.STOPPED)));
  }

  // ---------------------------------------------------------------- becoming ready

  @Test
  void aWaitingWorkerThatSaysReadyIsOnlineInEveryWaitingPhase() throws Exception {
    Worker starting = new Worker(app("wait_ready: true")).start().spawned();
    starting.on(new Ready(starting.generation()));
    assertEquals(Phase.ONLINE, starting.phase());
    assertEquals("ready", starting.said());
    Worker trial = trial("wait_ready: true", false).on(new Ready(1));
    assertEquals(Phase.ONLINE, trial.phase());
    assertFalse(trial.state.trial());
    Worker probing = trial("", true).on(new ListenTimeout(1));
    probing.on(new Ready(1));
    assertEquals(Phase.ONLINE, probing.phase());
  }

  @Test
  void aWaitingClusterWorkerThatListensIsOnlineWithItsPortInTheReason() throws Exception {
    Worker starting = new Worker(app("")).start().spawnedInCluster(true);
    starting.on(new Listening(1, 3000));
    assertEquals(Phase.ONLINE, starting.phase());
    assertEquals("listening on unix:w0.sock for port 3000", starting.said());
    assertTrue(trial("", true).on(new Listening(1, 0)).phase() == Phase.ONLINE);
    assertTrue(
        trial("", true).on(new ListenTimeout(1)).on(new Listening(1, 0)).phase() == Phase.ONLINE);
  }

  @Test
  void aWorkerThatIsToSayReadyIsNotOnlineJustBecauseItListens() throws Exception {
    Worker w = new Worker(app("wait_ready: true")).start().spawnedInCluster(true);
    w.on(new Listening(1, 3000));
    assertEquals(Phase.STARTING, w.phase());
    assertEquals(List.of(), w.effects);
  }

  @Test
  void anOnlineWorkerThatReportsItsPortIsRoutedAgain() throws Exception {
    Worker w = online("").on(new Listening(1, 3000));
    assertEquals(List.of(new Route()), w.effects);
  }

  @Test
  void listenTimeoutWithoutReadySignalIsOnlineAnywayAndSaysSo() throws Exception {
    Worker w = new Worker(app("wait_ready: true\nlisten_timeout: 3000")).start().spawned();
    w.after(Duration.ofSeconds(3)).on(new ListenTimeout(1));
    assertEquals(Phase.ONLINE, w.phase());
    assertTrue(w.state.late());
    assertEquals("no ready signal within listen_timeout (3000 ms); online anyway", w.said());
  }

  @Test
  void aForkTrialWorkerPastListenTimeoutIsOnlineAnyway() throws Exception {
    Worker w = trial("wait_ready: true", false).on(new ListenTimeout(1));
    assertEquals(Phase.ONLINE, w.phase());
    assertTrue(w.state.late());
  }

  @Test
  void aClusterTrialWorkerPastListenTimeoutIsProbedBeforeItCounts() throws Exception {
    Worker w = trial("", true).on(new ListenTimeout(1));
    assertEquals(Phase.TRIAL_PROBE, w.phase());
    assertEquals(List.of(new Probe(1)), w.effects);
  }

  @Test
  void aProbedTrialWorkerThatAcceptsConnectionsIsOnlineLate() throws Exception {
    Worker w = trial("", true).on(new ListenTimeout(1)).on(new Probed(1, true));
    assertEquals(Phase.ONLINE, w.phase());
    assertTrue(w.state.late());
    assertTrue(w.said().endsWith("but it accepts connections: online anyway"), w.said());
  }

  @Test
  void aProbedTrialWorkerThatDoesNotListenIsStopped() throws Exception {
    Worker w = trial("", true).on(new ListenTimeout(1)).on(new Probed(1, false));
    assertEquals(Phase.STOP_SIGNAL, w.phase());
    assertTrue(w.said().startsWith("not listening on unix:w0.sock within listen_timeout"));
  }

  // ---------------------------------------------------------------- exits nobody asked for

  @Test
  void aCrashAfterMinUptimeRestartsAfterRestartDelay() throws Exception {
    Worker w = online("restart_delay: 2000").after(Duration.ofMinutes(1)).exits(1);
    assertEquals(Phase.AUTO_RESTART, w.phase());
    assertEquals("exited with code 1; restarting in 2000 ms", w.said());
    assertEquals(
        new ArmTimer(Duration.ofSeconds(2), new RestartDelayElapsed(1)), w.effect(ArmTimer.class));
    assertTrue(w.has(Unroute.class));
    assertEquals(OptionalInt.of(1), w.state.lastExitCode());
  }

  @Test
  void aWorkerThatCrashesWhileStartingIsRestartedToo() throws Exception {
    Worker w = new Worker(app("wait_ready: true")).start().spawned().exits(1);
    assertEquals(Phase.AUTO_RESTART, w.phase());
  }

  @Test
  void aCrashWithAutorestartOffStaysStoppedSayingWhy() throws Exception {
    Worker w = online("autorestart: false").exits(1);
    assertEquals(Phase.STOPPED, w.phase());
    assertEquals("exited with code 1; autorestart is off", w.said());
    Worker starting = new Worker(app("autorestart: false\nwait_ready: true")).start().spawned();
    assertEquals(Phase.STOPPED, starting.exits(0).phase());
  }

  @Test
  void maxRestartsUnstableExitsInARowEndErrored() throws Exception {
    Worker w = online("max_restarts: 2\nmin_uptime: 1000");
    w.exits(1).after(Duration.ofMillis(100)).on(new RestartDelayElapsed(1)).spawned().exits(1);
    assertEquals(Phase.ERRORED, w.phase());
    assertTrue(w.said().contains("max_restarts is 2"), w.said());
    Worker starting = new Worker(app("max_restarts: 1\nwait_ready: true")).start().spawned();
    assertEquals(Phase.ERRORED, starting.exits(1).phase());
  }

  @Test
  void theRestartDelayRunningOutLaunchesAndCountsARestart() throws Exception {
    Worker w = online("").after(Duration.ofMinutes(1)).exits(1);
    w.on(new RestartDelayElapsed(1));
    assertEquals(Phase.LAUNCHING, w.phase());
    assertEquals(1, w.state.restarts());
    assertEquals("restart 1", w.said());
  }

  @Test
  void aTrialWorkerThatExitsIsAFailedDeployWithItsLastWords() throws Exception {
    Worker w = trial("", true);
    w.on(new Exited(1, 1, "Error: Cannot find module 'express'"));
    assertEquals(Phase.ERRORED, w.phase());
    assertEquals(
        "exited with code 1 before it was ready (it said: Error: Cannot find module 'express')",
        w.said());
    Worker probing = trial("", true).on(new ListenTimeout(1)).exits(SIGKILL);
    assertEquals(Phase.ERRORED, probing.phase());
  }

  // ---------------------------------------------------------------- stopping

  @Test
  void anOnlineWorkerInARotationDrainsBeforeItIsSignalled() throws Exception {
    Worker w = online("drain_timeout: 4s").on(new Stop("stop", StopGoal.REST, ROUTED));
    assertEquals(Phase.STOP_DRAIN, w.phase());
    assertEquals("stop: draining its requests in flight (at most 4s)", w.said());
    assertEquals(new Drain(1, Duration.ofSeconds(4)), w.effect(Drain.class));
    assertEquals("out of rotation; 3 in flight", w.effect(BeginStep.class).detail());
  }

  @Test
  void aDrainedWorkerIsSignalledAndADrainTimeoutSaysWhatWasCutOff() throws Exception {
    Worker w = online("").on(new Stop("stop", StopGoal.REST, ROUTED)).on(new Drained(1, false));
    assertEquals(Phase.STOP_SIGNAL, w.phase());
    assertEquals(Status.WARNING, w.effect(EndStep.class).status());
    assertTrue(w.said().startsWith("drain timed out: sent SIGINT"), w.said());
  }

  @Test
  void aWorkerOutOfRotationIsSignalledAtOnceWithSigkillArmed() throws Exception {
    Worker w = online("kill_timeout: 1600").on(new Stop("stop", StopGoal.REST, NOT_ROUTED));
    assertEquals(Phase.STOP_SIGNAL, w.phase());
    assertEquals("stop: sent SIGINT, SIGKILL after 1600 ms", w.said());
    assertEquals(new SendStop("SIGINT", false, true), w.effect(SendStop.class));
    assertEquals(
        new ArmTimer(Duration.ofMillis(1600), new KillTimeout(1)), w.effect(ArmTimer.class));
  }

  @Test
  void aWorkerThatTakesTheShutdownMessageGetsItInsteadOfTheSignal() throws Exception {
    Worker w = online("shutdown_with_message: true\nkill_signal: SIGTERM");
    w.on(new Stop("stop", StopGoal.REST, NOT_ROUTED));
    assertEquals(new SendStop("SIGTERM", true, true), w.effect(SendStop.class));
    assertTrue(w.said().startsWith("stop: sent the shutdown message"));
  }

  @Test
  void aWaitingWorkerAskedToStopOrRestartIsSignalledInEveryWaitingPhase() throws Exception {
    for (String options : List.of("wait_ready: true")) {
      Worker starting = new Worker(app(options)).start().spawned();
      assertEquals(Phase.STOP_SIGNAL, starting.on(new Stop("stop", StopGoal.REST, ROUTED)).phase());
      Worker restarting = new Worker(app(options)).start().spawned();
      assertEquals(Phase.STOP_SIGNAL, restarting.on(new Restart("restart", NOT_ROUTED)).phase());
    }
    assertEquals(
        Phase.STOP_SIGNAL, trial("", true).on(new Stop("stop", StopGoal.REST, NOT_ROUTED)).phase());
    assertEquals(Phase.STOP_SIGNAL, trial("", true).on(new Restart("restart", NOT_ROUTED)).phase());
    Worker probing = trial("", true).on(new ListenTimeout(1));
    assertEquals(
        Phase.STOP_SIGNAL, probing.on(new Stop("stop", StopGoal.REST, NOT_ROUTED)).phase());
    Worker probingRestart = trial("", true).on(new ListenTimeout(1));
    assertEquals(Phase.STOP_SIGNAL, probingRestart.on(new Restart("restart", NOT_ROUTED)).phase());
  }

  @Test
  void anOnlineWorkerAskedToRestartDrainsOrIsSignalledAndStartsAgainOnceStopped() throws Exception {
    Worker routed = online("").on(new Restart("restart", ROUTED));
    assertEquals(Phase.STOP_DRAIN, routed.phase());
    Worker w = online("").on(new Restart("restart", NOT_ROUTED));
    assertEquals(Phase.STOP_SIGNAL, w.phase());
    w.exits(SIGINT);
    assertEquals(Phase.LAUNCHING, w.phase());
    assertEquals(1, w.state.restarts());
    assertEquals(2, w.generation());
    assertFalse(w.has(LaunchOutcome.class), "the restart waits for the new process");
  }

  @Test
  void killTimeoutSendsSigkillToTheWholeTree() throws Exception {
    Worker w = stopping("").on(new KillTimeout(1));
    assertEquals(Phase.STOP_KILL, w.phase());
    assertEquals(List.of(), w.published(), "still stopping, as users see it");
    assertTrue(w.has(KillTree.class));
    assertEquals(Step.KILL, w.effect(BeginStep.class).step());
  }

  @Test
  void aStoppingWorkerThatExitsIsStoppedNamingTheSignal() throws Exception {
    Worker drained = online("").on(new Stop("stop", StopGoal.REST, ROUTED)).exits(SIGINT);
    assertEquals(Phase.STOPPED, drained.phase());
    assertEquals("exited on SIGINT", drained.said());
    assertEquals(new Release(true), drained.effects.getFirst());
    Worker signalled = stopping("").exits(0);
    assertEquals(Phase.STOPPED, signalled.phase());
    assertEquals(OptionalInt.of(0), signalled.state.lastExitCode());
    Worker killed = stopping("").on(new KillTimeout(1)).exits(SIGKILL);
    assertEquals("killed by SIGKILL", killed.said());
    assertEquals(Optional.of("SIGKILL"), killed.state.lastSignal());
  }

  @Test
  void aStoppingWorkerAskedToStopAgainTakesTheLatestGoalButARemovalStays() throws Exception {
    Worker w = stopping("").on(new Stop("delete", new StopGoal.Remove("deleted"), NOT_ROUTED));
    assertEquals(List.of(), w.effects);
    w.on(new Stop("stop", StopGoal.REST, NOT_ROUTED));
    assertEquals(new StopGoal.Remove("deleted"), w.state.goal());
    w.on(new Restart("restart", NOT_ROUTED));
    assertEquals(new StopGoal.Remove("deleted"), w.state.goal());
    w.exits(SIGINT);
    assertEquals(Phase.STOPPED, w.phase());
    assertEquals(new Remove("deleted"), w.effects.getLast());
  }

  @Test
  void closingPmfxAndAnAppThatCannotServeTakeOverFromARemoval() throws Exception {
    Worker closing = stopping("").on(new Stop("delete", new StopGoal.Remove("gone"), NOT_ROUTED));
    closing.on(new Stop("pmfx is closing", StopGoal.HALT, NOT_ROUTED)).exits(SIGINT);
    assertEquals(Phase.STOPPED, closing.phase());
    assertFalse(closing.has(Remove.class), "it stays as it ends");
    Worker failing = stopping("").on(new Stop("delete", new StopGoal.Remove("gone"), NOT_ROUTED));
    failing.on(new Stop("cannot serve", new StopGoal.Fail("port 80 is taken"), NOT_ROUTED));
    assertEquals(Phase.ERRORED, failing.exits(SIGINT).phase());
  }

  @Test
  void aNewWorkerRestartedBeforeItIsReadyStaysOnTrial() throws Exception {
    Worker w = trial("", true).on(new Restart("restart", NOT_ROUTED)).exits(SIGINT);
    assertEquals(Phase.LAUNCHING, w.phase());
    assertTrue(w.state.trial());
    assertEquals(Phase.TRIAL, w.spawnedInCluster(true).phase());
  }

  @Test
  void everyStopPhaseTakesANewGoalAndEndsWhereItsGoalSays() throws Exception {
    for (int phase = 0; phase < 3; phase++) {
      for (StopGoal goal :
          List.of(StopGoal.REST, StopGoal.RESTART, new StopGoal.Fail("port 80 is taken"))) {
        Worker w = online("").on(new Stop("stop", StopGoal.REST, ROUTED));
        if (phase > 0) {
          w.on(new Drained(1, true));
        }
        if (phase > 1) {
          w.on(new KillTimeout(1));
        }
        w.on(
            goal == StopGoal.RESTART
                ? new Restart("restart", ROUTED)
                : new Stop("x", goal, ROUTED));
        w.on(new Stop("again", goal, ROUTED));
        w.exits(SIGKILL);
        Phase expected =
            goal instanceof StopGoal.Rest
                ? Phase.STOPPED
                : goal instanceof StopGoal.Restart ? Phase.LAUNCHING : Phase.ERRORED;
        assertEquals(expected, w.phase(), goal + " after stop phase " + phase);
      }
    }
  }

  @Test
  void aCrashedWorkerAskedToStopIsStoppedBeforeItsRestart() throws Exception {
    Worker w = online("").after(Duration.ofMinutes(1)).exits(1);
    w.on(new Stop("stop", StopGoal.REST, NOT_ROUTED));
    assertEquals(Phase.STOPPED, w.phase());
    assertEquals("stop before its restart", w.said());
    w.on(new RestartDelayElapsed(1));
    assertEquals(Phase.STOPPED, w.phase(), "its restart timer is stale");
    Worker failing = online("").after(Duration.ofMinutes(1)).exits(1);
    failing.on(new Stop("cannot serve", new StopGoal.Fail("port 80 is taken"), NOT_ROUTED));
    assertEquals(Phase.ERRORED, failing.phase());
    assertEquals("port 80 is taken", failing.said());
  }

  @Test
  void aCrashedWorkerAskedToRestartStartsAtOnce() throws Exception {
    Worker w = online("").after(Duration.ofMinutes(1)).exits(1);
    w.on(new Restart("restart", NOT_ROUTED));
    assertEquals(Phase.LAUNCHING, w.phase());
    assertEquals(
        List.of(
            "crashed -> stopped: restart before its restart", "stopped -> launching: restarted"),
        w.moves());
    assertEquals(1, w.published().getLast().state().restarts());
    assertEquals(0, w.published().getFirst().state().restarts(), "counted once it starts again");
  }

  @Test
  void aWorkerAtRestAskedToStopStaysOrLeavesOrEndsErrored() throws Exception {
    Worker stays = new Worker(app("")).on(new Stop("stop", StopGoal.REST, NOT_ROUTED));
    assertEquals(List.of(), stays.effects);
    Worker leaves =
        new Worker(app("")).on(new Stop("scale", new StopGoal.Remove("scale -1"), NOT_ROUTED));
    assertEquals(List.of(new Remove("scale -1")), leaves.effects);
    Worker fails = new Worker(app("")).on(new Stop("x", new StopGoal.Fail("no port"), NOT_ROUTED));
    assertEquals(Phase.ERRORED, fails.phase());
    Worker errored = new Worker(app("")).start();
    errored.on(new SpawnFailed(1, "no script"));
    errored.on(new Stop("delete", new StopGoal.Remove("deleted"), NOT_ROUTED));
    assertEquals(Phase.ERRORED, errored.phase());
    errored.on(new Stop("x", new StopGoal.Fail("no port"), NOT_ROUTED));
    assertEquals("no port", errored.said());
  }

  // ---------------------------------------------------------------- memory

  @Test
  void aWorkerOverItsMemoryLimitIsReplacedOnceAfterItsGrace() throws Exception {
    Worker w = online("max_memory_restart: 100M");
    w.after(Duration.ofSeconds(1)).on(new OverMemory(1, 200L << 20));
    assertEquals(List.of(), w.effects, "within its grace");
    w.after(WorkerMachine.MEMORY_GRACE).on(new OverMemory(1, 200L << 20));
    assertTrue(w.effect(ReplaceUnwell.class).why().startsWith("max_memory_restart: 200"));
    w.on(new OverMemory(1, 300L << 20));
    assertEquals(List.of(), w.effects, "once");
  }

  @Test
  void aFailedReplacementLetsTheNextSampleTryAgain() throws Exception {
    Worker w = online("max_memory_restart: 100M").after(Duration.ofMinutes(1));
    w.on(new OverMemory(1, 200L << 20)).on(new ReplacementFailed());
    assertFalse(w.state.replacementAsked());
    w.on(new OverMemory(1, 200L << 20));
    assertTrue(w.has(ReplaceUnwell.class));
  }

  // ---------------------------------------------------------------- health

  private static final String HEALTH = "env: { PORT: 3000 }\nhealth_check: { http: /healthz }";

  @Test
  void anUnhealthyWorkerIsReplacedOnceUntilTheReplacementFails() throws Exception {
    Worker w = online(HEALTH);
    w.on(new MachineEvent.Unhealthy(1, "health check failed: HTTP 500 from /healthz"));
    assertEquals(
        "health check failed: HTTP 500 from /healthz", w.effect(ReplaceUnwell.class).why());
    assertEquals(Phase.ONLINE, w.phase(), "it serves until its replacement does");
    w.on(new MachineEvent.Unhealthy(1, "health check failed: HTTP 500 from /healthz"));
    assertEquals(List.of(), w.effects, "once");
    w.on(new ReplacementFailed()).on(new MachineEvent.Unhealthy(1, "again"));
    assertEquals("again", w.effect(ReplaceUnwell.class).why());
  }

  @Test
  void waitReadyHealthWaitsForAPassingCheckInEveryWaitingPhase() throws Exception {
    String options = HEALTH + "\nwait_ready: health";
    Worker starting = new Worker(app(options)).start().spawned();
    assertEquals(Phase.STARTING, starting.phase());
    assertTrue(starting.said().endsWith("waiting for its health check to pass"), starting.said());
    starting.on(new Listening(1, 0)).on(new Ready(1));
    assertEquals(Phase.STARTING, starting.phase(), "neither listening nor 'ready' is enough");
    starting.on(new MachineEvent.Healthy(1, "HTTP 200 from /healthz"));
    assertEquals(Phase.ONLINE, starting.phase());
    assertEquals("its health check passed: HTTP 200 from /healthz", starting.said());

    Worker trial = trial(options, true).on(new MachineEvent.Healthy(1, "HTTP 204 from /healthz"));
    assertEquals(Phase.ONLINE, trial.phase());
    Worker probing = trial(HEALTH, true).on(new ListenTimeout(1));
    assertEquals(Phase.TRIAL_PROBE, probing.phase());
    probing.on(new MachineEvent.Healthy(1, "HTTP 200 from /healthz"));
    assertEquals(
        Phase.TRIAL_PROBE, probing.phase(), "a pass is no ready without wait_ready: health");

    Worker failing = trial(options, true).on(new ListenTimeout(1));
    assertEquals(Phase.STOP_SIGNAL, failing.phase(), "no probe: the old workers keep serving");
    assertTrue(
        failing.said().startsWith("its health check did not pass within listen_timeout (3000 ms)"),
        failing.said());

    Worker unhealthy =
        trial(options, true).on(new MachineEvent.Unhealthy(1, "health check failed: HTTP 500"));
    assertEquals(Phase.STOP_SIGNAL, unhealthy.phase(), "a failed deploy at once");
    assertTrue(unhealthy.said().startsWith("health check failed: HTTP 500: sent SIGINT"));

    Worker plain = new Worker(app(HEALTH)).start().spawnedInCluster(false);
    plain.on(new MachineEvent.Healthy(1, "HTTP 200 from /healthz"));
    assertEquals(Phase.STARTING, plain.phase(), "without wait_ready: health, a pass is no ready");
  }

  @Test
  void aResetCountsRestartsFromZeroInEveryPhaseAndMovesNothing() throws Exception {
    Worker w = online("").after(Duration.ofMinutes(1)).exits(1).on(new RestartDelayElapsed(1));
    assertTrue(w.state.restarts() > 0, "a crash counted");
    for (Phase phase : Phase.values()) {
      MachineState.Builder in = new MachineState.Builder(w.state);
      in.phase = phase;
      in.unstableRestarts = 2;
      w.state = in.build();
      w.on(new MachineEvent.ResetCounters());
      assertEquals(phase, w.phase(), "the phase stays");
      assertEquals(0, w.state.restarts());
      assertEquals(0, w.state.unstableRestarts());
      assertEquals(0, w.effect(MachineEffect.Recounted.class).state().restarts(), "said");
      assertTrue(w.published().isEmpty(), "no move to publish");
      in = new MachineState.Builder(w.state);
      in.restarts = 3;
      w.state = in.build();
    }
  }

  // ---------------------------------------------------------------- the rules

  @Test
  void eventsAboutAnEarlierProcessAreDroppedWhereverTheyArrive() throws Exception {
    Worker w = online("").after(Duration.ofMinutes(1)).exits(1).on(new RestartDelayElapsed(1));
    MachineState before = w.state;
    w.on(new Exited(1, 0, "")).on(new Ready(1)).on(new KillTimeout(1));
    assertEquals(before, w.state);
    assertEquals(List.of(), w.effects);
  }

  @Test
  void aTimerWhosePhaseWasLeftIsStale() throws Exception {
    Worker w = new Worker(app("wait_ready: true")).start().spawned().on(new Ready(1));
    MachineState online = w.state;
    w.on(new ListenTimeout(1));
    assertEquals(online, w.state);
  }

  @Test
  void anEventTheTableDoesNotAcceptIsRejected() throws Exception {
    Worker w = new Worker(app(""));
    assertThrows(
        WorkerMachine.Rejected.class,
        () -> w.on(new Spawned(0, 1, Optional.empty(), false, false)));
    Worker online = online("");
    assertThrows(
        WorkerMachine.Rejected.class,
        () -> online.on(new Start(app(""), "again", StartKind.COMMAND)));
  }

  @Test
  void lateMessagesMeanNothingOutsideThePhasesTheyActIn() throws Exception {
    Worker w = stopping("");
    MachineState before = w.state;
    w.on(new Ready(1)).on(new Listening(1, 3000)).on(new OverMemory(1, 1L << 40));
    assertEquals(before, w.state);
    assertEquals(List.of(), w.effects);
  }

  @Test
  void everyPhaseMapsToTheStateUsersSee() {
    assertEquals(WorkerState.WAITING_READY, Phase.TRIAL_PROBE.coarse());
    assertEquals(WorkerState.STOPPING, Phase.STOP_KILL.coarse());
    assertEquals(WorkerState.CRASHED, Phase.AUTO_RESTART.coarse());
    for (Phase phase : Phase.values()) {
      assertEquals(phase.atRest(), !phase.coarse().running() && phase != Phase.AUTO_RESTART);
    }
  }

  @Test
  void theArchitectureDocumentDrawsTheTableAsItIs() throws Exception {
    String doc = Files.readString(Path.of("docs/architecture.md"));
    assertTrue(
        doc.contains("```mermaid\n" + MachineTable.diagram() + "```"),
        "docs/architecture.md must hold MachineTable.diagram():\n" + MachineTable.diagram());
  }
}
