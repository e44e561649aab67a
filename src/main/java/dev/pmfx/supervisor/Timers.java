package dev.pmfx.supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;

/**
 * The supervisor's time and its loop: what the effect runner arms timers on and posts inputs to.
 * {@link Loop} in pmfx; a manual clock in tests.
 */
interface Timers {

  Instant now();

  /** Runs {@code input} on the loop, after what is already queued. */
  void post(Runnable input);

  /** Posts {@code input} after {@code delay}; cancelling the future drops it. */
  Future<?> after(Duration delay, Runnable input);

  /** Runs {@code task} off the loop after {@code delay}: work that would block it. */
  void later(Duration delay, Runnable task);
}
