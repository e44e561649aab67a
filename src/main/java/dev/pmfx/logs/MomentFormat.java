package dev.pmfx.logs;

import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PM2's {@code log_date_format} is a moment.js pattern ({@code YYYY-MM-DD HH:mm:ss Z}); this turns
 * it into a {@link DateTimeFormatter} that prints what moment prints in its default locale ({@code
 * en}): {@code Z} is the offset as {@code +00:00}, {@code ZZ} as {@code +0000}, {@code a} is {@code
 * am}/{@code pm} and {@code A} {@code AM}/{@code PM}, {@code x} and {@code X} the Unix time in
 * milliseconds and seconds. Text in square brackets is kept as written, as in moment, as is any
 * character that is not a token.
 */
public final class MomentFormat {

  private MomentFormat() {}

  /** moment's tokens, longest first where one begins another, as its own pattern tries them. */
  private static final List<String> TOKENS =
      List.of(
          "YYYY",
          "YY",
          "Y",
          "Q",
          "MMMM",
          "MMM",
          "MM",
          "M",
          "DDDD",
          "DDD",
          "Do",
          "DD",
          "D",
          "dddd",
          "ddd",
          "dd",
          "d",
          "E",
          "WW",
          "W",
          "GGGG",
          "HH",
          "H",
          "hh",
          "h",
          "kk",
          "k",
          "mm",
          "m",
          "ss",
          "s",
          "SSSSSSSSS",
          "SSSSSSSS",
          "SSSSSSS",
          "SSSSSS",
          "SSSSS",
          "SSSS",
          "SSS",
          "SS",
          "S",
          "A",
          "a",
          "ZZ",
          "Z",
          "X",
          "x");

  private static final Map<Long, String> AM_PM_LOWER = Map.of(0L, "am", 1L, "pm");
  private static final Map<Long, String> DAY_MIN =
      Map.of(1L, "Mo", 2L, "Tu", 3L, "We", 4L, "Th", 5L, "Fr", 6L, "Sa", 7L, "Su");
  private static final Map<Long, String> DAY_FROM_SUNDAY =
      Map.of(1L, "1", 2L, "2", 3L, "3", 4L, "4", 5L, "5", 6L, "6", 7L, "0");
  private static final Map<Long, String> ORDINALS = ordinals();

  public static DateTimeFormatter toFormatter(String moment) {
    DateTimeFormatterBuilder out = new DateTimeFormatterBuilder();
    int i = 0;
    while (i < moment.length()) {
      char c = moment.charAt(i);
      if (c == '[') {
        int close = moment.indexOf(']', i);
        out.appendLiteral(close < 0 ? moment.substring(i + 1) : moment.substring(i + 1, close));
        i = close < 0 ? moment.length() : close + 1;
        continue;
      }
      if (c == '\\' && i + 1 < moment.length()) {
        out.appendLiteral(moment.charAt(i + 1));
        i += 2;
        continue;
      }
      String token = token(moment, i);
      if (token == null) {
        out.appendLiteral(c);
        i++;
        continue;
      }
      append(out, token);
      i += token.length();
    }
    return out.toFormatter(Locale.ENGLISH);
  }

  private static String token(String text, int at) {
    for (String token : TOKENS) {
      if (text.startsWith(token, at)) {
        return token;
      }
    }
    return null;
  }

  private static void append(DateTimeFormatterBuilder out, String token) {
    if (token.chars().allMatch(ch -> ch == 'S')) {
      out.appendFraction(ChronoField.NANO_OF_SECOND, token.length(), token.length(), false);
      return;
    }
    switch (token) {
      case "YYYY" -> out.appendValue(ChronoField.YEAR, 4, 10, SignStyle.NORMAL);
      case "YY" -> out.appendValueReduced(ChronoField.YEAR, 2, 2, 2000);
      case "Y" -> out.appendValue(ChronoField.YEAR);
      case "Q" -> out.appendValue(IsoFields.QUARTER_OF_YEAR);
      case "MMMM" -> out.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.FULL);
      case "MMM" -> out.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT);
      case "MM" -> out.appendValue(ChronoField.MONTH_OF_YEAR, 2);
      case "M" -> out.appendValue(ChronoField.MONTH_OF_YEAR);
      case "DDDD" -> out.appendValue(ChronoField.DAY_OF_YEAR, 3);
      case "DDD" -> out.appendValue(ChronoField.DAY_OF_YEAR);
      case "Do" -> out.appendText(ChronoField.DAY_OF_MONTH, ORDINALS);
      case "DD" -> out.appendValue(ChronoField.DAY_OF_MONTH, 2);
      case "D" -> out.appendValue(ChronoField.DAY_OF_MONTH);
      case "dddd" -> out.appendText(ChronoField.DAY_OF_WEEK, TextStyle.FULL);
      case "ddd" -> out.appendText(ChronoField.DAY_OF_WEEK, TextStyle.SHORT);
      case "dd" -> out.appendText(ChronoField.DAY_OF_WEEK, DAY_MIN);
      case "d" -> out.appendText(ChronoField.DAY_OF_WEEK, DAY_FROM_SUNDAY);
      case "E" -> out.appendValue(ChronoField.DAY_OF_WEEK);
      case "WW" -> out.appendValue(IsoFields.WEEK_OF_WEEK_BASED_YEAR, 2);
      case "W" -> out.appendValue(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      case "GGGG" -> out.appendValue(IsoFields.WEEK_BASED_YEAR, 4, 10, SignStyle.NORMAL);
      case "HH" -> out.appendValue(ChronoField.HOUR_OF_DAY, 2);
      case "H" -> out.appendValue(ChronoField.HOUR_OF_DAY);
      case "hh" -> out.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM, 2);
      case "h" -> out.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM);
      case "kk" -> out.appendValue(ChronoField.CLOCK_HOUR_OF_DAY, 2);
      case "k" -> out.appendValue(ChronoField.CLOCK_HOUR_OF_DAY);
      case "mm" -> out.appendValue(ChronoField.MINUTE_OF_HOUR, 2);
      case "m" -> out.appendValue(ChronoField.MINUTE_OF_HOUR);
      case "ss" -> out.appendValue(ChronoField.SECOND_OF_MINUTE, 2);
      case "s" -> out.appendValue(ChronoField.SECOND_OF_MINUTE);
      case "A" -> out.appendText(ChronoField.AMPM_OF_DAY, TextStyle.SHORT);
      case "a" -> out.appendText(ChronoField.AMPM_OF_DAY, AM_PM_LOWER);
      case "ZZ" -> out.appendOffset("+HHMM", "+0000");
      case "Z" -> out.appendOffset("+HH:MM", "+00:00");
      case "X" -> out.appendValue(ChronoField.INSTANT_SECONDS);
      case "x" -> {
        out.appendValue(ChronoField.INSTANT_SECONDS);
        out.appendValue(ChronoField.MILLI_OF_SECOND, 3);
      }
      default -> throw new IllegalStateException(token);
    }
  }

  private static Map<Long, String> ordinals() {
    Map<Long, String> names = new HashMap<>();
    for (long day = 1; day <= 31; day++) {
      String suffix =
          day / 10 == 1
              ? "th"
              : switch ((int) (day % 10)) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
              };
      names.put(day, day + suffix);
    }
    return names;
  }
}
