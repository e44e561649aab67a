package dev.pmfx.engine;

import java.util.Map;
import java.util.Optional;

/**
 * What a restart or reload changes in its workers' environment, as {@code --update-env} and {@code
 * --env NAME} ask: the environment of the shell that asked, which replaces the one the workers had
 * (a variable gone from the shell is gone from the workers), and the {@code env_<name>} block to
 * use. Empty: the workers keep what they had.
 */
public record EnvUpdate(Optional<Map<String, String>> environment, Optional<String> envName) {

  /** Nothing changes. */
  public static final EnvUpdate NONE = new EnvUpdate(Optional.empty(), Optional.empty());

  public EnvUpdate {
    environment = environment.map(Map::copyOf);
  }

  /**
   * The caller's environment replaces the workers', and {@code envName}'s block applies if given.
   */
  public static EnvUpdate of(Map<String, String> environment, Optional<String> envName) {
    return new EnvUpdate(Optional.of(environment), envName);
  }
}
