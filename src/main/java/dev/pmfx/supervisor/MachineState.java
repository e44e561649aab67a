package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.engine.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A worker's state: its phase and everything the phase's decisions read. {@code generation} counts
 * processes; events about an older process than the current one are stale.
 *
 * @param spec the app as the current (or last) process runs it
 * @param why the reason of the last change users saw
 * @param late online because listen_timeout ran out, not because it said so
 * @param trial started beside workers that keep serving until it is ready
 * @param replacementAsked over max_memory_restart or failing its health check, and already being
 *     replaced for it
 * @param address where a cluster worker listens, in words; empty in fork mode
 * @param channel whether its process has an IPC channel, which a shutdown message can take
 */
record MachineState(
    Phase phase,
    int generation,
    Instant since,
    String why,
    AppSpec spec,
    StopGoal goal,
    Optional<Instant> startedAt,
    Optional<Instant> readyAt,
    boolean late,
    boolean trial,
    boolean replacementAsked,
    int restarts,
    int unstableRestarts,
    Duration backoff,
    OptionalInt lastExitCode,
    Optional<String> lastSignal,
    Optional<String> address,
    boolean channel) {

  WorkerState coarse() {
    return phase.coarse();
  }

  /** A new worker, stopped; {@code restarts} carries over from the one it replaces, if any. */
  static MachineState initial(AppSpec spec, Instant now, int restarts) {
    return new MachineState(
        Phase.STOPPED,
        0,
        now,
        "",
        spec,
        StopGoal.REST,
        Optional.empty(),
        Optional.empty(),
        false,
        false,
        false,
        restarts,
        0,
        Duration.ZERO,
        OptionalInt.empty(),
        Optional.empty(),
        Optional.empty(),
        false);
  }

  /** A state being changed, field by field: {@link WorkerMachine}'s scratch copy. */
  static class Builder {
    Phase phase;
    int generation;
    Instant since;
    String why;
    AppSpec spec;
    StopGoal goal;
    Optional<Instant> startedAt;
    Optional<Instant> readyAt;
    boolean late;
    boolean trial;
    boolean replacementAsked;
    int restarts;
    int unstableRestarts;
    Duration backoff;
    OptionalInt lastExitCode;
    Optional<String> lastSignal;
    Optional<String> address;
    boolean channel;

    Builder(MachineState s) {
      phase = s.phase();
      generation = s.generation();
      since = s.since();
      why = s.why();
      spec = s.spec();
      goal = s.goal();
      startedAt = s.startedAt();
      readyAt = s.readyAt();
      late = s.late();
      trial = s.trial();
      replacementAsked = s.replacementAsked();
      restarts = s.restarts();
      unstableRestarts = s.unstableRestarts();
      backoff = s.backoff();
      lastExitCode = s.lastExitCode();
      lastSignal = s.lastSignal();
      address = s.address();
      channel = s.channel();
    }

    MachineState build() {
      return new MachineState(
          phase,
          generation,
          since,
          why,
          spec,
          goal,
          startedAt,
          readyAt,
          late,
          trial,
          replacementAsked,
          restarts,
          unstableRestarts,
          backoff,
          lastExitCode,
          lastSignal,
          address,
          channel);
    }
  }
}
