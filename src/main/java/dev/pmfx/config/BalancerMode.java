package dev.pmfx.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** How a cluster app's public port reaches its workers ({@code balancer}), as the file names it. */
public enum BalancerMode {
  /** pmfx accepts each connection and passes it whole to a Node worker over its IPC channel. */
  HANDOFF,
  /** pmfx routes each HTTP request to a worker's private address. */
  HTTP,
  /** pmfx relays each TCP connection to a worker's private address. */
  TCP;

  /** As the file writes it: {@code handoff}, {@code http}, {@code tcp}. */
  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode a file's word names; null for an empty word (no balancer named), as saved before. */
  @JsonCreator
  public static BalancerMode of(String word) {
    if (word == null || word.isEmpty()) {
      return null;
    }
    return Arrays.stream(values())
        .filter(m -> m.word().equals(word))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no balancer '" + word + "'"));
  }

  @Override
  public String toString() {
    return word();
  }
}
