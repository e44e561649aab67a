package dev.pmfx.engine;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.pmfx.config.AppSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine is asked about, answered with a {@code T}: one record a question, so a window, a
 * CLI, the daemon's socket and every engine that passes questions on carry a new one without a
 * change. {@link Engine#ask} takes them; the engine's named query methods make them. Each names its
 * answer's type, so an answer read back from JSON is the type it was written as.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "query")
@JsonSubTypes({
  @JsonSubTypes.Type(Query.Snapshot.class),
  @JsonSubTypes.Type(Query.LastSample.class),
  @JsonSubTypes.Type(Query.Tail.class),
  @JsonSubTypes.Type(Query.LogHistory.class),
  @JsonSubTypes.Type(Query.Environment.class),
  @JsonSubTypes.Type(Query.AppEnvironment.class),
  @JsonSubTypes.Type(Query.Trigger.class)
})
public sealed interface Query<T> {

  /** The answer's type, for JSON. */
  TypeReference<T> answerType();

  /** {@link Engine#snapshot()}. */
  record Snapshot() implements Query<List<AppStatus>> {
    @Override
    public TypeReference<List<AppStatus>> answerType() {
      return new TypeReference<>() {};
    }
  }

  /** {@link Engine#lastSample()}. */
  record LastSample() implements Query<Optional<EngineEvent.MetricsSample>> {
    @Override
    public TypeReference<Optional<EngineEvent.MetricsSample>> answerType() {
      return new TypeReference<>() {};
    }
  }

  /** {@link Engine#tail(int, int)}. */
  record Tail(int workerId, int lines) implements Query<List<EngineEvent.LogLine>> {
    @Override
    public TypeReference<List<EngineEvent.LogLine>> answerType() {
      return new TypeReference<>() {};
    }
  }

  /**
   * The environment the worker's last process started with, as {@code pmfx env} prints it; empty
   * when no such worker is known or it never started.
   */
  record Environment(int workerId) implements Query<Optional<Map<String, String>>> {
    @Override
    public TypeReference<Optional<Map<String, String>>> answerType() {
      return new TypeReference<>() {};
    }
  }

  /**
   * The environment of the shell that started the app, which its workers get instead of pmfx's own,
   * as {@code pmfx save} keeps it; empty when they get pmfx's own or no such app is known.
   */
  record AppEnvironment(String app) implements Query<Optional<Map<String, String>>> {
    @Override
    public TypeReference<Optional<Map<String, String>>> answerType() {
      return new TypeReference<>() {};
    }
  }

  /** {@link Engine#logHistory(AppSpec, int)}. */
  record LogHistory(AppSpec spec, int lines) implements Query<List<EngineEvent.LogLine>> {
    @Override
    public TypeReference<List<EngineEvent.LogLine>> answerType() {
      return new TypeReference<>() {};
    }
  }

  /**
   * {@link Engine#trigger}: calls the action on each of the target's running workers that offers
   * it, as {@code pm2 trigger} does, and answers once each replied or gave up waiting.
   *
   * @param param given to an action that takes one ({@code io.action(name, (param, reply) => …)})
   */
  record Trigger(Target target, String action, Optional<String> param)
      implements Query<ActionResult> {
    @Override
    public TypeReference<ActionResult> answerType() {
      return new TypeReference<>() {};
    }
  }
}
