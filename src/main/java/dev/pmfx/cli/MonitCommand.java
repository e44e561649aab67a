package dev.pmfx.cli;

import dev.pmfx.config.ByteSize;
import dev.pmfx.daemon.ProcessTable;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerRequests;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerUsage;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.WorkerStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "monit",
    mixinStandardHelpOptions = true,
    description =
        "A terminal view of every worker, redrawn each second: state, CPU with a bar, memory,"
            + " restarts, requests/s of cluster workers, and the last lines they wrote. Ctrl-C"
            + " ends it.")
final class MonitCommand implements Callable<Integer> {

  static final int LOG_LINES = 10;

  @Option(names = "--frames", paramLabel = "N", description = "end after N frames (default: never)")
  int frames = -1;

  @Option(
      names = "--interval",
      paramLabel = "MS",
      description = "between frames (default: ${DEFAULT-VALUE} ms)")
  long intervalMillis = 1000;

  @Spec CommandSpec spec;

  private final ArrayDeque<EngineEvent.LogLine> recent = new ArrayDeque<>();
  private final Map<Integer, Long> lastRequests = new HashMap<>();
  private Instant lastFrame;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    boolean terminal = System.console() != null;
    try (RemoteEngine engine = Client.connect(spec.commandLine().getErr());
        Engine.Subscription lines =
            engine.subscribe(
                new EngineListener() {
                  @Override
                  public void onSnapshot(List<AppStatus> apps) {}

                  @Override
                  public void onEvent(EngineEvent event) {
                    if (event instanceof EngineEvent.LogLine line) {
                      synchronized (recent) {
                        recent.addLast(line);
                        while (recent.size() > LOG_LINES) {
                          recent.removeFirst();
                        }
                      }
                    }
                  }
                })) {
      // What the workers wrote before, newest last, until their next lines come.
      List<EngineEvent.LogLine> earlier = new ArrayList<>();
      engine.snapshot().stream()
          .flatMap(app -> app.workers().stream())
          .forEach(w -> earlier.addAll(engine.tail(w.id(), LOG_LINES)));
      earlier.sort(java.util.Comparator.comparing(EngineEvent.LogLine::at));
      synchronized (recent) {
        earlier
            .subList(Math.max(0, earlier.size() - LOG_LINES), earlier.size())
            .reversed()
            .forEach(recent::addFirst);
        while (recent.size() > LOG_LINES) {
          recent.removeFirst();
        }
      }
      for (int frame = 0; frames < 0 || frame < frames; frame++) {
        if (engine.disconnected().isDone()) {
          spec.commandLine().getErr().println("pmfx: the daemon ended");
          return Client.UNREACHABLE;
        }
        String drawn = frame(engine.snapshot(), engine.lastSample(), Instant.now());
        out.print(terminal ? "\033[H\033[2J" + drawn : drawn + "\n");
        out.flush();
        if (frames < 0 || frame < frames - 1) {
          Thread.sleep(intervalMillis);
        }
      }
      return Client.OK;
    }
  }

  String frame(List<AppStatus> apps, Optional<EngineEvent.MetricsSample> sample, Instant now) {
    Map<Integer, WorkerUsage> usage = new HashMap<>();
    sample.ifPresent(s -> s.workers().forEach(u -> usage.put(u.workerId(), u)));
    double seconds =
        lastFrame == null
            ? 0
            : Math.max(0.001, (now.toEpochMilli() - lastFrame.toEpochMilli()) / 1000.0);
    lastFrame = now;
    List<List<String>> rows = new ArrayList<>();
    int workers = 0;
    for (AppStatus app : apps) {
      Map<Integer, WorkerRequests> requests = new HashMap<>();
      app.requests().forEach(r -> requests.put(r.workerId(), r));
      for (WorkerStatus w : app.workers()) {
        workers++;
        WorkerUsage u = w.state().running() ? usage.get(w.id()) : null;
        WorkerRequests r = requests.get(w.id());
        String rate = "";
        if (r != null) {
          Long before = lastRequests.put(w.id(), r.requests());
          rate =
              before == null || seconds == 0
                  ? "…"
                  : String.valueOf(Math.round((r.requests() - before) / seconds));
        }
        rows.add(
            List.of(
                w.id() + "|" + w.label(),
                w.state().label(),
                u == null ? "" : bar(u.cpuPercent()) + " " + Math.round(u.cpuPercent()) + "%",
                u == null ? "" : ByteSize.human(u.memoryBytes()),
                String.valueOf(w.restarts()),
                rate));
      }
    }
    StringBuilder text = new StringBuilder();
    text.append("pmfx monit · ")
        .append(apps.size())
        .append(apps.size() == 1 ? " app, " : " apps, ")
        .append(workers)
        .append(workers == 1 ? " worker · " : " workers · ")
        .append(LocalTime.now().truncatedTo(ChronoUnit.SECONDS))
        .append(" · Ctrl-C ends\n");
    text.append(ProcessTable.box(List.of("worker", "status", "cpu", "memory", "↺", "req/s"), rows));
    text.append("last lines:\n");
    synchronized (recent) {
      for (EngineEvent.LogLine line : recent) {
        text.append(line.workerId())
            .append('|')
            .append(line.app())
            .append(line.stream() == EngineEvent.LogLine.Stream.ERR ? " ERR | " : " | ")
            .append(line.text().length() > 160 ? line.text().substring(0, 160) + "…" : line.text())
            .append('\n');
      }
    }
    return text.toString();
  }

  /** Ten cells, full at one core. */
  static String bar(double cpuPercent) {
    int filled = (int) Math.round(Math.min(100, Math.max(0, cpuPercent)) / 10);
    return "▮".repeat(filled) + "▯".repeat(10 - filled);
  }
}
