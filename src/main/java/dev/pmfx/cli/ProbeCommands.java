package dev.pmfx.cli;

import dev.pmfx.daemon.ProcessTable;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.ActionResult;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent.MetricsSample;
import dev.pmfx.engine.EngineEvent.MetricsSample.CustomAction;
import dev.pmfx.engine.EngineEvent.MetricsSample.CustomMetric;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What goes straight to running workers: {@code trigger} (an {@code @pm2/io} action), {@code
 * sendSignal} and {@code send}; and how the workers' {@code @pm2/io} metrics and actions print.
 */
final class ProbeCommands {

  private ProbeCommands() {}

  @Command(
      name = "trigger",
      mixinStandardHelpOptions = true,
      description =
          "Calls an action the target's workers offer (io.action of @pm2/io), with PARAM when"
              + " given, and prints each worker's reply.")
  static final class Trigger implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET", description = "an app, an id, or all")
    String target;

    @Parameters(index = "1", paramLabel = "ACTION")
    String action;

    @Parameters(index = "2", arity = "0..1", paramLabel = "PARAM")
    String param;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (RemoteEngine engine = Client.connect(err)) {
        ActionResult result =
            Engine.answer(engine.trigger(target, action, Optional.ofNullable(param)));
        for (ActionResult.Reply reply : result.replies()) {
          out.println("[" + reply.label() + " #" + reply.workerId() + "] " + reply.value());
        }
        out.flush();
        int code = Client.report(err, new CommandResult("trigger", List.of(), result.problems()));
        return result.replies().isEmpty() ? Client.FAILED : code;
      }
    }
  }

  @Command(
      name = "sendSignal",
      mixinStandardHelpOptions = true,
      description =
          "Sends a signal (SIGUSR2, USR2) to the target's running workers, as pm2 sendSignal.")
  static final class SendSignal implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SIGNAL")
    String signal;

    @Parameters(index = "1", paramLabel = "TARGET", description = "an app, an id, or all")
    String target;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (RemoteEngine engine = Client.connect(err)) {
        CommandResult result = Client.await(engine.sendSignal(signal, target));
        if (!result.workers().isEmpty()) {
          EventPrinter.say(out, "sent " + signal + " to workers " + ids(result));
        }
        return Client.report(err, result);
      }
    }
  }

  @Command(
      name = "send",
      mixinStandardHelpOptions = true,
      description = "Writes LINE, and a line ending, to the worker's standard input, as pm2 send.")
  static final class Send implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "a worker id")
    int id;

    @Parameters(index = "1", paramLabel = "LINE")
    String line;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (RemoteEngine engine = Client.connect(err)) {
        CommandResult result = Client.await(engine.sendLine(String.valueOf(id), line));
        if (!result.workers().isEmpty()) {
          EventPrinter.say(out, "sent a line to worker " + id);
        }
        return Client.report(err, result);
      }
    }
  }

  private static String ids(CommandResult result) {
    return String.join(", ", result.workers().stream().map(String::valueOf).toList());
  }

  /** {@code describe}'s boxes of the worker's metrics and actions, as pm2 describe prints them. */
  static void describe(PrintWriter out, Optional<MetricsSample> sample, int workerId) {
    sample
        .flatMap(s -> s.probesOf(workerId))
        .ifPresent(
            probes -> {
              if (!probes.metrics().isEmpty()) {
                out.println("Code metrics value");
                out.print(
                    ProcessTable.box(
                        List.of("metric", "value"),
                        probes.metrics().stream().map(m -> List.of(m.name(), shown(m))).toList()));
              }
              List<String> actions =
                  probes.actions().stream()
                      .filter(CustomAction::custom)
                      .map(CustomAction::name)
                      .toList();
              if (!actions.isEmpty()) {
                out.println("Actions available (pmfx trigger " + workerId + " ACTION)");
                out.print(
                    ProcessTable.box(List.of("action"), actions.stream().map(List::of).toList()));
              }
            });
  }

  /** A metric's value with its unit: {@code 42 users}. */
  static String shown(CustomMetric m) {
    return m.unit().isEmpty() ? m.value() : m.value() + " " + m.unit();
  }
}
