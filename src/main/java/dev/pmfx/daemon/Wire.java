package dev.pmfx.daemon;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.Command;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineJson;
import dev.pmfx.engine.Query;
import java.time.Duration;
import java.util.List;

/**
 * What crosses the daemon's socket: one JSON {@link Message} a line, each way. A client sends calls
 * with ids; the daemon answers each id once, and sends the snapshot and events of a subscription
 * with the subscription's id.
 */
final class Wire {

  private Wire() {}

  /**
   * The version of this protocol, which a daemon's answer to {@link Call.Ping} carries as {@code
   * "protocol"}. It goes up when a client of the last version could misread what a daemon of this
   * one sends, or the daemon misread what such a client sends: a field that changes its meaning or
   * its type, a field or a kind of message taken away or renamed, a framing change. A new kind of
   * call, command, query or event, or a new field, does not bump it: an older side passes over what
   * it does not know (docs/protocol.md).
   */
  static final int PROTOCOL = 1;

  static final ObjectMapper JSON =
      EngineJson.mapper()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // an event or call type from a newer pmfx reads as null, and is passed over
          .disable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE);

  /** One line on the socket. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Message(
      Long id,
      Call call,
      JsonNode result,
      String error,
      Long subscription,
      List<AppStatus> snapshot,
      List<EngineEvent> history,
      EngineEvent event) {

    static Message call(long id, Call call) {
      return new Message(id, call, null, null, null, null, null, null);
    }

    static Message result(long id, Object value) {
      return new Message(id, null, JSON.valueToTree(value), null, null, null, null, null);
    }

    /**
     * A query's answer, written as its query's answer type: events keep their type, which a tree of
     * the value alone would lose, and read back as the type asked.
     */
    static Message answer(long id, Query<?> query, Object value) {
      try {
        byte[] written =
            JSON.writerFor(JSON.getTypeFactory().constructType(query.answerType()))
                .writeValueAsBytes(value);
        return new Message(id, null, JSON.readTree(written), null, null, null, null, null);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    static Message error(long id, String error) {
      return new Message(id, null, null, error, null, null, null, null);
    }

    static Message snapshot(long subscription, List<AppStatus> apps) {
      return new Message(null, null, null, null, subscription, apps, null, null);
    }

    static Message history(long subscription, List<EngineEvent> past) {
      return new Message(null, null, null, null, subscription, null, past, null);
    }

    static Message event(long subscription, EngineEvent event) {
      return new Message(null, null, null, null, subscription, null, null, event);
    }
  }

  /**
   * Whether a call read whole: a command or query of a kind this pmfx does not know (from a newer
   * one) reads as a {@link Call.Run} or {@link Call.Ask} of nothing, which is answered as a call it
   * cannot read.
   */
  static boolean whole(Call call) {
    return switch (call) {
      case Call.Run run -> run.command() != null;
      case Call.Ask ask -> ask.query() != null;
      default -> true;
    };
  }

  /** The {@link dev.pmfx.engine.Engine} API: its commands, its queries, the daemon's own calls. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "op")
  @JsonSubTypes({
    @JsonSubTypes.Type(Call.Run.class),
    @JsonSubTypes.Type(Call.Ask.class),
    @JsonSubTypes.Type(Call.SampleEvery.class),
    @JsonSubTypes.Type(Call.Subscribe.class),
    @JsonSubTypes.Type(Call.Unsubscribe.class),
    @JsonSubTypes.Type(Call.Ping.class),
    @JsonSubTypes.Type(Call.Kill.class),
    @JsonSubTypes.Type(Call.View.class)
  })
  sealed interface Call {
    /** A command of the engine's, answered with its {@link dev.pmfx.engine.CommandResult}. */
    record Run(Command command) implements Call {}

    /** A question of the engine's, answered with its query's answer type. */
    record Ask(Query<?> query) implements Call {}

    record SampleEvery(Duration interval) implements Call {}

    /**
     * Answered with nothing; the snapshot, the history when asked, and the events follow under the
     * call's id.
     */
    record Subscribe(boolean history) implements Call {}

    record Unsubscribe(long subscription) implements Call {}

    record Ping() implements Call {}

    /** Stops every worker gracefully, answers, and ends the daemon. */
    record Kill() implements Call {}

    /**
     * Answered with the text the CLI prints for {@code view} ({@code list}, {@code jlist}), drawn
     * here: a client that only prints it needs neither the engine's types nor a JSON mapper ({@link
     * DaemonViews}).
     */
    record View(String view) implements Call {}
  }
}
