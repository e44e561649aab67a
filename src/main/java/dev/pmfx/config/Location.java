package dev.pmfx.config;

/**
 * A place in a config file: 1-based line and column; {@link #UNKNOWN} where the format cannot tell.
 */
public record Location(int line, int column) {

  public static final Location UNKNOWN = new Location(0, 0);

  public boolean known() {
    return line > 0;
  }

  @Override
  public String toString() {
    return known() ? line + ":" + column : "?";
  }
}
