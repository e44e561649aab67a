package dev.pmfx.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** Which worker a cluster app's next connection goes to ({@code balancer_strategy}). */
public enum BalancerStrategy {
  ROUND_ROBIN,
  /** The worker with the fewest open connections. */
  LEAST_CONNECTIONS,
  /** The same client to the same worker while it serves. */
  STICKY;

  /** As the file writes it: {@code round-robin}, {@code least-connections}, {@code sticky}. */
  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @JsonCreator
  public static BalancerStrategy of(String word) {
    return Arrays.stream(values())
        .filter(s -> s.word().equals(word))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no balancer_strategy '" + word + "'"));
  }

  @Override
  public String toString() {
    return word();
  }
}
