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

  @Option(
      names = "--json",
      description =
          "each line as JSON, as pm2 logs --json prints it: message, timestamp, type (out or"
              + " err), process_id, app_name")
  boolean json;

  @Option(names = "--raw", description = "the lines alone, without the app's name before them")
  boolean raw;

  @Option(
      names = "--timestamp",
      arity = "0..1",
      paramLabel = "FORMAT",
      fallbackValue = "YYYY-MM-DD-HH:mm:ss",
      description =
          "the time before each line, in a moment.js FORMAT, which may be left out (default:"
              + " ${FALLBACK-VALUE}); a line read from a file has its file's time. As the FORMAT"
              + " is optional, the word after --timestamp is taken for it: write pmfx logs api"
              + " --timestamp, not pmfx logs --timestamp api (which reads api as the FORMAT)")
  String timestamp;

  @Spec CommandSpec spec;

  /** Worker ids by app and instance, for lines read from files. */
  private final java.util.Map<String, Integer> ids = new java.util.HashMap<>();

  /**
   * The apps' log_date_format: the time their files put before each line, which lines followed live
   * get too, as PM2 prints them.
   */
  private final java.util.Map<String, java.time.format.DateTimeFormatter> dated =
      new java.util.HashMap<>();

  /** {@code --timestamp}'s format, made once; empty without it. */
  private java.util.Optional<java.time.format.DateTimeFormatter> dates = java.util.Optional.empty();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (RemoteEngine engine = Client.connect(spec.commandLine().getErr())) {
      List<AppStatus> apps = dev.pmfx.engine.Target.apps(engine.snapshot(), target);
      if (apps.isEmpty() && !target.equals("all")) {
        return Client.unknownTarget(err, target);
      }
      dates =
          java.util.Optional.ofNullable(timestamp)
              .map(dev.pmfx.logs.MomentFormat::toFormatter)
              .map(f -> f.withZone(java.time.ZoneId.systemDefault()));
      Set<String> names = Set.copyOf(apps.stream().map(AppStatus::name).toList());
      for (AppStatus app : apps) {
        app.workers().forEach(w -> ids.put(w.label(), w.id()));
        app.spec()
            .logDateFormat()
            .map(dev.pmfx.logs.MomentFormat::toFormatter)
            .ifPresent(f -> dated.put(app.name(), f.withZone(java.time.ZoneId.systemDefault())));
      }
      // A worker id names that worker's lines alone, as in PM2.
      java.util.OptionalInt instance =
          Client.isWorkerTarget(target)
              ? apps.stream()
                  .flatMap(a -> a.workers().stream())
                  .filter(w -> w.id() == Integer.parseInt(target))
                  .mapToInt(dev.pmfx.engine.WorkerStatus::instance)
                  .findFirst()
              : java.util.OptionalInt.empty();
      // the daemon's own log is a file of its home: on the host, for --host, which this cannot read
      if (target.equals("all") && !raw && !json && !Client.remote()) {
        // as pm2 logs shows pm2.log first: what the daemon did to the workers, and why
        try {
          for (String said :
              dev.pmfx.logs.LogFile.lastLines(
                  dev.pmfx.daemon.Daemons.log(dev.pmfx.home.PmfxHome.current()), lines)) {
            out.println("daemon | " + said);
          }
        } catch (java.io.IOException e) {
          err.println("pmfx: cannot read the daemon's log: " + e.getMessage());
        }
      }
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

  /**
   * PM2's form: {@code id|app | line}, or {@code app-instance |} for lines from files of workers no
   * longer there.
   */
  private void print(PrintWriter out, EngineEvent.LogLine line) {
    boolean error = line.stream() == EngineEvent.LogLine.Stream.ERR;
    if (error ? outOnly : errOnly) {
      return;
    }
    if (json) {
      int id = line.workerId() >= 0 ? line.workerId() : ids.getOrDefault(line.label(), -1);
      out.println(
          dev.pmfx.logs.JsonLine.format(
              line.text(), line.at(), error ? "err" : "out", id, line.app(), dates));
      return;
    }
    String time = dates.map(f -> f.format(line.at()) + " ").orElse("");
    // A line from a file has the app's log_date_format time in its text already.
    java.time.format.DateTimeFormatter appDates = dated.get(line.app());
    String text =
        line.workerId() >= 0 && appDates != null
            ? appDates.format(line.at()) + ": " + line.text()
            : line.text();
    if (raw) {
      out.println(time + text);
      return;
    }
    int id = line.workerId() >= 0 ? line.workerId() : ids.getOrDefault(line.label(), -1);
    String source = id >= 0 ? id + "|" + line.app() : line.label();
    out.println(time + source + (error ? " ERR | " : " | ") + text);
  }
}
