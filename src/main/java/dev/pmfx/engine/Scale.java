package dev.pmfx.engine;

/**
 * How many workers {@code scale} asks for, as PM2 writes it: {@code 4} (that many), {@code +2} (two
 * more) or {@code -1} (one fewer).
 */
public record Scale(int amount, boolean relative) {

  public static Scale to(int instances) {
    return new Scale(instances, false);
  }

  /**
   * Reads {@code N}, {@code +N} or {@code -N}.
   *
   * @throws IllegalArgumentException saying what is allowed
   */
  public static Scale parse(String text) {
    String t = text.strip();
    boolean relative = t.startsWith("+") || t.startsWith("-");
    try {
      int amount = Integer.parseInt(relative && t.startsWith("+") ? t.substring(1) : t);
      if (!relative && amount < 1 || relative && t.length() < 2) {
        throw new NumberFormatException();
      }
      return new Scale(amount, relative);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a worker count: write N (at least 1), +N or -N");
    }
  }

  /** The count this asks for, from {@code current} workers; never checked against limits here. */
  public int from(int current) {
    return relative ? current + amount : amount;
  }

  @Override
  public String toString() {
    return relative && amount >= 0 ? "+" + amount : String.valueOf(amount);
  }
}
