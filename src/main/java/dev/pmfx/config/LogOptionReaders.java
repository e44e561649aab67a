package dev.pmfx.config;

import dev.pmfx.config.ConfigNode.BoolNode;
import dev.pmfx.config.ConfigNode.Member;
import java.util.Optional;
import java.util.Set;

/** Readers of the log options that have forms of their own. */
final class LogOptionReaders {

  private LogOptionReaders() {}

  /**
   * {@code log_file}: a path, as {@code out_file}'s; {@code true} is the default path, read as the
   * empty string (which no path can be).
   */
  static Optional<String> combined(OptionValues values, Member m) {
    if (m.value() instanceof BoolNode b && b.value()) {
      return Optional.of("");
    }
    return values.logPath(m);
  }

  /** {@code log_type}: whether it is 'json'. */
  static Optional<Boolean> json(OptionValues values, Member m) {
    return values
        .choice(m, Set.of("json", "text"), "'json' (PM2's JSON lines) or 'text' (the default)")
        .map("json"::equals);
  }
}
