package dev.pmfx.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * What a worker's health check last found, as {@code docker ps} shows a container's: {@code
 * starting} until its first check passes (or its {@code start_period} ends), then {@code healthy},
 * or {@code unhealthy} once {@code failures} checks in a row failed.
 *
 * @param failures checks failed in a row, up to now
 * @param checkedAt when its last check ended; empty before the first
 * @param detail what the last check found: "HTTP 200 from /healthz", "exit code 1 from ./check.sh",
 *     "no answer from /healthz within 2000 ms"; empty before the first
 */
public record Health(State state, int failures, Optional<Instant> checkedAt, String detail) {

  /** A worker's app has no health check. */
  public static final Health NONE = new Health(State.NONE, 0, Optional.empty(), "");

  /** A worker whose app has a check, before its first result. */
  public static final Health STARTING = new Health(State.STARTING, 0, Optional.empty(), "");

  public enum State {
    /** Its app has no health check. */
    NONE(""),
    /** No check has passed yet, and none has failed past its start_period. */
    STARTING("starting"),
    HEALTHY("healthy"),
    UNHEALTHY("unhealthy");

    private final String label;

    State(String label) {
      this.label = label;
    }

    /** As the table, {@code list} and {@code describe} show it; empty for {@link #NONE}. */
    public String label() {
      return label;
    }
  }

  /** Whether its app has a health check at all. */
  public boolean checked() {
    return state != State.NONE;
  }
}
