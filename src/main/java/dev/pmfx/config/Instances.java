package dev.pmfx.config;

/**
 * PM2's {@code instances} setting: how many workers {@code "max"}, {@code "-1"} or {@code "4"} is.
 */
final class Instances {

  private Instances() {}

  /** PM2's rule: 'max' or 0 is every core, -N is all cores but N, never fewer than one. */
  static int resolve(String setting, int cores) {
    if (setting.equals("max")) {
      return cores;
    }
    long n;
    try {
      n = Long.parseLong(setting);
    } catch (NumberFormatException tooLarge) {
      return setting.startsWith("-") ? 1 : Integer.MAX_VALUE;
    }
    if (n == 0) {
      return cores;
    }
    if (n < 0) {
      return (int) Math.max(1, cores + n);
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }
}
