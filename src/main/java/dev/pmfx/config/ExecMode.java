package dev.pmfx.config;

import java.util.Locale;
import java.util.Optional;

/** PM2's {@code exec_mode}: one process per worker, or workers behind pmfx's balancer. */
public enum ExecMode {
  FORK,
  CLUSTER;

  /**
   * PM2's spellings: {@code fork}, {@code cluster}, and the older {@code fork_mode}, {@code
   * cluster_mode}.
   */
  static Optional<ExecMode> parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "fork", "fork_mode" -> Optional.of(FORK);
      case "cluster", "cluster_mode" -> Optional.of(CLUSTER);
      default -> Optional.empty();
    };
  }

  /** How PM2 prints it in {@code pm2 list}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
