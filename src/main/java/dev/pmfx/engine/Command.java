package dev.pmfx.engine;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.pmfx.config.Ecosystem;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the engine is asked to do, each answered with a {@link CommandResult}: one record a command,
 * so a window, a CLI, the daemon's socket and every engine that passes commands on carry a new one
 * without a change. {@link Engine#run} takes them; the engine's named methods make them.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "command")
@JsonSubTypes({
  @JsonSubTypes.Type(Command.Start.class),
  @JsonSubTypes.Type(Command.StartTarget.class),
  @JsonSubTypes.Type(Command.Stop.class),
  @JsonSubTypes.Type(Command.Restart.class),
  @JsonSubTypes.Type(Command.Reload.class),
  @JsonSubTypes.Type(Command.ScaleApp.class),
  @JsonSubTypes.Type(Command.Delete.class),
  @JsonSubTypes.Type(Command.Flush.class),
  @JsonSubTypes.Type(Command.SendSignal.class),
  @JsonSubTypes.Type(Command.SendLine.class),
  @JsonSubTypes.Type(Command.Reset.class)
})
public sealed interface Command {

  /**
   * {@link Engine#start(Ecosystem, Optional, Set)}: with the environment of the shell that asked,
   * which the new workers get instead of pmfx's own (empty: pmfx's own), as PM2 gives its apps the
   * environment of the shell that ran {@code pm2 start}.
   */
  record Start(
      Ecosystem ecosystem,
      Optional<String> envName,
      Set<String> only,
      Map<String, String> environment)
      implements Command {
    public Start {
      environment = Map.copyOf(environment);
    }
  }

  /** {@link Engine#start(String)}. */
  record StartTarget(Target target) implements Command {}

  record Stop(Target target) implements Command {}

  record Restart(Target target, EnvUpdate update) implements Command {}

  /**
   * {@link Engine#reload}; {@code file}, when given, is the ecosystem file the apps are read from
   * from now on (as {@code pmfx start FILE} and {@code pmfx reload FILE} name it), instead of the
   * one they were started from.
   */
  record Reload(Target target, EnvUpdate update, Optional<java.nio.file.Path> file)
      implements Command {}

  record ScaleApp(String app, Scale scale) implements Command {}

  record Delete(Target target) implements Command {}

  record Flush(Target target) implements Command {}

  /**
   * {@link Engine#sendSignal}: the signal ({@code SIGUSR2}, {@code USR2}) to each running worker.
   */
  record SendSignal(String signal, Target target) implements Command {}

  /**
   * {@link Engine#sendLine}: the line, and a line ending, to each running worker's standard input.
   */
  record SendLine(Target target, String line) implements Command {}

  /** {@link Engine#reset}: each worker's restart count back to 0, as {@code pm2 reset}. */
  record Reset(Target target) implements Command {}
}
