package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** What happens to a worker, as {@link WorkerMachine#apply} takes it. */
sealed interface MachineEvent {

  /** Asked to run. */
  record Start(AppSpec spec, String why, StartKind kind) implements MachineEvent {}

  /** Asked to stop and start again (restart, or a fork-mode reload's step). */
  record Restart(String why, OptionalInt inFlight) implements MachineEvent {}

  /**
   * Asked to stop, and what for.
   *
   * @param inFlight when the worker is in its balancer's rotation: its requests in flight, which it
   *     drains first; empty otherwise
   */
  record Stop(String why, StopGoal goal, OptionalInt inFlight) implements MachineEvent {}

  /** Asked to count its restarts from 0 again ({@code pmfx reset}); its phase stays. */
  record ResetCounters() implements MachineEvent {}

  /**
   * Its replacement for max_memory_restart or a failed health check failed: the next sample or
   * check may try again.
   */
  record ReplacementFailed() implements MachineEvent {}

  /** An event about one process of the worker, stale once another process has started. */
  sealed interface OfProcess extends MachineEvent {
    int generation();
  }

  /**
   * Its process started.
   *
   * @param address where a cluster worker is to listen; empty in fork mode
   * @param reportsListening whether the worker says itself when it listens (Node's shim); pmfx
   *     polls the address otherwise
   */
  record Spawned(
      int generation, long pid, Optional<String> address, boolean reportsListening, boolean channel)
      implements OfProcess {}

  /**
   * It took over a process a daemon before this one started, which was online when that daemon died
   * and runs on.
   *
   * @param startedAt when that process started
   * @param address where a cluster worker listens; empty in fork mode
   */
  record Adopted(
      int generation, long pid, Instant startedAt, Optional<String> address, boolean channel)
      implements OfProcess {}

  /** Its process could not start, for the reason given. */
  record SpawnFailed(int generation, String why) implements OfProcess {}

  /** pmfx is closing: nothing starts. */
  record SpawnRefused(int generation, String why) implements OfProcess {}

  /** It said {@code ready}. */
  record Ready(int generation) implements OfProcess {}

  /** A cluster worker listens on its private address, for {@code publicPort} (0: unknown). */
  record Listening(int generation, int publicPort) implements OfProcess {}

  /**
   * Its process exited with {@code code} (128 + N when ended by signal N, as Java reports it).
   *
   * @param lastWords what it said on stderr last, for a failure's words; may be empty
   */
  record Exited(int generation, int code, String lastWords) implements OfProcess {}

  /** A sample found it over max_memory_restart. */
  record OverMemory(int generation, long bytes) implements OfProcess {}

  /**
   * Its health check passed: with {@code wait_ready: 'health'}, it is ready.
   *
   * @param detail what the check found, "HTTP 200 from /healthz"
   */
  record Healthy(int generation, String detail) implements OfProcess {}

  /**
   * Its health check failed {@code failures} times in a row; {@code why} says so, naming what the
   * last check found.
   */
  record Unhealthy(int generation, String why) implements OfProcess {}

  /** A timer, or the end of something a phase started: stale once that phase is left. */
  sealed interface Timed extends OfProcess {
    Set<Phase> armedIn();
  }

  record ListenTimeout(int generation) implements Timed {
    public Set<Phase> armedIn() {
      return EnumSet.of(Phase.STARTING, Phase.TRIAL);
    }
  }

  /** Whether the trial worker accepted a connection after its listen_timeout. */
  record Probed(int generation, boolean accepts) implements Timed {
    public Set<Phase> armedIn() {
      return EnumSet.of(Phase.TRIAL_PROBE);
    }
  }

  /** Its drain ended: {@code finished} when nothing was left in flight, false on drain_timeout. */
  record Drained(int generation, boolean finished) implements Timed {
    public Set<Phase> armedIn() {
      return EnumSet.of(Phase.STOP_DRAIN);
    }
  }

  record KillTimeout(int generation) implements Timed {
    public Set<Phase> armedIn() {
      return EnumSet.of(Phase.STOP_SIGNAL);
    }
  }

  record RestartDelayElapsed(int generation) implements Timed {
    public Set<Phase> armedIn() {
      return EnumSet.of(Phase.AUTO_RESTART);
    }
  }

  /** How a start counts. */
  enum StartKind {
    /** A command's start: the restart counters start over; it is no restart. */
    COMMAND,
    /** A reload's or restart's start of a stopped worker: counters start over, one restart more. */
    RELOAD,
    /** A new worker beside the ones that keep serving until it is ready. */
    TRIAL,
    /** A process a daemon before this one started, taken over as it runs: its counters stay. */
    ADOPT
  }
}
