package dev.pmfx.supervisor;

import dev.pmfx.engine.ActionResult;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.CommandResult.Problem;
import dev.pmfx.engine.Query;
import dev.pmfx.posix.Signals;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * What goes to running workers' processes without changing their state: a signal ({@code pm2
 * sendSignal}), a line on standard input ({@code pm2 send}), an action's call ({@code pm2
 * trigger}), and a reset of restart counts ({@code pm2 reset}). What comes of it (an exit, a reply)
 * comes back as it always does. On the loop.
 */
final class DirectCommands {

  private final ProcessLauncher launcher;
  private final Probes probes;

  DirectCommands(ProcessLauncher launcher, Probes probes) {
    this.launcher = launcher;
    this.probes = probes;
  }

  /** The signal ({@code SIGUSR2} or {@code USR2}) to each running worker's process alone. */
  CompletableFuture<CommandResult> signal(String signal, Apps.Resolved to) {
    String name = signal.strip().toUpperCase(Locale.ROOT);
    if (!name.startsWith("SIG")) {
      name = "SIG" + name;
    }
    if (!Signals.known(name)) {
      return done("sendSignal", List.of(), List.of(new Problem("", "no signal " + signal)));
    }
    List<Problem> problems = new ArrayList<>(to.problems());
    List<Integer> sent = new ArrayList<>();
    for (Worker w : to.workers()) {
      if (running(w, problems)) {
        launcher.signal(w.process, List.of(), name, false);
        sent.add(w.id);
      }
    }
    return done("sendSignal", sent, problems);
  }

  /**
   * The line and a line ending to each running worker's standard input, written off the loop: a
   * worker that does not read may keep the write waiting.
   */
  CompletableFuture<CommandResult> sendLine(Apps.Resolved to, String line) {
    List<Problem> problems = new ArrayList<>(to.problems());
    List<Worker> running = to.workers().stream().filter(w -> running(w, problems)).toList();
    List<Integer> ids = Apps.ids(running);
    List<OutputStream> inputs = running.stream().map(w -> w.process.getOutputStream()).toList();
    List<String> apps = running.stream().map(w -> w.spec.name()).toList();
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    CompletableFuture<CommandResult> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("pmfx-send")
        .start(
            () -> {
              List<Integer> sent = new ArrayList<>();
              for (int i = 0; i < inputs.size(); i++) {
                try {
                  inputs.get(i).write(bytes);
                  inputs.get(i).flush();
                  sent.add(ids.get(i));
                } catch (IOException closed) {
                  problems.add(
                      new Problem(apps.get(i), "worker " + ids.get(i) + " closed its input"));
                }
              }
              result.complete(new CommandResult("send", sent, problems));
            });
    return result;
  }

  /** Each worker's restart count back to 0, through its machine, in whatever phase it is. */
  CompletableFuture<CommandResult> reset(Apps.Resolved to, EffectRunner runner) {
    to.workers().forEach(w -> runner.feed(w, new MachineEvent.ResetCounters()));
    return done("reset", Apps.ids(to.workers()), to.problems());
  }

  /** Calls the action on each running worker of the target that offers it ({@link Probes}). */
  CompletableFuture<ActionResult> trigger(Apps.Resolved to, Query.Trigger q) {
    return probes.trigger(to.workers(), to.problems(), q.action(), q.param());
  }

  private static boolean running(Worker w, List<Problem> problems) {
    if (w.process != null && w.state().running()) {
      return true;
    }
    problems.add(new Problem(w.spec.name(), "worker " + w.id + " is not running"));
    return false;
  }

  private static CompletableFuture<CommandResult> done(
      String command, List<Integer> workers, List<Problem> problems) {
    return CompletableFuture.completedFuture(new CommandResult(command, workers, problems));
  }
}
