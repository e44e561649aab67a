package dev.pmfx.cli;

import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description =
        "Prints the last lines of the target's log files (every app's without one), then follows"
            + " what its workers write until Ctrl-C, as pm2 logs does.")
final class LogsCommand implements Callable<Integer> {

  @Parameters(
      arity = "0..1",
      paramLabel = "TARGET",
      description = "an app, an id, a namespace, or all")
  String target = "all";

  @Option(
      names = "--lines",
      paramLabel = "N",
      description = "lines of each file to print first (default: ${DEFAULT-VALUE})")
  int lines = 15;

  @Option(names = "--nostream", description = "print the last lines and end, without following")
  boolean noStream;

  @Option(names = "--err", description = "stderr only")
  boolean errOnly;

  @Option(names = "--out", description = "stdout only")
  boolean outOnly;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (RemoteEngine engine = Client.connect(spec.commandLine().getErr())) {
      List<AppStatus> apps = dev.pmfx.engine.Target.apps(engine.snapshot(), target);
      if (apps.isEmpty() && !target.equals("all")) {
        err.println("pmfx: " + target + ": no app, worker id or namespace '" + target + "'");
        return Client.FAILED;
      }
      Set<String> names = Set.copyOf(apps.stream().map(AppStatus::name).toList());
      // A worker id names that worker's lines alone, as in PM2.
      java.util.OptionalInt instance =
          Client.isWorkerTarget(target)
              ? apps.stream()
                  .flatMap(a -> a.workers().stream())
                  .filter(w -> w.id() == Integer.parseInt(target))
                  .mapToInt(dev.pmfx.engine.WorkerStatus::instance)
                  .findFirst()
              : java.util.OptionalInt.empty();
      for (AppStatus app : apps) {
        for (EngineEvent.LogLine line : engine.logHistory(app.spec(), lines).join()) {
          if (instance.isEmpty() || line.instance() == instance.getAsInt()) {
            print(out, line);
          }
        }
      }
      out.flush();
      if (noStream) {
        return Client.OK;
      }
      EventPrinter.say(
          out, "following " + (target.equals("all") ? "every app" : target) + "; Ctrl-C ends");
      CountDownLatch gone = new CountDownLatch(1);
      engine.disconnected().thenRun(gone::countDown);
      try (Engine.Subscription subscription =
          engine.subscribe(
              new EngineListener() {
                @Override
                public void onSnapshot(List<AppStatus> snapshot) {}

                @Override
                public void onEvent(EngineEvent event) {
                  if (event instanceof EngineEvent.LogLine line
                      && (names.contains(line.app()) || target.equals("all"))
                      && (!Client.isWorkerTarget(target)
                          || Integer.parseInt(target) == line.workerId())) {
                    print(out, line);
                    out.flush();
                  }
                }
              })) {
        gone.await();
      }
      err.println("pmfx: the daemon ended");
      return Client.UNREACHABLE;
    }
  }

  /** PM2's form: {@code id|app | line}, or {@code app-instance |} for lines from files. */
  private void print(PrintWriter out, EngineEvent.LogLine line) {
    boolean error = line.stream() == EngineEvent.LogLine.Stream.ERR;
    if (error ? outOnly : errOnly) {
      return;
    }
    String source = line.workerId() >= 0 ? line.workerId() + "|" + line.app() : line.label();
    out.println(source + (error ? " ERR | " : " | ") + line.text());
  }
}
