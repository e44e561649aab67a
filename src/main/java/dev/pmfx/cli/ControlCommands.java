package dev.pmfx.cli;

import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.daemon.ProcessTable;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.EnvUpdate;
import dev.pmfx.engine.Scale;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** PM2's commands that act on apps through the daemon: start, stop, restart, reload, and so on. */
final class ControlCommands {

  private ControlCommands() {}

  /** After a command: the table, as PM2 prints it. */
  static void table(PrintWriter out, Engine engine) {
    out.print(ProcessTable.render(engine.snapshot(), engine.lastSample(), Instant.now()));
    out.flush();
  }

  @Command(
      name = "start",
      aliases = {"startOrReload", "startOrRestart", "startOrGracefulReload"},
      mixinStandardHelpOptions = true,
      description = {
        "Starts an ecosystem file's apps, a script or a command as a new app (a program on PATH, or"
            + " a command line in quotes, run by the shell), or known apps again (a name, an id, a"
            + " namespace, or all), in the daemon; prints the process table.",
        "A script's app is written to PMFX_HOME/apps/NAME.config.json, which reload reads again.",
        "A file's apps that run already are reloaded (pm2 restarts them), reading the file again."
      })
  static final class Start implements Callable<Integer> {
    @Parameters(
        arity = "1..*",
        paramLabel = "FILE|SCRIPT|COMMAND|TARGET",
        description = "what to start; a script's or command's arguments follow --")
    List<String> what;

    /** --env NAME for the apps it starts; with --update-env, for those it reloads too. */
    @picocli.CommandLine.Mixin EnvOptions env;

    @Option(
        names = "--only",
        split = ",",
        paramLabel = "APP",
        description = "of a file, only these apps")
    Set<String> only = Set.of();

    @picocli.CommandLine.Mixin StartOptions app;

    @Spec CommandSpec spec;

    private List<String> scriptArgs = List.of();

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<String> original = spec.commandLine().getParseResult().originalArgs();
      int dash = original.indexOf("--");
      if (dash >= 0) { // what follows -- is the script's, not more things to start
        scriptArgs = List.copyOf(original.subList(dash + 1, original.size()));
        what = what.subList(0, what.size() - scriptArgs.size());
      }
      int code = Client.OK;
      try (RemoteEngine engine = Client.connect(err)) {
        for (String one : what) {
          code = Math.max(code, start(engine, one, out, err));
        }
        Client.awaitSettled(engine);
        table(out, engine);
      }
      return code;
    }

    /**
     * One thing to start: a known app (PM2 looks at names first), a file, a script, or a command (a
     * program on PATH, or a command line with spaces).
     */
    private int start(RemoteEngine engine, String one, PrintWriter out, PrintWriter err)
        throws IOException {
      List<AppStatus> apps = engine.snapshot();
      Path path = Path.of(one);
      boolean renamed = this.app.name != null && !this.app.name.equals(one);
      if (!renamed && (!dev.pmfx.engine.Target.apps(apps, one).isEmpty() || one.equals("all"))) {
        // with --name, the word is the script: pmfx start npm --name web -- start
        return Client.report(err, Client.await(engine.start(one)));
      }
      String script;
      if (Files.exists(path)) {
        if (Files.isDirectory(path) || ecosystemFile(path)) {
          script = null;
        } else {
          script = path.toAbsolutePath().normalize().toString();
        }
      } else if (command(one)) {
        script = one.strip();
      } else if (looksLikeAFile(one)) {
        err.println("pmfx: " + path.toAbsolutePath() + ": file not found");
        return Client.FAILED;
      } else {
        err.println(
            "pmfx: "
                + one
                + ": no app of that name, no such file, and no such command on PATH ("
                + System.getenv().getOrDefault("PATH", "")
                + ")");
        return Client.FAILED;
      }
      if (script != null && Client.remote()) {
        // its ecosystem file would be written here, and a reload on the host reads it again there
        err.println(
            "pmfx: "
                + one
                + ": with --host, start takes an app the host knows or an ecosystem file whose"
                + " paths are the host's (docs/hosts.md); write the script into such a file");
        return Client.FAILED;
      }
      if (script != null) {
        String app =
            this.app.name != null ? this.app.name : dev.pmfx.config.AppSpec.defaultName(script);
        boolean running =
            apps.stream()
                .filter(a -> a.name().equals(app))
                .flatMap(a -> a.workers().stream())
                .anyMatch(w -> w.state().running());
        if (running && this.app.force) { // as pm2 start -f, which starts it once more
          EventPrinter.say(out, app + " runs already: -f deletes it, to start it as asked");
          Client.report(err, Client.await(engine.delete(app)));
          apps = engine.snapshot();
        } else if (running) { // its file stays as it is, for the app that runs
          err.println(
              "pmfx: "
                  + app
                  + ": already running; restart or reload it, delete it first, or start it with -f");
          return Client.FAILED;
        }
        path = this.app.write(script, app, scriptArgs);
      }
      LoadResult loaded = EcosystemLoader.forThisMachine().load(path);
      loaded.diagnostics().forEach(d -> err.println(d.format()));
      if (!(loaded instanceof LoadResult.Loaded ecosystem)) {
        err.println("pmfx: " + path + ": nothing started; fix the errors above");
        err.flush();
        return Client.FAILED;
      }
      // As pm2 start does with a file whose apps run already (it restarts them), and without
      // downtime: those are reloaded, which reads the file again; the others start.
      Set<String> running =
          apps.stream()
              .filter(a -> a.workers().stream().anyMatch(w -> w.state().running()))
              .map(AppStatus::name)
              .collect(java.util.stream.Collectors.toSet());
      Set<String> asked =
          ecosystem.ecosystem().apps().stream()
              .map(dev.pmfx.config.AppSpec::name)
              .filter(n -> only.isEmpty() || only.contains(n))
              .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
      Set<String> toStart = new java.util.LinkedHashSet<>(asked);
      toStart.removeAll(running);
      int code = Client.OK;
      if (!toStart.isEmpty() || asked.isEmpty()) {
        code =
            Client.report(
                err,
                Client.await(
                    engine.start(
                        ecosystem.ecosystem(),
                        Optional.ofNullable(env.envName),
                        asked.isEmpty() ? only : toStart)));
      }
      Path file = ecosystem.ecosystem().file();
      for (String app : asked) {
        if (running.contains(app)) {
          EventPrinter.say(out, app + " runs already: reloading it from " + file);
          EnvUpdate update = env.update();
          code =
              Math.max(
                  code,
                  printingSteps(engine, out, err, app, () -> engine.reloadFrom(app, file, update)));
        }
      }
      return code;
    }

    /** A word that names a file rather than an app: a path, or a script's extension. */
    private static boolean looksLikeAFile(String word) {
      return word.contains("/")
          || word.matches(
              ".*\\.(js|cjs|mjs|ts|json|ya?ml|py|rb|sh|php|pl|java|jar|exe|mts|cts|tsx|coffee)");
    }

    /** A command as PM2 takes one: a command line with spaces, or a program on PATH. */
    private static boolean command(String word) {
      return word.strip().chars().anyMatch(Character::isWhitespace)
          || (!word.contains("/")
              && dev.pmfx.config.SearchPath.find(word, System.getenv().getOrDefault("PATH", ""))
                  .isPresent());
    }

    /** PM2's rule: a .json, .yml or .yaml file, or a *.config.js/cjs/mjs one, holds apps. */
    static boolean ecosystemFile(Path path) {
      String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
      return file.endsWith(".json")
          || file.endsWith(".yml")
          || file.endsWith(".yaml")
          || file.matches(".*\\.config\\.[cm]?js")
          || EcosystemLoader.DEFAULT_NAMES.contains(file);
    }
  }

  /** A command on targets: each acted on in turn, every problem named, the table after. */
  abstract static class OnTargets implements Callable<Integer> {
    @Parameters(
        arity = "1..*",
        paramLabel = "TARGET",
        description =
            "an app, an id, a namespace, all, or an ecosystem file (.json .yml .yaml"
                + " *.config.js), which stands for its apps")
    List<String> targets;

    @Option(
        names = "--only",
        split = ",",
        paramLabel = "APP",
        description = "of an ecosystem file given as a target, only these apps (as pm2 --only)")
    Set<String> only = Set.of();

    @Spec CommandSpec spec;

    abstract CompletableFuture<CommandResult> act(Engine engine, String target);

    /** As {@link #act(Engine, String)}; {@code file} is the ecosystem file that named the app. */
    CompletableFuture<CommandResult> act(Engine engine, Named named) {
      return act(engine, named.target());
    }

    /** A target as given, or an app named by the ecosystem file given in its place. */
    record Named(String target, Optional<Path> file) {}

    /**
     * The targets, with an ecosystem file standing for its apps, or for those of them in {@code
     * only} when it names any.
     */
    static List<Named> namedApps(
        Engine engine, List<String> targets, Set<String> only, PrintWriter err) {
      List<AppStatus> apps = engine.snapshot();
      List<Named> named = new ArrayList<>();
      for (String target : targets) {
        Path file = Path.of(target);
        if (dev.pmfx.engine.Target.apps(apps, target).isEmpty() && Files.isRegularFile(file)) {
          LoadResult loaded = EcosystemLoader.forThisMachine().load(file);
          if (loaded instanceof LoadResult.Loaded ecosystem) {
            Optional<Path> from = Optional.of(ecosystem.ecosystem().file());
            ecosystem.ecosystem().apps().stream()
                .filter(app -> only.isEmpty() || only.contains(app.name()))
                .forEach(app -> named.add(new Named(app.name(), from)));
            continue;
          }
          loaded.diagnostics().forEach(d -> err.println(d.format()));
        }
        named.add(new Named(target, Optional.empty()));
      }
      return named;
    }

    /** Whether reload and scale steps print as they end. */
    boolean printsSteps() {
      return false;
    }

    /** Whether the targets stop: then apps that depend_on others go first, as one stop does. */
    boolean stops() {
      return false;
    }

    /**
     * The {@code --env} of a command that starts the apps an ecosystem file given as a target has
     * and the daemon does not know yet, as pm2 restart and reload do with a file (a first deploy's
     * {@code pmfx reload ecosystem.config.js --env production}); empty for the others, which leave
     * such apps alone.
     */
    Optional<Optional<String>> startsNewApps() {
      return Optional.empty();
    }

    /**
     * Starts the apps of the files given as targets that the daemon does not know, with {@code
     * env}; returns those left to act on, and the exit code so far.
     */
    private List<Named> startNew(
        RemoteEngine engine, List<Named> all, Optional<String> env, PrintWriter out, int[] code) {
      Set<String> known =
          engine.snapshot().stream()
              .map(AppStatus::name)
              .collect(java.util.stream.Collectors.toSet());
      java.util.Map<Path, Set<String>> fresh = new java.util.LinkedHashMap<>();
      for (Named named : all) {
        if (named.file().isPresent() && !known.contains(named.target())) {
          fresh
              .computeIfAbsent(named.file().get(), f -> new java.util.LinkedHashSet<>())
              .add(named.target());
        }
      }
      PrintWriter err = spec.commandLine().getErr();
      fresh.forEach(
          (file, names) -> {
            LoadResult again = EcosystemLoader.forThisMachine().load(file);
            if (again instanceof LoadResult.Loaded loaded) {
              EventPrinter.say(
                  out, String.join(", ", names) + " not running yet: starting from " + file);
              code[0] =
                  Math.max(
                      code[0],
                      Client.report(
                          err, Client.await(engine.start(loaded.ecosystem(), env, names))));
            } else { // it loaded a moment ago: a .js file that reads what changed since
              again.diagnostics().forEach(d -> err.println(d.format()));
              err.println(
                  "pmfx: "
                      + file
                      + ": "
                      + String.join(", ", names)
                      + " not started; fix the errors above");
              code[0] = Client.FAILED;
            }
          });
      return all.stream()
          .filter(
              n ->
                  !(n.file().isPresent()
                      && fresh.getOrDefault(n.file().get(), Set.of()).contains(n.target())))
          .toList();
    }

    /**
     * The apps in the order a stop takes them, as one stop of them all does ({@link
     * dev.pmfx.config.Dependency#stopOrder}): an app another target depends on comes after it (web
     * before db); the rest as given.
     */
    static List<Named> dependentsFirst(List<Named> named, List<AppStatus> apps) {
      // the stop order of the reversed list keeps the given order where no dependency decides
      List<String> order =
          dev.pmfx.config.Dependency.stopOrder(
              named.stream().map(Named::target).distinct().toList().reversed(),
              dev.pmfx.config.Dependency.edges(apps.stream().map(AppStatus::spec).toList()));
      return order.stream()
          .flatMap(target -> named.stream().filter(n -> n.target().equals(target)))
          .toList();
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      int code = Client.OK;
      try (RemoteEngine engine = Client.connect(err)) {
        List<Named> all = namedApps(engine, targets, only, err);
        List<String> unknown =
            only.stream()
                .filter(
                    name ->
                        all.stream()
                            .noneMatch(n -> n.file().isPresent() && n.target().equals(name)))
                .sorted()
                .toList();
        if (!unknown.isEmpty()) {
          err.println(
              "pmfx: --only names "
                  + String.join(", ", unknown)
                  + ", which no ecosystem file given as a target has: --only picks apps of a"
                  + " file (pmfx reload ecosystem.config.js --only api)");
          return Client.USAGE;
        }
        Optional<Optional<String>> starting = startsNewApps();
        List<Named> acted = all;
        if (starting.isPresent()) {
          int[] started = {code};
          acted = startNew(engine, all, starting.get(), out, started);
          code = started[0];
        }
        for (Named named : stops() ? dependentsFirst(acted, engine.snapshot()) : acted) {
          String target = named.target();
          if (printsSteps()) {
            code =
                Math.max(code, printingSteps(engine, out, err, target, () -> act(engine, named)));
          } else {
            CommandResult result = Client.await(act(engine, named));
            say(out, result);
            code = Math.max(code, Client.report(err, result));
          }
        }
        table(out, engine);
      }
      return code;
    }

    private void say(PrintWriter out, CommandResult result) {
      if (!result.workers().isEmpty()) {
        EventPrinter.say(
            out,
            spec.name()
                + " "
                + String.join(" ", targets)
                + ": workers "
                + String.join(", ", result.workers().stream().map(String::valueOf).toList()));
      }
    }
  }

  /**
   * Runs a reload or a scale of {@code target}, printing its steps as they end, and its problems; 0
   * when it succeeded, else 1.
   */
  static int printingSteps(
      Engine engine,
      PrintWriter out,
      PrintWriter err,
      String target,
      java.util.function.Supplier<CompletableFuture<CommandResult>> command) {
    Set<String> apps =
        Set.copyOf(
            dev.pmfx.engine.Target.apps(engine.snapshot(), target).stream()
                .map(AppStatus::name)
                .toList());
    Set<String> over = ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> allOver = new CompletableFuture<>();
    EventPrinter printer = new EventPrinter(out, err, apps::contains, false);
    try (Engine.Subscription subscription =
        engine.subscribe(
            new EngineListener() {
              @Override
              public void onSnapshot(List<AppStatus> snapshot) {}

              @Override
              public void onEvent(EngineEvent event) {
                printer.onEvent(event);
                if (event instanceof EngineEvent.RolloutChanged changed
                    && (changed.phase() == EngineEvent.RolloutChanged.Phase.DONE
                        || changed.phase() == EngineEvent.RolloutChanged.Phase.FAILED)
                    && over.add(changed.app())
                    && over.containsAll(apps)) {
                  allOver.complete(null);
                }
              }
            })) {
      CommandResult result = Client.await(command.get());
      // The last steps' events may come just after the result: they print before the table.
      allOver.completeOnTimeout(null, 2, TimeUnit.SECONDS).join();
      return Client.report(err, result);
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description =
          "Stops the targets' workers gracefully: kill_signal, SIGKILL after kill_timeout.")
  static final class Stop extends OnTargets {
    @Override
    CompletableFuture<CommandResult> act(Engine engine, String target) {
      return engine.stop(target);
    }

    @Override
    boolean stops() {
      return true;
    }
  }

  @Command(
      name = "restart",
      mixinStandardHelpOptions = true,
      description = "Stops the targets' workers gracefully, then starts them again.")
  static final class Restart extends OnTargets {
    @picocli.CommandLine.Mixin EnvOptions env;

    @Override
    CompletableFuture<CommandResult> act(Engine engine, String target) {
      return engine.restart(target, env.update());
    }

    @Override
    Optional<Optional<String>> startsNewApps() {
      return Optional.of(Optional.ofNullable(env.envName));
    }
  }

  @Command(
      name = "reload",
      mixinStandardHelpOptions = true,
      description =
          "Reads each target app's file again and replaces its workers one at a time (cluster"
              + " mode: without downtime), printing each step as it ends; a new worker that fails"
              + " leaves the old ones serving and the exit code 1.")
  static final class Reload extends OnTargets {
    @picocli.CommandLine.Mixin EnvOptions env;

    @Override
    CompletableFuture<CommandResult> act(Engine engine, String target) {
      return engine.reload(target, env.update());
    }

    @Override
    Optional<Optional<String>> startsNewApps() {
      return Optional.of(Optional.ofNullable(env.envName));
    }

    /** An app named by a file given in its place is read from that file from now on. */
    @Override
    CompletableFuture<CommandResult> act(Engine engine, Named named) {
      return named
          .file()
          .map(file -> engine.reloadFrom(named.target(), file, env.update()))
          .orElseGet(() -> act(engine, named.target()));
    }

    @Override
    boolean printsSteps() {
      return true;
    }
  }

  @Command(
      name = "reset",
      mixinStandardHelpOptions = true,
      description = "Sets the targets' restart counts (the table's ↺) back to 0, as pm2 reset.")
  static final class Reset extends OnTargets {
    @Override
    CompletableFuture<CommandResult> act(Engine engine, String target) {
      return engine.reset(target);
    }
  }

  @Command(
      name = "delete",
      aliases = "del",
      mixinStandardHelpOptions = true,
      description = "Stops the targets' workers and forgets their apps.")
  static final class Delete extends OnTargets {
    @Override
    CompletableFuture<CommandResult> act(Engine engine, String target) {
      return engine.delete(target);
    }

    @Override
    boolean stops() {
      return true;
    }
  }

  @Command(
      name = "flush",
      mixinStandardHelpOptions = true,
      description = "Empties the targets' log files (all apps' without a target).")
  static final class Flush implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "TARGET")
    List<String> targets = new ArrayList<>(List.of("all"));

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      int code = Client.OK;
      try (RemoteEngine engine = Client.connect(err)) {
        for (String target : targets) {
          CommandResult result = Client.await(engine.flush(target));
          code = Math.max(code, Client.report(err, result));
          if (result.ok()) {
            EventPrinter.say(out, "flushed the logs of " + target);
          }
        }
      }
      return code;
    }
  }

  @Command(
      name = "scale",
      mixinStandardHelpOptions = true,
      description =
          "Scales a cluster app to N workers, or by +N or -N: new workers start and become ready one"
              + " at a time, removed ones are drained first; prints each step as it ends.")
  static final class ScaleApp implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "N|+N|-N")
    String count;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Scale scale;
      try {
        scale = Scale.parse(count);
      } catch (IllegalArgumentException e) {
        err.println("pmfx: " + e.getMessage());
        return 2;
      }
      try (RemoteEngine engine = Client.connect(err)) {
        int code = printingSteps(engine, out, err, app, () -> engine.scale(app, scale));
        table(out, engine);
        return code;
      }
    }
  }
}
