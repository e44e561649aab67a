package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * What to do when a worker's process exits on its own, with PM2's meanings of autorestart,
 * stop_exit_codes, min_uptime, max_restarts, restart_delay and exp_backoff_restart_delay. Pure: the
 * counters it reads and returns belong to the worker.
 */
final class RestartPolicy {

  /** PM2's ceiling for exponential backoff, and the uptime after which it starts over. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  static final Duration BACKOFF_RESET_UPTIME = Duration.ofSeconds(30);

  /** The least pause before restarting a process that did not stay up: never a busy loop. */
  static final Duration UNSTABLE_FLOOR = Duration.ofMillis(100);

  sealed interface Decision {
    record Restart(Duration delay, int unstableRestarts, Duration backoff) implements Decision {}

    record Stay(String why) implements Decision {}

    record GiveUp(String why) implements Decision {}
  }

  private RestartPolicy() {}

  /**
   * @param unstableRestarts restarts so far of processes that lived less than min_uptime
   * @param backoff the last exponential backoff delay, zero at first
   */
  static Decision afterExit(
      AppSpec app, OptionalInt exitCode, Duration uptime, int unstableRestarts, Duration backoff) {
    if (exitCode.isPresent() && app.stopExitCodes().contains(exitCode.getAsInt())) {
      return new Decision.Stay("exit code " + exitCode.getAsInt() + " is in stop_exit_codes");
    }
    if (!app.autorestart()) {
      return new Decision.Stay("autorestart is off");
    }
    boolean unstable = uptime.compareTo(app.minUptime()) < 0;
    int unstableNow = unstable ? unstableRestarts + 1 : 0;
    // PM2 (God.handleExit): the exit counts, and max_restarts of them in a row is the end.
    if (unstable && unstableNow >= app.maxRestarts()) {
      return new Decision.GiveUp(
          "exited "
              + unstableNow
              + " times in a row, each time up less than min_uptime ("
              + app.minUptime().toMillis()
              + " ms); max_restarts is "
              + app.maxRestarts());
    }
    Duration delay = app.restartDelay();
    Duration nextBackoff = Duration.ZERO;
    if (!app.expBackoffRestartDelay().isZero()) {
      nextBackoff =
          backoff.isZero() || uptime.compareTo(BACKOFF_RESET_UPTIME) >= 0
              ? app.expBackoffRestartDelay()
              : min(MAX_BACKOFF, Duration.ofMillis((long) (backoff.toMillis() * 1.5)));
      delay = nextBackoff;
    }
    if (unstable && delay.compareTo(UNSTABLE_FLOOR) < 0) {
      delay = UNSTABLE_FLOOR;
    }
    return new Decision.Restart(delay, unstableNow, nextBackoff);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
