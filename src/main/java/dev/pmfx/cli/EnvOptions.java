package dev.pmfx.cli;

import dev.pmfx.engine.EnvUpdate;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --update-env} and {@code --env NAME}, as {@code pm2 restart} and {@code reload} take them.
 */
final class EnvOptions {

  @Option(
      names = "--update-env",
      description =
          "give the workers this shell's environment instead of the one they started with"
              + " (a variable not set here is gone from them)")
  boolean updateEnv;

  @Option(
      names = "--env",
      paramLabel = "NAME",
      description = "use the app's env_NAME over env from now on")
  String envName;

  /** What the command changes in the workers' environment. */
  EnvUpdate update() {
    return new EnvUpdate(
        updateEnv ? Optional.of(System.getenv()) : Optional.empty(), Optional.ofNullable(envName));
  }
}
