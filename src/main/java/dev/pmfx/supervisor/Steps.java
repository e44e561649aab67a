package dev.pmfx.supervisor;

import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.RolloutStep.Status;
import dev.pmfx.engine.EngineEvent.RolloutStep.Step;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** A worker's rollout steps, as the Progress tab shows them; only while a rollout acts on it. */
final class Steps {

  private final EventHub events;
  private final Supplier<Instant> clock;

  Steps(EventHub events, Supplier<Instant> clock) {
    this.events = events;
    this.clock = clock;
  }

  void begin(Worker w, Step step, Optional<Instant> deadline, String detail) {
    Rollout r = w.rollout;
    if (r == null) {
      return;
    }
    Instant at = clock.get();
    w.stepsStarted.put(step, at);
    events.publish(
        new EngineEvent.RolloutStep(
            at, r.app, r.id, w.instance, w.id, step, Status.RUNNING, at, deadline, detail));
  }

  void end(Worker w, Step step, Status status, String detail) {
    Rollout r = w.rollout;
    if (r == null) {
      return;
    }
    Instant at = clock.get();
    Instant started = w.stepsStarted.remove(step);
    events.publish(
        new EngineEvent.RolloutStep(
            at,
            r.app,
            r.id,
            w.instance,
            w.id,
            step,
            status,
            started == null ? at : started,
            Optional.empty(),
            detail));
  }

  /** Ends every step of the worker still running, as {@code status}. */
  void endAll(Worker w, Status status, String detail) {
    for (Step step : List.copyOf(w.stepsStarted.keySet())) {
      end(w, step, status, detail);
    }
  }
}
