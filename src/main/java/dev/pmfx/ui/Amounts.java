package dev.pmfx.ui;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CPU and memory figures as the table writes them, and sorting them as the numbers they are. */
final class Amounts {

  private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};

  private static final Pattern AMOUNT =
      Pattern.compile(
          "\\s*(-?\\d+(?:\\.\\d+)?)\\s*(%|B|KB|MB|GB|TB)?\\s*", Pattern.CASE_INSENSITIVE);

  private Amounts() {}

  /** Percent of one core: "0%", "3.5%", "142%". */
  static String cpu(double percent) {
    if (percent < 10 && Math.round(percent * 10) % 10 != 0) {
      return String.format(Locale.ROOT, "%.1f%%", percent);
    }
    return Math.round(percent) + "%";
  }

  /** Memory in 1024-based units, as top and PM2 count it: "812 KB", "45.3 MB", "1.2 GB". */
  static String memory(long bytes) {
    return dev.pmfx.config.ByteSize.human(bytes);
  }

  /** The number a cell shows, in bytes for memory; empty for a blank or a word. */
  static OptionalDouble parse(String text) {
    if (text == null) {
      return OptionalDouble.empty();
    }
    Matcher m = AMOUNT.matcher(text);
    if (!m.matches()) {
      return OptionalDouble.empty();
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
    for (int i = 1; i < UNITS.length; i++) {
      if (UNITS[i].equals(unit)) {
        value *= Math.pow(1024, i);
      }
    }
    return OptionalDouble.of(value);
  }

  /** Numbers sort as numbers (2 before 10, 900 KB before 1.2 MB); blanks (app rows) last. */
  static int compare(String a, String b) {
    OptionalDouble x = parse(a);
    OptionalDouble y = parse(b);
    if (x.isEmpty() || y.isEmpty()) {
      return Boolean.compare(x.isEmpty(), y.isEmpty());
    }
    return Double.compare(x.getAsDouble(), y.getAsDouble());
  }
}
