package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.engine.EngineEvent.RolloutStep.Status;
import dev.pmfx.engine.EngineEvent.RolloutStep.Step;
import dev.pmfx.engine.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** What {@link WorkerMachine#apply} asks to be done, in order; {@code EffectRunner} does it. */
sealed interface MachineEffect {

  /** Start a process for generation {@code generation}; answer with Spawned or SpawnFailed. */
  record Spawn(int generation, AppSpec spec) implements MachineEffect {}

  /** Tell listeners the worker moved from {@code from} into {@code state}, as WorkerChanged. */
  record Publish(WorkerState from, MachineState state) implements MachineEffect {
    WorkerState to() {
      return state.coarse();
    }

    String why() {
      return state.why();
    }
  }

  /** Tell listeners its counters changed, in the phase it was in: no move. */
  record Recounted(MachineState state) implements MachineEffect {}

  /** The launch a restart waits for ended: ONLINE once started, or how it failed. */
  record LaunchOutcome(WorkerState state) implements MachineEffect {}

  /** A rollout step of the worker began (reported when a rollout acts on it). */
  record BeginStep(Step step, Optional<Instant> deadline, String detail) implements MachineEffect {}

  record EndStep(Step step, Status status, String detail) implements MachineEffect {}

  /** Every step still running ends, as {@code status}. */
  record EndSteps(Status status, String detail) implements MachineEffect {}

  /** Feed {@code fire} after {@code after}; a phase's timer is cancelled when the phase is left. */
  record ArmTimer(Duration after, MachineEvent.Timed fire) implements MachineEffect {}

  /** Try its private address every 100 ms until it listens; answer with Listening. */
  record PollListening(int generation) implements MachineEffect {}

  /** Try its private address once; answer with Probed. */
  record Probe(int generation) implements MachineEffect {}

  /** Into its app's balancer rotation. */
  record Route() implements MachineEffect {}

  /** Out of its app's balancer rotation. */
  record Unroute() implements MachineEffect {}

  /** No new connection; answer with Drained when those in flight finished or the time ran out. */
  record Drain(int generation, Duration timeout) implements MachineEffect {}

  /**
   * The stop signal to its process (its whole tree when {@code tree}), or the shutdown message when
   * {@code byMessage} (the signal if the message cannot be sent).
   */
  record SendStop(String signal, boolean byMessage, boolean tree) implements MachineEffect {}

  /** SIGKILL to its process and every descendant. */
  record KillTree() implements MachineEffect {}

  /** Its process ended: its channel closes; with {@code leftovers}, what it started is killed. */
  record Release(boolean leftovers) implements MachineEffect {}

  /** It leaves its app. */
  record Remove(String why) implements MachineEffect {}

  /**
   * Over max_memory_restart, or failing its health check: replace it as a reload would (cluster) or
   * restart it (fork).
   */
  record ReplaceUnwell(String why) implements MachineEffect {}
}
