package dev.pmfx.supervisor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The supervisor's one thread, as s6-supervise has it: every input (a command, an exit, a message,
 * a timer) runs on it, in the order it arrives, so no state needs a lock. Also the clock and the
 * timers that feed it.
 */
final class Loop implements Timers {

  private final Clock clock;
  private final ExecutorService executor;
  private final ScheduledExecutorService timers;
  private volatile Thread thread;

  Loop(Clock clock) {
    this.clock = clock;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pmfx-engine");
              t.setDaemon(true);
              thread = t;
              return t;
            });
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pmfx-engine-timers");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  boolean onIt() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code input} on the loop, after what is already queued; dropped once it is shut. */
  @Override
  public void post(Runnable input) {
    if (!executor.isShutdown()) {
      try {
        executor.execute(input);
      } catch (RejectedExecutionException closing) {
        // the engine closed; inputs after that have nobody to act on them
      }
    }
  }

  /** Posts {@code input} after {@code delay}. */
  @Override
  public ScheduledFuture<?> after(Duration delay, Runnable input) {
    return timers.schedule(() -> post(input), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code task} off the loop after {@code delay}: work that would block it. */
  @Override
  public void later(Duration delay, Runnable task) {
    timers.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A command on the loop; its result completes when the future it returns does. */
  <T> CompletableFuture<T> call(Callable<CompletableFuture<T>> command) {
    CompletableFuture<T> result = new CompletableFuture<>();
    post(
        () -> {
          try {
            command
                .call()
                .whenComplete(
                    (value, error) -> {
                      if (error != null) {
                        result.completeExceptionally(error);
                      } else {
                        result.complete(value);
                      }
                    });
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  /** Runs {@code task} on the loop and waits for it (at once when already on the loop). */
  <T> T await(Callable<T> task) {
    return await(task, Duration.ofSeconds(30));
  }

  <T> T await(Callable<T> task, Duration limit) {
    if (onIt()) {
      try {
        return task.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    try {
      return executor.submit(task).get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the engine", e);
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      throw new IllegalStateException("the engine did not answer", e);
    }
  }

  void shutdown() {
    executor.shutdownNow();
    timers.shutdownNow();
  }
}
