package dev.pmfx.config;

import java.nio.file.Path;

/**
 * One finding about a config file, formatted like a compiler's: {@code file:line:column: error:
 * message}, then the offending line with a caret under the column.
 *
 * @param key the key path the finding is about ({@code apps[0].instances}), empty for the file
 * @param sourceLine the text of the offending line, empty where unknown
 * @param hint a second line of advice, empty when there is none
 */
public record Diagnostic(
    Severity severity,
    Path file,
    Location location,
    String key,
    String message,
    String sourceLine,
    String hint) {

  public enum Severity {
    ERROR,
    WARNING;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** The first line alone: {@code ecosystem.config.js:4:16: error: ...}. */
  public String headline() {
    return file
        + (location.known() ? ":" + location : "")
        + ": "
        + severity.label()
        + ": "
        + message;
  }

  /** The headline, the source line with a caret under the column, and the hint. */
  public String format() {
    return format(headline());
  }

  /**
   * As {@link #format()}, for a view that already names the file: {@code line 4, column 16: error:
   * ...}.
   */
  public String formatInFile() {
    String where =
        location.known() ? "line " + location.line() + ", column " + location.column() + ": " : "";
    return format(where + severity.label() + ": " + message);
  }

  private String format(String headline) {
    StringBuilder out = new StringBuilder(headline);
    if (!sourceLine.isEmpty() && location.known()) {
      String number = String.valueOf(location.line());
      String gutter = " ".repeat(number.length());
      String shown = sourceLine.replace('\t', ' ');
      out.append('\n').append("  ").append(number).append(" | ").append(shown);
      int caret = Math.max(0, Math.min(location.column() - 1, shown.length()));
      out.append('\n')
          .append("  ")
          .append(gutter)
          .append(" | ")
          .append(" ".repeat(caret))
          .append('^');
    }
    if (!hint.isEmpty()) {
      out.append('\n').append("  = ").append(hint.replace("\n", "\n    "));
    }
    return out.toString();
  }
}
