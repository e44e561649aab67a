package dev.pmfx.engine;

import dev.pmfx.config.ExecMode;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A snapshot of one worker, as {@code pm2 list} shows it.
 *
 * @param id PM2's {@code pm_id}: unique among all workers, kept across restarts
 * @param instance {@code NODE_APP_INSTANCE}: 0 to instances − 1 within its app
 * @param since when the worker entered its current state
 * @param startedAt when its current process started; empty when it has none
 * @param restarts how often pmfx restarted it, as PM2's ↺ column
 * @param lastExitCode the exit code of its last process, when one exited
 * @param lastSignal the signal that ended its last process, when one did
 * @param readyAt when its current process became online
 * @param health what its health check last found; {@link Health#NONE} when its app has none
 */
public record WorkerStatus(
    int id,
    String name,
    String namespace,
    ExecMode mode,
    int instance,
    OptionalLong pid,
    WorkerState state,
    Instant since,
    Optional<Instant> startedAt,
    int restarts,
    OptionalInt lastExitCode,
    Optional<String> lastSignal,
    Optional<Instant> readyAt,
    Health health) {

  /** How users name a worker, as PM2's logs do: {@code api-0}. The one place that rule lives. */
  public static String label(String app, int instance) {
    return app + "-" + instance;
  }

  /** {@code api-0}. */
  public String label() {
    return label(name, instance);
  }

  /** How long the current process has run, at {@code now}. */
  public java.time.Duration uptime(Instant now) {
    return startedAt
        .filter(s -> state.running())
        .map(s -> java.time.Duration.between(s, now))
        .orElse(java.time.Duration.ZERO);
  }
}
