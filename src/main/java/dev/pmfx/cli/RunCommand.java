package dev.pmfx.cli;

import dev.pmfx.PmfxHome;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.LocalEngine;
import java.io.PrintWriter;
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
            + " reloads them on SIGHUP (cluster apps worker by worker, without downtime).")
final class RunCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", description = "the ecosystem file (or its folder)")
  Path file;

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
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LoadResult loaded = EcosystemLoader.forThisMachine().load(file);
    loaded.diagnostics().forEach(d -> err.println(d.format()));
    if (!(loaded instanceof LoadResult.Loaded ecosystem)) {
      err.println(file + ": not started; fix the errors above");
      err.flush();
      return 1;
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (LocalEngine engine = LocalEngine.create(PmfxHome.current())) {
      engine.subscribe(new Printer(out, err));
      if (Signal.handle(new Signal("INT"), s -> stop.countDown()) == SignalHandler.SIG_IGN) {
        say(err, "SIGINT is ignored here (a script's background job?): stop with SIGTERM");
      }
      Signal.handle(new Signal("TERM"), s -> stop.countDown());
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
    synchronized (out) {
      out.println("pmfx  | " + message);
      out.flush();
    }
  }

  /** Prints what the engine says: state changes and every line, prefixed by app and instance. */
  private record Printer(PrintWriter out, PrintWriter err) implements EngineListener {
    @Override
    public void onSnapshot(List<AppStatus> apps) {}

    @Override
    public void onEvent(EngineEvent event) {
      switch (event) {
        case EngineEvent.LogLine line -> {
          if (line.stream() == EngineEvent.LogLine.Stream.ERR && line.text().startsWith("pmfx: ")) {
            // pmfx's own note about the worker, not the worker's output
            say(err, line.app() + "-" + line.instance() + ": " + line.text().substring(6));
            return;
          }
          PrintWriter to = line.stream() == EngineEvent.LogLine.Stream.ERR ? err : out;
          to.println(line.app() + "-" + line.instance() + " | " + line.text());
          to.flush();
        }
        case EngineEvent.WorkerChanged changed ->
            say(
                out,
                changed.worker().name()
                    + "-"
                    + changed.worker().instance()
                    + " "
                    + changed.worker().state().label()
                    + ": "
                    + changed.reason());
        case EngineEvent.RolloutChanged rollout ->
            say(
                rollout.phase() == EngineEvent.RolloutChanged.Phase.FAILED ? err : out,
                rollout.app()
                    + " "
                    + rollout.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " "
                    + rollout.phase().name().toLowerCase(java.util.Locale.ROOT)
                    + (rollout.detail().isEmpty() ? "" : ": " + rollout.detail()));
        case EngineEvent.RolloutStep step -> {
          if (step.status().over()) {
            // Steps print as they end, with what they took.
            say(
                step.status() == EngineEvent.RolloutStep.Status.FAILED ? err : out,
                step.app()
                    + "-"
                    + step.instance()
                    + " #"
                    + step.workerId()
                    + " "
                    + step.step().name().toLowerCase(java.util.Locale.ROOT)
                    + " "
                    + step.status().name().toLowerCase(java.util.Locale.ROOT)
                    + " in "
                    + java.time.Duration.between(step.started(), step.at()).toMillis()
                    + " ms: "
                    + step.detail());
          }
        }
        case EngineEvent.WorkerRemoved removed ->
            say(out, removed.app() + " #" + removed.workerId() + " removed: " + removed.reason());
        case EngineEvent.AppUpdated updated -> {}
        case EngineEvent.AppAdded added -> {}
        case EngineEvent.AppRemoved removed -> {}
        case EngineEvent.MetricsSample sample -> {}
      }
    }
  }
}
