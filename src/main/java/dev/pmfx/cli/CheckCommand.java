package dev.pmfx.cli;

import dev.pmfx.config.AppOption;
import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Diagnostic;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.config.Runner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Checks ecosystem files: prints their apps as this machine resolves them, or every error"
            + " with its file, line and column. Exits 0 when all load, 1 otherwise.")
final class CheckCommand implements Callable<Integer> {

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "ecosystem files (.js .cjs .mjs .json .yaml .yml) or folders")
  List<Path> files;

  @Option(
      names = "--strict",
      description = "Count warnings (unknown keys, ignored PM2 options) as errors, for CI.")
  boolean strict;

  @Option(
      names = "--env",
      paramLabel = "NAME",
      description = "Check the apps as --env NAME starts them (env_NAME over env).")
  String envName;

  @Spec CommandSpec spec;

  private final EcosystemLoader loader;

  CheckCommand() {
    this(EcosystemLoader.forThisMachine());
  }

  CheckCommand(EcosystemLoader loader) {
    this.loader = loader;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean allLoaded = true;
    for (Path file : files) {
      LoadResult result = loader.load(file);
      for (Diagnostic d : result.diagnostics()) {
        err.println(d.format());
      }
      switch (result) {
        case LoadResult.Loaded loaded -> {
          // Ports two apps would both listen on, as started with --env: warnings of their own.
          List<String> shared = loaded.ecosystem().sharedPorts(Optional.ofNullable(envName));
          shared.forEach(clash -> err.println(loaded.file() + ": warning: " + clash));
          // Apps nothing here can run (a missing interpreter or runner): warnings too.
          List<String> unrunnable =
              loaded.ecosystem().apps().stream()
                  .filter(app -> runner(app).startsWith(CANNOT_RUN))
                  .map(app -> "app '" + app.name() + "' runs " + runner(app))
                  .toList();
          unrunnable.forEach(why -> err.println(loaded.file() + ": warning: " + why));
          // An --env no app has a block for: PM2 starts the apps with env alone, without a word.
          List<String> noEnv = missingEnv(loaded);
          noEnv.forEach(why -> err.println(loaded.file() + ": warning: " + why));
          int warnings =
              loaded.diagnostics().size() + shared.size() + unrunnable.size() + noEnv.size();
          if (strict && warnings > 0) {
            allLoaded = false;
            err.println(
                loaded.file()
                    + ": "
                    + count(warnings, "warning")
                    + ", which --strict counts as errors");
          } else {
            printApps(out, loaded);
          }
        }
        case LoadResult.Failed failed -> {
          allLoaded = false;
          long warnings = failed.diagnostics().size() - failed.errors().size();
          err.println(
              failed.file()
                  + ": "
                  + count(failed.errors().size(), "error")
                  + (warnings > 0 ? ", " + count((int) warnings, "warning") : "")
                  + "; nothing loaded");
        }
      }
      err.flush();
      out.flush();
    }
    return allLoaded ? 0 : 1;
  }

  private void printApps(PrintWriter out, LoadResult.Loaded loaded) {
    List<AppSpec> apps = loaded.ecosystem().apps();
    out.println(
        loaded.file()
            + ": "
            + count(apps.size(), "app")
            + " ("
            + count(loader.cores(), "core")
            + " here)");
    int nameWidth = apps.stream().mapToInt(a -> a.name().length()).max().orElse(4);
    for (AppSpec app : apps) {
      String instances = count(app.instances(), "instance");
      if (!app.instancesSetting().isEmpty()
          && !app.instancesSetting().equals(String.valueOf(app.instances()))) {
        instances += " (" + app.instancesSetting() + ")";
      }
      out.printf(
          "  %-" + nameWidth + "s  %-7s  %-19s  %s%n",
          app.name(),
          AppOption.EXEC_MODE.shown(app).orElseThrow(),
          instances,
          app.script() + (app.args().isEmpty() ? "" : " " + String.join(" ", app.args())));
      out.printf("  %" + nameWidth + "s  runs: %s%n", "", runner(app));
      if (envName != null) {
        out.printf("  %" + nameWidth + "s  env_%s: %s%n", "", envName, envChanges(app));
      }
      AppOption.BALANCER
          .shown(app)
          .ifPresent(b -> out.printf("  %" + nameWidth + "s  balancer: %s%n", "", b));
      app.healthCheck()
          .ifPresent(
              check -> out.printf("  %" + nameWidth + "s  health check: %s%n", "", check.words()));
      if (!app.dependsOn().isEmpty()) {
        out.printf(
            "  %" + nameWidth + "s  starts after: %s%n",
            "",
            AppOption.DEPENDS_ON.shown(app).orElseThrow());
      }
    }
    // the deploy section's environments, as pmfx deploy reads them
    for (dev.pmfx.config.DeployTarget target : loaded.ecosystem().deploy().values()) {
      out.printf(
          "  deploy %s: %s of %s into %s on %s%n",
          target.name(),
          target.ref(),
          target.repo(),
          target.path(),
          String.join(", ", target.hosts()));
    }
  }

  /** A warning when --env names a block no app of the file has; none otherwise. */
  private List<String> missingEnv(LoadResult.Loaded loaded) {
    List<AppSpec> apps = loaded.ecosystem().apps();
    if (envName == null || apps.stream().anyMatch(a -> a.envByName().containsKey(envName))) {
      return List.of();
    }
    List<String> names =
        apps.stream()
            .flatMap(a -> a.envByName().keySet().stream())
            .distinct()
            .map(n -> "env_" + n)
            .toList();
    return List.of(
        "no app in "
            + loaded.file().getFileName()
            + " has env_"
            + envName
            + (names.isEmpty()
                ? "; the apps have no env_NAME block, so --env " + envName + " changes nothing"
                : "; the apps have: " + String.join(", ", names)));
  }

  /**
   * What {@code --env NAME} changes in the app's env: each variable it sets or sets otherwise, with
   * values hidden as {@code pmfx env} hides them.
   */
  private String envChanges(AppSpec app) {
    if (!app.envByName().containsKey(envName)) {
      return "none (env alone)";
    }
    java.util.Map<String, String> plain = app.environment(Optional.empty());
    List<String> changed = new java.util.ArrayList<>();
    app.environment(Optional.of(envName))
        .forEach(
            (key, value) -> {
              if (!value.equals(plain.get(key))) {
                changed.add(key + "=" + (EnvCommand.secret(key) ? EnvCommand.HIDDEN : value));
              }
            });
    return changed.isEmpty() ? "changes nothing in env" : String.join(" ", changed);
  }

  /** What runs the app here, or why nothing can. */
  private String runner(AppSpec app) {
    java.util.Map<String, String> env = new java.util.HashMap<>(loader.environment());
    env.putAll(app.environment(Optional.ofNullable(envName)));
    return runner(app, env);
  }

  /**
   * What runs the app with this environment, as {@code pmfx check} and {@code pmfx describe} name
   * it ({@code tsx (/app/node_modules/.bin/tsx)}), or {@code nothing here: } and why nothing can.
   */
  static String runner(AppSpec app, java.util.Map<String, String> env) {
    try {
      return Runner.resolve(app, env).summary();
    } catch (Runner.Unavailable e) {
      return CANNOT_RUN + e.getMessage();
    }
  }

  private static final String CANNOT_RUN = "nothing here: ";

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
