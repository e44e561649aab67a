package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One worker: its state and the process it runs. Touched only on the engine's loop thread, so it
 * needs no locks; {@link LocalEngine} applies every transition through {@link #move}.
 */
final class Worker {

  /** What to do once the worker is stopped. */
  enum AfterStop {
    NOTHING,
    START,
    DELETE,
    /** Errored once stopped: it runs, but cannot serve (its cluster port is taken). */
    ERROR
  }

  /** Why it is to end errored, for {@link AfterStop#ERROR}. */
  String errorReason = "";

  final int id;
  final int instance;
  AppSpec spec;
  Optional<String> envName = Optional.empty();

  WorkerState state = WorkerState.STOPPED;
  Instant since;
  Process process;
  WorkerChannel channel;
  Instant startedAt;
  Instant readyAt;
  int restarts;
  int unstableRestarts;
  Duration backoff = Duration.ZERO;
  OptionalInt lastExitCode = OptionalInt.empty();
  Optional<String> lastSignal = Optional.empty();

  /** Counts processes; inputs about an older process than the current one are ignored. */
  int generation;

  /** The timer the current state owns (listen, kill or restart delay); cancelled on leaving it. */
  ScheduledFuture<?> timer;

  AfterStop afterStop = AfterStop.NOTHING;
  final List<CompletableFuture<WorkerState>> waitingForRest = new ArrayList<>();

  /** Restarts waiting for the new process: completed with ONLINE, or how it failed. */
  final List<CompletableFuture<WorkerState>> waitingForLaunch = new ArrayList<>();

  /** Cluster mode: the loopback port the current process listens on; 0 otherwise. */
  int privatePort;

  /** Cluster mode, Node workers: the Unix socket the current process listens on; else null. */
  java.nio.file.Path privateSocket;

  /** Whether it runs on Node.js with pmfx's shim, which reports the port the app listens on. */
  boolean node;

  /** Cluster mode: the public port the app asked for, as a Node worker reported it; 0 unknown. */
  int publicPort;

  /** The reload or scale acting on it, whose steps it reports; null otherwise. */
  LocalEngine.Rollout rollout;

  /**
   * While a rollout waits for it to be ready: completed with the state it reached (ONLINE, or how
   * it failed) and why.
   */
  CompletableFuture<Admission> admission;

  /**
   * A new worker started beside the one it replaces: until it is online, an exit does not restart
   * it, and listen_timeout without a listening socket fails it.
   */
  boolean onTrial;

  /** Online because listen_timeout ran out, not because it said so: a rollout warns of it. */
  boolean lateReady;

  /** Over max_memory_restart, and already being replaced or restarted for it. */
  boolean overMemory;

  /** Why it is removed, for the event that says so. */
  String removal = "deleted";

  /** When each of its rollout steps that began is still running began. */
  final java.util.Map<EngineEvent.RolloutStep.Step, Instant> stepsStarted =
      new java.util.EnumMap<>(EngineEvent.RolloutStep.Step.class);

  /** Where a worker a rollout waits for ended up, and the reason the move gave. */
  record Admission(WorkerState state, String reason) {
    boolean online() {
      return state == WorkerState.ONLINE;
    }
  }

  /** The process and its descendants when the stop began: all of them end with the stop. */
  List<ProcessHandle> tree = List.of();

  Worker(int id, int instance, AppSpec spec, Instant now) {
    this.id = id;
    this.instance = instance;
    this.spec = spec;
    this.since = now;
  }

  WorkerStatus status() {
    return new WorkerStatus(
        id,
        spec.name(),
        spec.namespace(),
        spec.execMode(),
        instance,
        process != null && state.running() ? OptionalLong.of(process.pid()) : OptionalLong.empty(),
        state,
        since,
        Optional.ofNullable(state.running() ? startedAt : null),
        restarts,
        lastExitCode,
        lastSignal,
        Optional.ofNullable(state == WorkerState.ONLINE ? readyAt : null));
  }

  /** At rest: nothing will happen to it until a command says so. */
  boolean atRest() {
    return state == WorkerState.STOPPED || state == WorkerState.ERRORED;
  }

  void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
