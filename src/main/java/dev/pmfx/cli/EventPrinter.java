package dev.pmfx.cli;

import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Prints what the engine says of the apps it is given: state changes, reload and scale steps as
 * they end, and, when asked, every line the workers write, prefixed by app and instance.
 */
final class EventPrinter implements EngineListener {

  private final PrintWriter out;
  private final PrintWriter err;
  private final Predicate<String> apps;
  private final boolean lines;

  EventPrinter(PrintWriter out, PrintWriter err, Predicate<String> apps, boolean lines) {
    this.out = out;
    this.err = err;
    this.apps = apps;
    this.lines = lines;
  }

  static void say(PrintWriter out, String message) {
    synchronized (out) {
      out.println("pmfx  | " + message);
      out.flush();
    }
  }

  @Override
  public void onSnapshot(List<AppStatus> snapshot) {}

  @Override
  public void onEvent(EngineEvent event) {
    switch (event) {
      case EngineEvent.LogLine line when lines && apps.test(line.app()) -> {
        if (line.stream() == EngineEvent.LogLine.Stream.ERR && line.text().startsWith("pmfx: ")) {
          // pmfx's own note about the worker, not the worker's output
          say(err, line.label() + ": " + line.text().substring(6));
          return;
        }
        PrintWriter to = line.stream() == EngineEvent.LogLine.Stream.ERR ? err : out;
        synchronized (to) {
          to.println(line.label() + " | " + line.text());
          to.flush();
        }
      }
      case EngineEvent.WorkerChanged changed when apps.test(changed.worker().name()) ->
          say(
              out,
              changed.worker().label()
                  + " "
                  + changed.worker().state().label()
                  + ": "
                  + changed.reason());
      case EngineEvent.RolloutChanged rollout when apps.test(rollout.app()) ->
          say(
              rollout.phase() == EngineEvent.RolloutChanged.Phase.FAILED ? err : out,
              rollout.app()
                  + " "
                  + rollout.kind().name().toLowerCase(Locale.ROOT)
                  + " "
                  + rollout.phase().name().toLowerCase(Locale.ROOT)
                  + (rollout.detail().isEmpty() ? "" : ": " + rollout.detail()));
      case EngineEvent.RolloutStep step when apps.test(step.app()) && step.status().over() ->
          // Steps print as they end, with what they took.
          say(
              step.status() == EngineEvent.RolloutStep.Status.FAILED ? err : out,
              step.label()
                  + " #"
                  + step.workerId()
                  + " "
                  + step.step().name().toLowerCase(Locale.ROOT)
                  + " "
                  + step.status().name().toLowerCase(Locale.ROOT)
                  + " in "
                  + java.time.Duration.between(step.started(), step.at()).toMillis()
                  + " ms: "
                  + step.detail());
      case EngineEvent.WorkerRemoved removed when apps.test(removed.app()) ->
          say(out, removed.app() + " #" + removed.workerId() + " removed: " + removed.reason());
      default -> {}
    }
  }
}
