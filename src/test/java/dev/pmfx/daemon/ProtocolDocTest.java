package dev.pmfx.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmfx.engine.Command;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.Query;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md is the socket's contract: each of its JSON examples reads as the daemon and its
 * clients read a line, and writes back as they write it; every kind of call, command, query and
 * event has an example, so the page cannot fall behind the code.
 */
class ProtocolDocTest {

  private static final Path DOC = Path.of("docs/protocol.md");
  private static final Pattern EXAMPLE = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL);

  private static List<String> examples() throws Exception {
    Matcher found = EXAMPLE.matcher(Files.readString(DOC));
    List<String> examples = new ArrayList<>();
    while (found.find()) {
      examples.add(found.group(1));
    }
    return examples;
  }

  @Test
  void everyExampleReadsAsAMessageAndWritesBackTheSame() throws Exception {
    List<String> examples = examples();
    assertTrue(examples.size() > 40, "examples found: " + examples.size());
    for (String example : examples) {
      // given: the example as a tree, as anyone's JSON parser reads it
      JsonNode written = Wire.JSON.readTree(example);

      // when: read as the daemon reads a line, written back, and read again
      Wire.Message message = Wire.JSON.readValue(example, Wire.Message.class);
      String line = Wire.JSON.writeValueAsString(message);

      // then: nothing was lost, added or changed, and it is one line
      assertEquals(written, Wire.JSON.readTree(line), example);
      assertEquals(message, Wire.JSON.readValue(line, Wire.Message.class), example);
      assertEquals(-1, line.indexOf('\n'), example);
      assertTrue(
          message.call() != null && message.id() != null && Wire.whole(message.call())
              || message.id() != null && (message.result() != null || message.error() != null)
              || message.subscription() != null,
          "a call, an answer or a subscription's message: " + example);
    }
  }

  @Test
  void everyCallCommandQueryAndEventHasAnExample() throws Exception {
    Set<Class<?>> shown = new HashSet<>();
    for (String example : examples()) {
      Wire.Message message = Wire.JSON.readValue(example, Wire.Message.class);
      if (message.call() != null) {
        shown.add(message.call().getClass());
      }
      if (message.call() instanceof Wire.Call.Run run) {
        shown.add(run.command().getClass());
      }
      if (message.call() instanceof Wire.Call.Ask ask) {
        shown.add(ask.query().getClass());
      }
      if (message.event() != null) {
        shown.add(message.event().getClass());
      }
      if (message.history() != null) {
        message.history().forEach(event -> shown.add(event.getClass()));
      }
    }
    for (Class<?> kinds : List.of(Wire.Call.class, Command.class, Query.class, EngineEvent.class)) {
      for (Class<?> kind : kinds.getPermittedSubclasses()) {
        assertTrue(
            shown.contains(kind),
            DOC + " has no example of " + kinds.getSimpleName() + "." + kind.getSimpleName());
      }
    }
  }

  @Test
  void theDocNamesTheProtocolVersionThatPingAnswers() throws Exception {
    Matcher version =
        Pattern.compile("\\*\\*Protocol version: (\\d+)\\.\\*\\*").matcher(Files.readString(DOC));
    assertTrue(version.find(), "the doc states its version");
    assertEquals(Wire.PROTOCOL, Integer.parseInt(version.group(1)));
    List<JsonNode> pongs = new ArrayList<>();
    for (String example : examples()) {
      JsonNode result = Wire.JSON.readTree(example).path("result");
      if (result.has("protocol")) {
        pongs.add(result);
      }
    }
    assertEquals(1, pongs.size(), "one example answers a ping");
    assertEquals(Wire.PROTOCOL, pongs.getFirst().get("protocol").asInt());
    assertEquals(
        Set.of("version", "protocol", "pid", "startedAt", "home"),
        Set.copyOf(iterable(pongs.getFirst().fieldNames())),
        "the ping's answer as DaemonInfo writes it");
  }

  @Test
  void whatANewerPmfxSendsIsPassedOverAsTheDocSays() throws Exception {
    // an event of a kind this pmfx does not know: read as nothing, alone or in a history
    Wire.Message event =
        Wire.JSON.readValue(
            "{\"subscription\":2,\"event\":{\"type\":\"SomethingNew\",\"at\":"
                + "\"2026-12-07T09:00:00Z\",\"worker\":3},\"more\":true}",
            Wire.Message.class);
    assertEquals(2L, event.subscription());
    assertNull(event.event());
    Wire.Message history =
        Wire.JSON.readValue(
            "{\"subscription\":2,\"history\":[{\"type\":\"SomethingNew\",\"at\":"
                + "\"2026-12-07T09:00:00Z\"}]}",
            Wire.Message.class);
    assertEquals(1, history.history().size());
    assertNull(history.history().getFirst());

    // a command or query of a kind this daemon does not know: a call it cannot read
    for (String line :
        List.of(
            "{\"id\":5,\"call\":{\"op\":\"Run\",\"command\":{\"command\":\"SomethingNew\"}}}",
            "{\"id\":5,\"call\":{\"op\":\"Ask\",\"query\":{\"query\":\"SomethingNew\"}}}")) {
      Wire.Message call = Wire.JSON.readValue(line, Wire.Message.class);
      assertFalse(Wire.whole(call.call()), line);
    }
    // a call of a kind it does not know has no call at all
    assertNull(
        Wire.JSON
            .readValue("{\"id\":5,\"call\":{\"op\":\"SomethingNew\"}}", Wire.Message.class)
            .call());
  }

  private static <T> List<T> iterable(java.util.Iterator<T> items) {
    List<T> all = new ArrayList<>();
    items.forEachRemaining(all::add);
    return all;
  }
}
