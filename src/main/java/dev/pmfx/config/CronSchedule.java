package dev.pmfx.config;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code cron_restart} as PM2 (through croner) reads it: five fields, or six with seconds first,
 * with names, ranges, steps, {@code L}, {@code W}, {@code #}, and the {@code @daily} family.
 */
public final class CronSchedule {

  private static final CronParser SIX_FIELDS =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));
  private static final java.util.Map<String, String> MACROS =
      java.util.Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  /** The first time after {@code after} that a valid expression names. */
  public static Optional<java.time.ZonedDateTime> next(
      String expression, java.time.ZonedDateTime after) {
    String fields = MACROS.getOrDefault(expression.strip(), expression.strip());
    String six = fields.split("\\s+").length == 5 ? "0 " + fields : fields;
    return com.cronutils.model.time.ExecutionTime.forCron(SIX_FIELDS.parse(six))
        .nextExecution(after);
  }

  private static final Pattern MACRO =
      Pattern.compile("@(yearly|annually|monthly|weekly|daily|midnight|hourly)");

  private CronSchedule() {}

  /** What is wrong with the expression, or empty when it is valid. */
  public static Optional<String> problem(String expression) {
    if (MACRO.matcher(expression).matches()) {
      return Optional.empty();
    }
    String[] fields = expression.split("\\s+");
    if (fields.length != 5 && fields.length != 6) {
      return Optional.of("it has " + fields.length + " fields");
    }
    try {
      SIX_FIELDS.parse(fields.length == 5 ? "0 " + expression : expression).validate();
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      String message = e.getMessage() == null ? "not understood" : e.getMessage();
      return Optional.of(
          message
              .replace("Failed to parse cron expression. ", "")
              .replace("Failed to parse '", "'"));
    }
  }
}
