package dev.pmfx.logs;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * A log line as PM2 writes it with {@code log_type: 'json'}: {@code
 * {"message":"...","timestamp":"...","type":"out","process_id":0,"app_name":"api"}}, the timestamp
 * in the app's {@code log_date_format} when it has one, else ISO-8601 in UTC as JavaScript's {@code
 * toISOString} gives it.
 */
public final class JsonLine {

  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
          .withZone(java.time.ZoneOffset.UTC);

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private JsonLine() {}

  /** The message of a line {@link #format} wrote; empty for any other line. */
  public static Optional<String> message(String line) {
    if (!line.startsWith("{\"message\":")) {
      return Optional.empty();
    }
    try {
      com.fasterxml.jackson.databind.JsonNode message = JSON.readTree(line).get("message");
      return message != null && message.isTextual()
          ? Optional.of(message.asText())
          : Optional.empty();
    } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
      return Optional.empty();
    }
  }

  /**
   * @param type {@code out} or {@code err}
   * @param dates the app's {@code log_date_format}, with its zone
   */
  public static String format(
      String message,
      Instant at,
      String type,
      int processId,
      String app,
      Optional<DateTimeFormatter> dates) {
    StringBuilder json = new StringBuilder(message.length() + 100);
    json.append("{\"message\":");
    quote(json, message);
    json.append(",\"timestamp\":");
    quote(json, dates.orElse(ISO).format(at));
    json.append(",\"type\":");
    quote(json, type);
    json.append(",\"process_id\":").append(processId).append(",\"app_name\":");
    quote(json, app);
    return json.append('}').toString();
  }

  private static void quote(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append("\\u%04x".formatted((int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
