package dev.pmfx.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as configs write them: a number of milliseconds (PM2's form, {@code kill_timeout:
 * 1600}) or a number with a unit ({@code "500ms"}, {@code "2s"}, {@code "1m"}, {@code "1h"}, {@code
 * "1d"}).
 */
public final class DurationText {

  private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");

  private DurationText() {}

  /**
   * The longest duration a config may give: longer is a typo, and Node.js timers stop at 24.8 days.
   */
  static final Duration MAX = Duration.ofDays(30);

  static Optional<Duration> parse(String text) {
    Matcher m = TEXT.matcher(text.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    long unitMillis =
        switch (m.group(2) == null ? "ms" : m.group(2)) {
          case "s" -> 1_000;
          case "m" -> 60_000;
          case "h" -> 3_600_000;
          case "d" -> 86_400_000;
          default -> 1;
        };
    return millis(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis)));
  }

  /** A number of milliseconds, when it is between 0 and {@link #MAX}. */
  static Optional<Duration> millis(BigDecimal millis) {
    if (millis.signum() < 0 || millis.compareTo(BigDecimal.valueOf(MAX.toMillis())) > 0) {
      return Optional.empty();
    }
    return Optional.of(
        Duration.ofNanos(millis.multiply(BigDecimal.valueOf(1_000_000)).longValue()));
  }

  /** {@code 1600ms}, {@code 3s}, {@code 2m}: how {@code pmfx check} and the UI print them. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }
}
