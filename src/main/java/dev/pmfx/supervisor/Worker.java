package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.Health;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * One worker: its machine's state and the process it runs. Touched only on the engine's loop
 * thread, so it needs no locks; {@link Supervisor#feed} alone writes {@link #machine}, with what
 * {@link WorkerMachine#apply} returns.
 */
final class Worker {

  /**
   * Names what pmfx keeps for it (its log tail, reports, sample, place in the balancer): unique for
   * the engine's life, never reused.
   */
  final int key;

  /**
   * The id users see and name it by ({@code pm_id}): its key, until it takes the id of the worker a
   * reload started it to replace, once that one has left. Written on the loop; read by the log
   * pumps and the sampler.
   */
  volatile int id;

  /**
   * Cluster mode: the worker this one was started to replace, whose id it takes when that one
   * leaves its app; null otherwise.
   */
  Worker replaces;

  final int instance;
  AppSpec spec;
  Optional<String> envName = Optional.empty();

  /**
   * The environment of the shell that started it, or last updated it ({@code --update-env}), which
   * its processes get instead of pmfx's own; empty: pmfx's own.
   */
  Optional<Map<String, String>> environment = Optional.empty();

  /** The environment its last process was started with, as {@code pmfx env} prints it. */
  Map<String, String> launchedWith;

  /**
   * Its environment as {@code --update-env} and {@code --env} change it, for its next process (and
   * the new workers a reload starts in its place).
   */
  void update(dev.pmfx.engine.EnvUpdate update) {
    update.environment().ifPresent(env -> environment = Optional.of(env));
    update.envName().ifPresent(name -> envName = Optional.of(name));
  }

  /** Its lifecycle: phase, generation, counters, what a stop is for. */
  MachineState machine;

  Process process;
  WorkerChannel channel;

  /** The process of a daemon before this one that its next launch takes over; else null. */
  Adoption adoption;

  /** Why its last launch failed or was refused; null when it started. */
  String launchProblem;

  /** The timer the current phase owns (listen, kill or restart delay); cancelled on leaving it. */
  Future<?> timer;

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
  Rollout rollout;

  /** When each of its rollout steps that began is still running began. */
  final java.util.Map<EngineEvent.RolloutStep.Step, Instant> stepsStarted =
      new java.util.EnumMap<>(EngineEvent.RolloutStep.Step.class);

  /** The process and its descendants when the stop began: all of them end with the stop. */
  List<ProcessHandle> tree = List.of();

  Worker(int key, int instance, AppSpec spec, Instant now, int restarts) {
    this.key = key;
    this.id = key;
    this.instance = instance;
    this.spec = spec;
    this.machine = MachineState.initial(spec, now, restarts);
  }

  /**
   * What its current process's health checks found; {@link Health#NONE} when its app has no check.
   * Written on the loop by the health checks, reset when a process starts.
   */
  Health health = Health.NONE;

  /** The generation whose health checks run; when they began (for start_period). Loop only. */
  int healthGeneration = -1;

  Instant healthSince = Instant.EPOCH;

  /** How long its process's last health check took; -1 before one ended. Read by the sampler. */
  volatile long healthCheckMillis = -1;

  /** The state users see. */
  WorkerState state() {
    return machine.coarse();
  }

  int generation() {
    return machine.generation();
  }

  WorkerStatus status() {
    return status(machine);
  }

  /** Its status as it was in {@code at}, a state it passed through. */
  WorkerStatus status(MachineState at) {
    WorkerState state = at.coarse();
    return new WorkerStatus(
        id,
        spec.name(),
        spec.namespace(),
        spec.execMode(),
        instance,
        process != null && state.running() ? OptionalLong.of(process.pid()) : OptionalLong.empty(),
        state,
        at.since(),
        state.running() ? at.startedAt() : Optional.empty(),
        at.restarts(),
        at.lastExitCode(),
        at.lastSignal(),
        state == WorkerState.ONLINE ? at.readyAt() : Optional.empty(),
        !state.running()
            ? Health.NONE
            : healthGeneration == at.generation()
                ? health
                : spec.healthCheck().isPresent() ? Health.STARTING : Health.NONE);
  }

  /** The id its processes get as {@code pm_id}: the one it will have once it replaced another. */
  int idToBe() {
    return replaces != null ? replaces.id : id;
  }

  /** At rest: nothing will happen to it until a command says so. */
  boolean atRest() {
    return machine.phase().atRest();
  }

  /** Asked to leave its app: a delete, a scale down, a reload's old worker. */
  boolean leaving() {
    return machine.goal() instanceof StopGoal.Remove;
  }

  void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
