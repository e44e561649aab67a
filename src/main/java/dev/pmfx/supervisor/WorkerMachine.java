package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.ByteSize;
import dev.pmfx.config.DurationText;
import dev.pmfx.engine.EngineEvent.RolloutStep.Status;
import dev.pmfx.engine.EngineEvent.RolloutStep.Step;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.posix.Signals;
import dev.pmfx.supervisor.MachineEffect.ArmTimer;
import dev.pmfx.supervisor.MachineEffect.BeginStep;
import dev.pmfx.supervisor.MachineEffect.Drain;
import dev.pmfx.supervisor.MachineEffect.EndStep;
import dev.pmfx.supervisor.MachineEffect.EndSteps;
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
import dev.pmfx.supervisor.MachineEvent.OfProcess;
import dev.pmfx.supervisor.MachineEvent.OverMemory;
import dev.pmfx.supervisor.MachineEvent.Probed;
import dev.pmfx.supervisor.MachineEvent.Ready;
import dev.pmfx.supervisor.MachineEvent.ReplacementFailed;
import dev.pmfx.supervisor.MachineEvent.ResetCounters;
import dev.pmfx.supervisor.MachineEvent.Restart;
import dev.pmfx.supervisor.MachineEvent.RestartDelayElapsed;
import dev.pmfx.supervisor.MachineEvent.SpawnFailed;
import dev.pmfx.supervisor.MachineEvent.SpawnRefused;
import dev.pmfx.supervisor.MachineEvent.Spawned;
import dev.pmfx.supervisor.MachineEvent.Start;
import dev.pmfx.supervisor.MachineEvent.StartKind;
import dev.pmfx.supervisor.MachineEvent.Stop;
import dev.pmfx.supervisor.MachineEvent.Timed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A worker's lifecycle as one pure function, in the manner of s6-supervise's {@code
 * actions[state][event]} and systemd's service states: {@link #apply} takes the worker's state, an
 * event and the time, and returns the next state and the effects to run, in order. It starts no
 * process, sends no signal, arms no timer and reads no clock: {@code EffectRunner} does those, and
 * feeds what comes of them back as events.
 *
 * <p>{@link MachineTable#TABLE} names every transition: the phases an event is accepted in and the
 * phases it may lead to. An event no row accepts is {@linkplain Rejected rejected}; an event about
 * an earlier process, or a timer whose phase was left, is stale and dropped here, in one place.
 */
final class WorkerMachine {

  /**
   * How long a worker is online before max_memory_restart acts on it: a limit below what the app
   * needs to start replaces it every few seconds, not at every sample.
   */
  static final Duration MEMORY_GRACE = Duration.ofSeconds(5);

  private WorkerMachine() {}

  /** The next state, and what to do, in order. */
  record Result(MachineState state, List<MachineEffect> effects) {}

  /** An event the worker's phase does not accept. */
  static final class Rejected extends IllegalStateException {
    Rejected(MachineState state, MachineEvent event) {
      super(
          "a worker in phase "
              + state.phase()
              + " does not accept "
              + event.getClass().getSimpleName()
              + ": "
              + event);
    }
  }

  // ---------------------------------------------------------------- apply

  /**
   * The next state and its effects.
   *
   * @throws Rejected when no row of {@link MachineTable#TABLE} accepts the event in the state's
   *     phase
   */
  static Result apply(MachineState state, MachineEvent event, Instant now) {
    if (stale(state, event)) {
      return new Result(state, List.of());
    }
    Phase from = state.phase();
    List<MachineTable.Row> rows =
        MachineTable.TABLE.stream()
            .filter(r -> r.from() == from && r.on() == event.getClass())
            .toList();
    if (rows.isEmpty()) {
      throw new Rejected(state, event);
    }
    Next next = new Next(state, now);
    next.handle(event);
    MachineState to = next.build();
    if (rows.stream().noneMatch(r -> r.to() == to.phase())) {
      throw new IllegalStateException(
          "no row of the table leads from "
              + from
              + " on "
              + event.getClass().getSimpleName()
              + " to "
              + to.phase());
    }
    return new Result(to, List.copyOf(next.effects));
  }

  /** An event about an earlier process, or a timer whose phase was left. */
  static boolean stale(MachineState state, MachineEvent event) {
    return event instanceof OfProcess p
        && (p.generation() != state.generation()
            || (p instanceof Timed t && !t.armedIn().contains(state.phase())));
  }

  /** The row a transition took, for tests that check every row is exercised. */
  static MachineTable.Row rowOf(MachineState from, MachineEvent event, MachineState to) {
    return MachineTable.TABLE.stream()
        .filter(r -> r.from() == from.phase() && r.on() == event.getClass() && r.to() == to.phase())
        .findFirst()
        .orElseThrow();
  }

  /** The next state, built up as the event is handled. */
  private static final class Next extends MachineState.Builder {
    private final Instant now;
    private final List<MachineEffect> effects = new ArrayList<>();

    Next(MachineState s, Instant now) {
      super(s);
      this.now = now;
    }

    /** Moves to {@code to}, and says so to users when the change is one they see. */
    private void move(Phase to, String reason) {
      WorkerState was = phase.coarse();
      phase = to;
      since = now;
      why = reason;
      effects.add(new Publish(was, build()));
    }

    private void effect(MachineEffect e) {
      effects.add(e);
    }

    void handle(MachineEvent event) {
      switch (event) {
        case Start start -> onStart(start);
        case Restart restart -> onRestart(restart);
        case Stop stop -> onStop(stop);
        case ReplacementFailed failed -> replacementAsked = false;
        case ResetCounters reset -> {
          restarts = 0;
          unstableRestarts = 0;
          effect(new MachineEffect.Recounted(build()));
        }
        case Spawned spawned -> onSpawned(spawned);
        case Adopted adopted -> {
          startedAt = Optional.of(adopted.startedAt());
          address = adopted.address();
          channel = adopted.channel();
          effect(new EndStep(Step.START, Status.DONE, "pid " + adopted.pid()));
          effect(new BeginStep(Step.READY, Optional.empty(), "online when the daemon before died"));
          online(
              "adopted: pid " + adopted.pid() + ", which a daemon before this one started", false);
          effect(new LaunchOutcome(WorkerState.ONLINE));
        }
        case SpawnFailed failed -> rest(Phase.ERRORED, failed.why());
        case SpawnRefused refused -> rest(Phase.STOPPED, refused.why());
        case Ready ready -> {
          if (phase != Phase.ONLINE && waiting() && !spec.readyOnHealth()) {
            online("ready", false);
          }
        }
        case Listening listening -> onListening(listening);
        case ListenTimeout timeout -> onListenTimeout();
        case Probed probed -> {
          if (probed.accepts()) {
            online(
                "no ready signal within "
                    + listenTimeoutWords()
                    + ", but it accepts connections: online anyway",
                true);
          } else {
            signalStop(
                "not listening on " + address.orElse("?") + " within " + listenTimeoutWords());
          }
        }
        case Exited exited -> onExited(exited);
        case OverMemory over -> onOverMemory(over);
        case MachineEvent.Healthy healthy -> {
          if (waiting() && spec.readyOnHealth()) {
            online("its health check passed: " + healthy.detail(), false);
          }
        }
        case MachineEvent.Unhealthy unhealthy -> {
          if (phase == Phase.ONLINE && !replacementAsked) {
            replacementAsked = true;
            effect(new ReplaceUnwell(unhealthy.why()));
          } else if (phase == Phase.TRIAL && spec.readyOnHealth()) {
            signalStop(unhealthy.why()); // a failed deploy, without waiting for listen_timeout
          }
        }
        case Drained drained -> {
          effect(
              new EndStep(
                  Step.DRAIN,
                  drained.finished() ? Status.DONE : Status.WARNING,
                  drained.finished()
                      ? "its requests in flight finished"
                      : "timed out after "
                          + DurationText.format(spec.drainTimeout())
                          + "; what was still in flight is cut off"));
          signalStop(drained.finished() ? "drained" : "drain timed out");
        }
        case KillTimeout timeout -> {
          phase = Phase.STOP_KILL;
          effect(
              new EndStep(
                  Step.SIGNAL,
                  Status.WARNING,
                  "still running after kill_timeout (" + spec.killTimeout().toMillis() + " ms)"));
          effect(new BeginStep(Step.KILL, Optional.empty(), "sent SIGKILL"));
          effect(new KillTree());
        }
        case RestartDelayElapsed elapsed -> {
          restarts++;
          launch(spec, "restart " + restarts, false);
        }
      }
    }

    private boolean waiting() {
      return phase == Phase.STARTING || phase == Phase.TRIAL || phase == Phase.TRIAL_PROBE;
    }

    private void onStart(Start start) {
      if (start.kind() != StartKind.TRIAL && start.kind() != StartKind.ADOPT) {
        unstableRestarts = 0;
        backoff = Duration.ZERO;
      }
      if (start.kind() == StartKind.RELOAD) {
        restarts++;
      }
      launch(start.spec(), start.why(), start.kind() == StartKind.TRIAL || trial);
    }

    /** A new process: the next generation, nothing of the last one's readiness or stop. */
    private void launch(AppSpec next, String reason, boolean onTrial) {
      generation++;
      spec = next;
      goal = StopGoal.REST;
      readyAt = Optional.empty();
      late = false;
      trial = onTrial;
      replacementAsked = false;
      effect(new BeginStep(Step.START, Optional.empty(), reason));
      move(Phase.LAUNCHING, reason);
      effect(new Spawn(generation, spec));
    }

    private void onRestart(Restart restart) {
      if (goal instanceof StopGoal.Remove) {
        return; // being removed: a restart does not bring it back
      }
      unstableRestarts = 0;
      backoff = Duration.ZERO;
      if (phase.atRest()) {
        launch(spec, restart.why(), trial);
      } else {
        onStop(new Stop(restart.why(), StopGoal.RESTART, restart.inFlight()));
      }
    }

    private void onStop(Stop stop) {
      goal = goal.then(stop.goal());
      switch (phase) {
        case STOPPED, ERRORED -> reached();
        case AUTO_RESTART -> {
          rest(Phase.STOPPED, stop.why() + " before its restart");
          reached();
        }
        case STOP_DRAIN, STOP_SIGNAL, STOP_KILL -> {}
        case STARTING, TRIAL, TRIAL_PROBE, ONLINE -> {
          if (phase == Phase.ONLINE && stop.inFlight().isPresent()) {
            move(
                Phase.STOP_DRAIN,
                stop.why()
                    + ": draining its requests in flight (at most "
                    + DurationText.format(spec.drainTimeout())
                    + ")");
            effect(
                new BeginStep(
                    Step.DRAIN,
                    Optional.of(now.plus(spec.drainTimeout())),
                    "out of rotation; " + stop.inFlight().getAsInt() + " in flight"));
            effect(new Drain(generation, spec.drainTimeout()));
          } else {
            signalStop(stop.why());
          }
        }
        case LAUNCHING -> throw new IllegalStateException("a stop while launching");
      }
    }

    /**
     * At rest, out of rotation; a restart waiting for the worker's launch learns it will not come,
     * unless the stop was for a restart.
     */
    private void rest(Phase to, String reason) {
      move(to, reason);
      effect(new Unroute());
      if (!(goal instanceof StopGoal.Restart)) {
        effect(new LaunchOutcome(to.coarse()));
      }
    }

    /** The stop signal (or message) now, SIGKILL when kill_timeout runs out. */
    private void signalStop(String reason) {
      String named = spec.killSignal().name();
      String signal = Signals.known(named) ? named : "SIGTERM"; // not on this system
      boolean byMessage = spec.shutdownWithMessage() && channel;
      String sent = byMessage ? "sent the shutdown message" : "sent " + signal;
      move(
          Phase.STOP_SIGNAL,
          reason + ": " + sent + ", SIGKILL after " + spec.killTimeout().toMillis() + " ms");
      effect(new ArmTimer(spec.killTimeout(), new KillTimeout(generation)));
      effect(
          new BeginStep(
              Step.SIGNAL,
              Optional.of(now.plus(spec.killTimeout())),
              sent + "; waiting for it to exit"));
      effect(new SendStop(signal, byMessage, spec.treekill()));
    }

    /** At rest after a stop: what the stop was for happens now. The goal is spent either way. */
    private void reached() {
      StopGoal spent = goal;
      goal = StopGoal.REST;
      switch (spent) {
        case StopGoal.Rest rest -> {}
        case StopGoal.Halt halt -> {}
        case StopGoal.Restart restart -> {
          restarts++;
          launch(spec, "restarted", trial); // a new worker stays on trial until online
        }
        case StopGoal.Remove remove -> effect(new Remove(remove.why()));
        case StopGoal.Fail fail -> rest(Phase.ERRORED, fail.why());
      }
    }

    private void onSpawned(Spawned spawned) {
      startedAt = Optional.of(now);
      address = spawned.address();
      channel = spawned.channel();
      String pid = "pid " + spawned.pid();
      boolean onHealth = spec.readyOnHealth();
      boolean waits = spec.waitReady() || onHealth || address.isPresent();
      effect(new EndStep(Step.START, Status.DONE, pid));
      effect(
          new BeginStep(
              Step.READY,
              waits ? Optional.of(now.plus(spec.listenTimeout())) : Optional.empty(),
              !waits
                  ? "online when started (no wait_ready)"
                  : spec.waitReady()
                      ? "waiting for its ready signal"
                      : onHealth
                          ? "waiting for its health check to pass"
                          : "waiting until it listens on " + address.get()));
      if (!waits) {
        online(pid, false);
      } else {
        move(
            trial ? Phase.TRIAL : Phase.STARTING,
            pid
                + (spec.waitReady()
                    ? ", waiting for its ready signal"
                    : onHealth
                        ? ", waiting for its health check to pass"
                        : ", waiting until it listens on " + address.get()));
        effect(new ArmTimer(spec.listenTimeout(), new ListenTimeout(generation)));
        if (!spec.waitReady() && !onHealth && !spawned.reportsListening()) {
          effect(new PollListening(generation));
        }
      }
      effect(new LaunchOutcome(WorkerState.ONLINE));
    }

    private void online(String reason, boolean lateReady) {
      readyAt = Optional.of(now);
      late = lateReady;
      trial = false;
      move(Phase.ONLINE, reason);
      effect(new Route());
    }

    private void onListening(Listening listening) {
      if (phase == Phase.ONLINE) {
        effect(new Route()); // the port it reported may be news to the balancer
      } else if (waiting() && !spec.waitReady() && !spec.readyOnHealth()) {
        online(
            "listening on "
                + address.orElse("?")
                + (listening.publicPort() > 0 ? " for port " + listening.publicPort() : ""),
            false);
      }
    }

    private void onListenTimeout() {
      if (phase == Phase.TRIAL && spec.readyOnHealth()) {
        // A new worker beside serving ones is ready when its check passes, not when it accepts a
        // connection: the old ones keep serving.
        signalStop("its health check did not pass within " + listenTimeoutWords());
        return;
      }
      if (phase == Phase.TRIAL && address.isPresent()) {
        phase = Phase.TRIAL_PROBE;
        effect(new Probe(generation));
        return;
      }
      // PM2 counts an expired listen_timeout as ready; pmfx says that it did so.
      online(
          (spec.readyOnHealth() ? "its health check did not pass" : "no ready signal")
              + " within "
              + listenTimeoutWords()
              + "; online anyway",
          true);
    }

    private String listenTimeoutWords() {
      return "listen_timeout (" + spec.listenTimeout().toMillis() + " ms)";
    }

    private void onExited(Exited exited) {
      int code = exited.code();
      // Java reports a process ended by signal N as exit code 128 + N, and cannot tell it from a
      // program that exits with that code itself: the code is kept, the signal named beside it.
      boolean signalled = code > 128 && code < 128 + 32;
      boolean stopping = phase.coarse() == WorkerState.STOPPING;
      // An adopted process is not this daemon's child: its status may be unknown (a negative code)
      boolean unknown = code < 0;
      lastExitCode = unknown ? OptionalInt.empty() : OptionalInt.of(code);
      lastSignal = signalled ? Optional.of(Signals.name(code - 128)) : Optional.empty();
      String ended =
          unknown
              ? "ended (its exit status is unknown: a daemon before this one started it)"
              : !signalled
                  ? "exited with code " + code
                  : stopping
                      ? (code - 128 == Signals.number("SIGKILL")
                          ? "killed by SIGKILL"
                          : "exited on " + Signals.name(code - 128))
                      : "exited with code " + code + " (" + Signals.name(code - 128) + ")";
      Duration uptime = Duration.between(startedAt.orElse(now), now);
      channel = false;
      effect(new Release(spec.treekill()));
      if (stopping) {
        effect(new EndSteps(Status.DONE, ended));
        rest(Phase.STOPPED, ended);
        reached();
      } else if (phase == Phase.TRIAL || phase == Phase.TRIAL_PROBE) {
        // A new worker that dies on its way up is a failed deploy, not a crash to restart.
        rest(Phase.ERRORED, ended + " before it was ready" + said(exited.lastWords()));
      } else {
        crashed(ended, uptime);
      }
    }

    private static String said(String words) {
      return words.isEmpty() ? "" : " (it said: " + words + ")";
    }

    /** What the restart policy makes of an exit nobody asked for. */
    private void crashed(String ended, Duration uptime) {
      switch (RestartPolicy.afterExit(spec, lastExitCode, uptime, unstableRestarts, backoff)) {
        case RestartPolicy.Decision.Stay stay -> rest(Phase.STOPPED, ended + "; " + stay.why());
        case RestartPolicy.Decision.GiveUp giveUp ->
            rest(Phase.ERRORED, ended + "; " + giveUp.why());
        case RestartPolicy.Decision.Restart restart -> {
          unstableRestarts = restart.unstableRestarts();
          backoff = restart.backoff();
          move(Phase.AUTO_RESTART, ended + "; restarting in " + restart.delay().toMillis() + " ms");
          effect(new Unroute());
          effect(new ArmTimer(restart.delay(), new RestartDelayElapsed(generation)));
        }
      }
    }

    private void onOverMemory(OverMemory over) {
      if (phase != Phase.ONLINE
          || replacementAsked
          || spec.maxMemoryRestart().isEmpty()
          || readyAt.isEmpty()
          || Duration.between(readyAt.get(), now).compareTo(MEMORY_GRACE) < 0) {
        return;
      }
      replacementAsked = true;
      effect(
          new ReplaceUnwell(
              "max_memory_restart: "
                  + ByteSize.human(over.bytes())
                  + " over "
                  + spec.maxMemoryRestart().orElseThrow()));
    }
  }
}
