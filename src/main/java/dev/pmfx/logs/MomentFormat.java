package dev.pmfx.logs;

import java.time.format.DateTimeFormatter;

/**
 * PM2's {@code log_date_format} is a moment.js pattern ({@code YYYY-MM-DD HH:mm:ss Z}); this turns
 * it into a {@link DateTimeFormatter}. Text in square brackets is kept as written, as in moment.
 */
public final class MomentFormat {

  private MomentFormat() {}

  public static DateTimeFormatter toFormatter(String moment) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < moment.length()) {
      char c = moment.charAt(i);
      if (c == '[') {
        int close = moment.indexOf(']', i);
        String literal = close < 0 ? moment.substring(i + 1) : moment.substring(i + 1, close);
        out.append('\'').append(literal.replace("'", "''")).append('\'');
        i = close < 0 ? moment.length() : close + 1;
        continue;
      }
      String token = longest(moment, i);
      String java =
          switch (token) {
            case "YYYY" -> "uuuu";
            case "YY" -> "uu";
            case "MMMM" -> "MMMM";
            case "MMM" -> "MMM";
            case "MM" -> "MM";
            case "M" -> "M";
            case "DD" -> "dd";
            case "D" -> "d";
            case "dddd" -> "EEEE";
            case "ddd" -> "EEE";
            case "HH" -> "HH";
            case "H" -> "H";
            case "hh" -> "hh";
            case "h" -> "h";
            case "mm" -> "mm";
            case "m" -> "m";
            case "ss" -> "ss";
            case "s" -> "s";
            case "SSS" -> "SSS";
            case "SS" -> "SS";
            case "S" -> "S";
            case "A", "a" -> "a";
            case "ZZ" -> "XX";
            case "Z" -> "XXX";
            case "x" -> null;
            default -> null;
          };
      if (java != null) {
        out.append(java);
      } else if (Character.isLetter(c)) {
        out.append('\'').append(token).append('\'');
      } else {
        out.append(c == '\'' ? "''" : String.valueOf(c));
      }
      i += token.length();
    }
    return DateTimeFormatter.ofPattern(out.toString());
  }

  private static String longest(String text, int at) {
    char c = text.charAt(at);
    int end = at;
    while (end < text.length() && text.charAt(end) == c) {
      end++;
    }
    return text.substring(at, end);
  }
}
