package dev.pmfx.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A config file's text, split into lines so findings can quote the line they are about. */
record SourceText(Path file, String text, List<String> lines) {

  static SourceText of(Path file, String withBom) {
    // Editors on Windows start UTF-8 files with a byte order mark; no reader wants it.
    String text = withBom.startsWith("\uFEFF") ? withBom.substring(1) : withBom;
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        lines.add(stripCr(text.substring(start, i)));
        start = i + 1;
      }
    }
    lines.add(stripCr(text.substring(start)));
    return new SourceText(file, text, List.copyOf(lines));
  }

  private static String stripCr(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  /** Where index {@code at} of {@link #text} is, as a line and a column counted from 1. */
  Location locationOf(int at) {
    int line = 1;
    int start = 0;
    for (int i = 0; i < Math.min(at, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        start = i + 1;
      }
    }
    return new Location(line, at - start + 1);
  }

  /** Just after the last line with text: where something missing from the file would go. */
  Location end() {
    int last = lines.size();
    while (last > 1 && lines.get(last - 1).isBlank()) {
      last--;
    }
    return new Location(last, lines.get(last - 1).length() + 1);
  }

  /**
   * Where a .js config hands its value over ({@code module.exports =}, {@code export default}), or
   * its first line: the place for what went wrong with the whole evaluation.
   */
  Location exportAt() {
    java.util.regex.Matcher export =
        java.util.regex.Pattern.compile("module\\.exports\\s*=|export\\s+default\\b").matcher(text);
    return export.find() ? locationOf(export.start()) : end();
  }

  String line(int number) {
    return number >= 1 && number <= lines.size() ? lines.get(number - 1) : "";
  }

  Diagnostic error(Location at, String key, String message, String hint) {
    return new Diagnostic(Diagnostic.Severity.ERROR, file, at, key, message, line(at.line()), hint);
  }

  Diagnostic warning(Location at, String key, String message, String hint) {
    return new Diagnostic(
        Diagnostic.Severity.WARNING, file, at, key, message, line(at.line()), hint);
  }

  /** The error for a key written twice in one object; the last one is the one that would count. */
  Diagnostic duplicateKey(Location at, String key, Location first) {
    return error(
        at,
        key,
        "key '" + key + "' appears twice in the same object (first on line " + first.line() + ")",
        "keep one of them; only the last one would count");
  }
}
