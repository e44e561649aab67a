package dev.pmfx.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A memory size such as {@code max_memory_restart: '500M'}, in bytes (K, M, G are powers of 1024,
 * as in PM2).
 */
public record ByteSize(long bytes) {

  private static final Pattern TEXT =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?", Pattern.CASE_INSENSITIVE);

  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size cannot be negative: " + bytes);
    }
  }

  /**
   * {@code "500M"}, {@code "1G"}, {@code "1.5G"}, {@code "200K"}, {@code "300MB"} or a plain number
   * of bytes.
   */
  public static Optional<ByteSize> parse(String text) {
    Matcher m = TEXT.matcher(text.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    int shift =
        switch (m.group(2).toUpperCase(Locale.ROOT)) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          case "T" -> 40;
          default -> 0;
        };
    return ofBytes(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift)));
  }

  /** The largest size a config may give (1 PiB): larger is a typo. */
  static final long MAX_BYTES = 1L << 50;

  /** A number of bytes, rounded down, when it is between 1 and {@link #MAX_BYTES}. */
  public static Optional<ByteSize> ofBytes(BigDecimal bytes) {
    if (bytes.compareTo(BigDecimal.ONE) < 0 || bytes.compareTo(BigDecimal.valueOf(MAX_BYTES)) > 0) {
      return Optional.empty();
    }
    return Optional.of(new ByteSize(bytes.longValue()));
  }

  /** A measured amount for people: {@code 312.4 MB}, {@code 980 KB} (powers of 1024). */
  public static String human(long bytes) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = 0;
    while (unit < units.length - 1 && value >= 1024) {
      value /= 1024;
      unit++;
    }
    return unit == 0 || value >= 100
        ? Math.round(value) + " " + units[unit]
        : String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** The shortest exact spelling: {@code 500M}, {@code 1G}, {@code 1536K}. */
  @Override
  public String toString() {
    String[] units = {"", "K", "M", "G", "T"};
    long value = bytes;
    int unit = 0;
    while (unit < units.length - 1 && value >= 1024 && value % 1024 == 0) {
      value /= 1024;
      unit++;
    }
    return value + units[unit];
  }
}
