package dev.pmfx.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * How pmfx and one worker process speak: Node's own IPC channel for Node workers ({@link
 * NodeChannel}), a private Unix socket named in {@code PMFX_IPC} for others ({@link IpcSocket}).
 * The worker says {@code ready} (and the Node shim {@code listening PORT}); pmfx says {@code
 * shutdown} for {@code shutdown_with_message}. Each process has a channel of its own, so what
 * arrives on it is that process speaking, and no other.
 */
sealed interface WorkerChannel extends AutoCloseable permits IpcSocket, NodeChannel {

  /** Writes a message to the worker; false when nobody listens. */
  boolean send(String message);

  /**
   * Writes a JSON value to the worker, which Node's {@code process.on('message')} receives as the
   * object; false when nobody listens.
   */
  boolean sendJson(JsonNode message);

  @Override
  void close();

  /** {@code ready}, {@code "ready"} and {@code {"type":"ready"}} all say ready. */
  static String message(String line) {
    if (line.startsWith("\"") || line.startsWith("{")) {
      try {
        JsonNode json = Json.MAPPER.readTree(line);
        if (json.isTextual()) {
          return json.asText();
        }
        if (json.has("type")) {
          return json.get("type").asText();
        }
      } catch (IOException notJson) {
        return line;
      }
    }
    return line;
  }

  /** Jackson's reader, once for both kinds of channel. */
  final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}
  }
}
