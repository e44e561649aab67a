package dev.pmfx.cli;

import dev.pmfx.daemon.ProcessTable;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineJson;
import dev.pmfx.engine.WorkerStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What scripts ask of the process list, as PM2 answers: prettylist, pid, id. */
final class LookupCommands {

  private LookupCommands() {}

  @Command(
      name = "prettylist",
      mixinStandardHelpOptions = true,
      description =
          "Prints every worker as JSON in pm2 jlist's shape, indented, as pm2 prettylist.")
  static final class Prettylist implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      try (RemoteEngine engine = Client.connect(spec.commandLine().getErr())) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(
            EngineJson.mapper()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(ProcessTable.json(engine.snapshot(), engine.lastSample())));
        out.flush();
        return Client.OK;
      }
    }
  }

  @Command(
      name = "pid",
      mixinStandardHelpOptions = true,
      description =
          "Prints the pids of the app's running workers (of every app without one), one a line,"
              + " as pm2 pid; a worker that does not run prints 0.")
  static final class Pid implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "APP", description = "an app, an id, or a namespace")
    String target;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (RemoteEngine engine = Client.connect(spec.commandLine().getErr())) {
        List<AppStatus> apps =
            target == null
                ? engine.snapshot()
                : dev.pmfx.engine.Target.apps(engine.snapshot(), target);
        if (target != null && apps.isEmpty()) {
          return Client.unknownTarget(spec.commandLine().getErr(), target);
        }
        for (AppStatus app : apps) {
          for (WorkerStatus w : app.workers()) {
            if (!(dev.pmfx.engine.Target.parse(target == null ? "all" : target)
                    instanceof dev.pmfx.engine.Target.WorkerId id)
                || id.id() == w.id()) {
              out.println(w.state().running() ? w.pid().orElse(0) : 0);
            }
          }
        }
        out.flush();
        return Client.OK;
      }
    }
  }

  @Command(
      name = "id",
      mixinStandardHelpOptions = true,
      description = "Prints the ids of the app's workers as pm2 id does: [ 0, 1 ].")
  static final class Id implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "an app's name")
    String name;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (RemoteEngine engine = Client.connect(spec.commandLine().getErr())) {
        List<AppStatus> apps =
            engine.snapshot().stream().filter(a -> a.name().equals(name)).toList();
        if (apps.isEmpty()) {
          return Client.unknownTarget(spec.commandLine().getErr(), name);
        }
        List<String> ids =
            apps.stream()
                .flatMap(app -> app.workers().stream())
                .map(w -> String.valueOf(w.id()))
                .toList();
        out.println(ids.isEmpty() ? "[]" : "[ " + String.join(", ", ids) + " ]");
        out.flush();
        return Client.OK;
      }
    }
  }
}
