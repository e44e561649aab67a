package dev.pmfx.cli;

import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.supervisor.Supervisor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Runs an ecosystem file's apps in the foreground, like pm2-runtime: prints their state"
            + " changes and output, stops them all gracefully on Ctrl-C or SIGTERM (exit 0), and"
            + " reloads them on SIGHUP (cluster apps worker by worker, without downtime). A script"
            + " runs as one app, with pmfx start's options.")
final class RunCommand implements Callable<Integer> {

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE|SCRIPT",
      description =
          "the ecosystem file (or its folder), or a script or command as pmfx start takes it"
              + " (pm2-runtime app.js -i max); a script's arguments follow --")
  List<String> what;

  @picocli.CommandLine.Mixin StartOptions app;

  @Option(names = "--env", paramLabel = "NAME", description = "use env_NAME over env")
  String envName;

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "APP",
      description = "start only these apps (comma-separated)")
  Set<String> only = Set.of();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException, java.io.IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> original = spec.commandLine().getParseResult().originalArgs();
    int dash = original.indexOf("--");
    List<String> scriptArgs =
        dash < 0 ? List.of() : List.copyOf(original.subList(dash + 1, original.size()));
    List<String> words = what.subList(0, what.size() - scriptArgs.size());
    if (words.size() != 1) {
      err.println(
          "pmfx: run takes one file or script; a script's arguments follow --, as in"
              + " 'pmfx run app.js -i max -- --port 3000'");
      return 2;
    }
    Path file = Path.of(words.getFirst());
    if (!Files.isDirectory(file) && !ControlCommands.Start.ecosystemFile(file)) {
      String script;
      if (Files.exists(file)) {
        script = file.toAbsolutePath().normalize().toString();
      } else if (words.getFirst().strip().contains(" ")
          || dev.pmfx.config.SearchPath.find(
                  words.getFirst(), System.getenv().getOrDefault("PATH", ""))
              .isPresent()) {
        script = words.getFirst().strip();
      } else {
        err.println("pmfx: " + file.toAbsolutePath() + ": file not found");
        return 1;
      }
      String name = app.name != null ? app.name : dev.pmfx.config.AppSpec.defaultName(script);
      file = app.write(script, name, scriptArgs);
    }
    LoadResult loaded = EcosystemLoader.forThisMachine().load(file);
    loaded.diagnostics().forEach(d -> err.println(d.format()));
    if (!(loaded instanceof LoadResult.Loaded ecosystem)) {
      err.println(file + ": not started; fix the errors above");
      err.flush();
      return 1;
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (Supervisor engine =
        Supervisor.create(PmfxHome.current(), dev.pmfx.config.EcosystemLoader::loadOnThisMachine)) {
      engine.subscribe(new EventPrinter(out, err, app -> true, true));
      SignalHandler stopping = s -> stop.countDown();
      if (Signal.handle(new Signal("INT"), stopping) == SignalHandler.SIG_IGN) {
        // A shell starts a script's background job ('pmfx run app.js &') with SIGINT ignored,
        // and the JVM then installs no handler: take the signal back, as pm2-runtime has it.
        dev.pmfx.posix.Signals.restoreDefault("SIGINT");
        Signal.handle(new Signal("INT"), stopping);
      }
      Signal.handle(new Signal("TERM"), stopping);
      SignalHandler hup =
          Signal.handle(
              new Signal("HUP"),
              s -> {
                say(out, "SIGHUP: reloading every app");
                engine.reload("all").thenAccept(result -> report(out, err, result));
              });
      if (hup == SignalHandler.SIG_IGN) {
        // The JVM leaves a signal ignored when it starts ignored: nohup's SIGHUP, for one.
        say(
            err,
            "SIGHUP is ignored here (started with nohup?), so it cannot reload the apps;"
                + " start with env --default-signal=HUP to have it");
      }
      CommandResult started =
          engine.start(ecosystem.ecosystem(), Optional.ofNullable(envName), only).join();
      report(out, err, started);
      stop.await();
      say(out, "stopping every app");
      engine.close();
    }
    say(out, "all stopped");
    return 0;
  }

  private static void report(PrintWriter out, PrintWriter err, CommandResult result) {
    for (CommandResult.Problem problem : result.problems()) {
      err.println("pmfx  | " + problem.app() + ": " + problem.message());
    }
    err.flush();
    out.flush();
  }

  private static void say(PrintWriter out, String message) {
    EventPrinter.say(out, message);
  }
}
