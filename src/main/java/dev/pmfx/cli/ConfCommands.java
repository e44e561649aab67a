package dev.pmfx.cli;

import dev.pmfx.home.PmfxHome;
import dev.pmfx.logs.LogSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pmfx set|unset|get|conf}: the global settings, as {@code pm2 set pm2-logrotate:max_size
 * 50M} keeps them. They live in the home's {@code conf.properties}; the daemon reads them when a
 * worker starts and every {@code logrotate:workerInterval} seconds, so no command goes to it.
 */
final class ConfCommands {

  private ConfCommands() {}

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Stores a global setting, as pm2 set does: logrotate:max_size 50M, logrotate:retain 10,"
              + " logrotate:compress true, logrotate:rotateInterval '0 0 * * *', ... (pmfx conf"
              + " lists them). The daemon applies it within logrotate:workerInterval seconds.")
  static final class Set implements Callable<Integer> {

    @Parameters(
        index = "0",
        paramLabel = "KEY",
        description = "logrotate:KEY (or pm2-logrotate:KEY)")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "its value")
    String value;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return store(spec, key, Optional.of(value));
    }
  }

  @Command(
      name = "unset",
      mixinStandardHelpOptions = true,
      description = "Puts a global setting back to its default, as pm2 unset does.")
  static final class Unset implements Callable<Integer> {

    @Parameters(paramLabel = "KEY", description = "logrotate:KEY (or pm2-logrotate:KEY)")
    String key;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return store(spec, key, Optional.empty());
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description =
          "Prints a global setting's value in force, or every setting without KEY, as pm2 get"
              + " does.")
  static final class Get implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "KEY", description = "logrotate:KEY")
    String key;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return show(spec, Optional.ofNullable(key));
    }
  }

  @Command(
      name = "conf",
      mixinStandardHelpOptions = true,
      description =
          "Prints every global setting, or KEY's, or sets KEY to VALUE, as pm2 conf does; a"
              + " stored value that is not allowed is named, with the default used instead.")
  static final class Conf implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = "logrotate:KEY")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE", description = "a new value")
    String value;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (key != null && value != null) {
        return store(spec, key, Optional.of(value));
      }
      return show(spec, Optional.ofNullable(key));
    }
  }

  private static int store(CommandSpec spec, String key, Optional<String> value) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<String> problem =
        LogSettings.problem(key, value.orElseGet(() -> defaultOf(key).orElse("")));
    if (problem.isPresent()) {
      err.println("pmfx: " + problem.get());
      return Client.FAILED;
    }
    String name = LogSettings.key(key).orElseThrow().name();
    try {
      LogSettings.set(PmfxHome.current(), name, value);
    } catch (IOException e) {
      err.println(
          "pmfx: cannot write " + LogSettings.file(PmfxHome.current()) + ": " + e.getMessage());
      return Client.FAILED;
    }
    out.println(
        name
            + " = "
            + LogSettings.load(PmfxHome.current()).values().get(name)
            + (value.isEmpty() ? " (the default)" : "")
            + (name.equals("logrotate:rotateModule") ? " (pmfx runs no modules: no effect)" : ""));
    return Client.OK;
  }

  private static Optional<String> defaultOf(String key) {
    return LogSettings.key(key).map(LogSettings.Key::defaultValue);
  }

  private static int show(CommandSpec spec, Optional<String> key) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PmfxHome home = PmfxHome.current();
    Map<String, String> values = LogSettings.load(home).values();
    if (key.isPresent()) {
      Optional<LogSettings.Key> known = LogSettings.key(key.get());
      if (known.isEmpty()) {
        err.println("pmfx: " + LogSettings.problem(key.get(), "").orElseThrow());
        return Client.FAILED;
      }
      out.println(values.get(known.get().name()));
      return Client.OK;
    }
    Map<String, String> stored;
    try {
      stored = LogSettings.stored(home);
    } catch (IOException | IllegalArgumentException e) {
      err.println("pmfx: cannot read " + LogSettings.file(home) + ": " + e.getMessage());
      return Client.FAILED;
    }
    values.forEach(
        (name, value) -> {
          boolean set =
              stored.keySet().stream()
                  .anyMatch(
                      k ->
                          LogSettings.key(k)
                              .map(LogSettings.Key::name)
                              .filter(name::equals)
                              .isPresent());
          out.println(name + " = " + value + (set ? "" : " (default)"));
        });
    int problems = 0;
    for (Map.Entry<String, String> entry : stored.entrySet()) {
      Optional<String> problem = LogSettings.problem(entry.getKey(), entry.getValue());
      if (problem.isPresent()) {
        err.println(
            "pmfx: " + LogSettings.file(home) + ": " + problem.get() + "; the default is used");
        problems++;
      }
    }
    return problems == 0 ? Client.OK : Client.FAILED;
  }
}
