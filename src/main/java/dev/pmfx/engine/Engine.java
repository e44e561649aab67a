package dev.pmfx.engine;

import dev.pmfx.config.Ecosystem;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The seam between pmfx's front ends (window, CLI) and its supervisor. Commands return futures;
 * state comes back as snapshots and events. Everything that crosses it is a record that {@link
 * EngineJson} can write, so the same interface can later run over a socket.
 */
public interface Engine extends AutoCloseable {

  /** Does what the command asks; every named command method below is this with its record. */
  CompletableFuture<CommandResult> run(Command command);

  /**
   * Adds the ecosystem's apps (or only those named) and starts them, with {@code env_<envName>}
   * over {@code env}, over the environment of this process: the shell that ran a CLI command, or
   * the window's. Apps already known are started again with the new spec. One app that cannot start
   * does not keep the others from starting.
   */
  default CompletableFuture<CommandResult> start(
      Ecosystem ecosystem, Optional<String> envName, Set<String> only) {
    return run(new Command.Start(ecosystem, envName, only, System.getenv()));
  }

  /** Starts stopped or errored workers of the target again. */
  default CompletableFuture<CommandResult> start(String target) {
    return run(new Command.StartTarget(Target.parse(target)));
  }

  /** Stops the target's workers gracefully: kill_signal, then SIGKILL after kill_timeout. */
  default CompletableFuture<CommandResult> stop(String target) {
    return run(new Command.Stop(Target.parse(target)));
  }

  /** Stops the target's workers gracefully, then starts them again. */
  default CompletableFuture<CommandResult> restart(String target) {
    return restart(target, EnvUpdate.NONE);
  }

  /**
   * A restart that changes the workers' environment first ({@code --update-env}, {@code --env}).
   */
  default CompletableFuture<CommandResult> restart(String target, EnvUpdate update) {
    return run(new Command.Restart(Target.parse(target), update));
  }

  /**
   * Re-reads each app's ecosystem file, then replaces its workers one at a time: in cluster mode a
   * new worker starts and becomes ready beside the old one, which is drained and stopped after it;
   * in fork mode a graceful restart. A new worker that fails leaves the old ones serving and ends
   * the reload with the reason. Progress comes as {@link EngineEvent.RolloutStep}s; a second reload
   * or scale of an app waits for the one running.
   */
  default CompletableFuture<CommandResult> reload(String target) {
    return reload(target, EnvUpdate.NONE);
  }

  /**
   * A reload that changes the workers' environment ({@code --update-env}, {@code --env}); a .js
   * file is read again with the environment the workers will have.
   */
  default CompletableFuture<CommandResult> reload(String target, EnvUpdate update) {
    return run(new Command.Reload(Target.parse(target), update, java.util.Optional.empty()));
  }

  /**
   * A reload that reads the app from {@code file} (an ecosystem file naming it) from now on, as PM2
   * applies the file it is given, rather than from the file it was started from.
   */
  default CompletableFuture<CommandResult> reloadFrom(
      String app, java.nio.file.Path file, EnvUpdate update) {
    return run(new Command.Reload(Target.parse(app), update, java.util.Optional.of(file)));
  }

  /**
   * Adds workers to the app (started and ready one at a time, as a reload's are) or removes its
   * highest-numbered ones (drained, then stopped gracefully).
   */
  default CompletableFuture<CommandResult> scale(String app, Scale scale) {
    return run(new Command.ScaleApp(app, scale));
  }

  /** Stops the target's workers and forgets their apps. */
  default CompletableFuture<CommandResult> delete(String target) {
    return run(new Command.Delete(Target.parse(target)));
  }

  /**
   * Empties the target's log files (and deletes their rotated copies) and forgets the lines held
   * for its workers, as {@code pm2 flush}; what the workers write next is kept as before.
   */
  default CompletableFuture<CommandResult> flush(String target) {
    return run(new Command.Flush(Target.parse(target)));
  }

  /**
   * Sends the signal to the target's running workers (their main process alone), as {@code pm2
   * sendSignal}; pmfx does not stop or restart them for it.
   */
  default CompletableFuture<CommandResult> sendSignal(String signal, String target) {
    return run(new Command.SendSignal(signal, Target.parse(target)));
  }

  /**
   * Writes the line to the standard input of the target's running workers, as {@code pm2 send} does
   * to one worker.
   */
  default CompletableFuture<CommandResult> sendLine(String target, String line) {
    return run(new Command.SendLine(Target.parse(target), line));
  }

  /** Sets the restart count of the target's workers back to 0, as {@code pm2 reset} does. */
  default CompletableFuture<CommandResult> reset(String target) {
    return run(new Command.Reset(Target.parse(target)));
  }

  /** Answers the question; every named query method below is this with its record. */
  <T> CompletableFuture<T> ask(Query<T> query);

  /** The apps and their workers now. */
  default List<AppStatus> snapshot() {
    return answer(ask(new Query.Snapshot()));
  }

  /** The latest CPU and memory sample, if one was taken since the engine started. */
  default Optional<EngineEvent.MetricsSample> lastSample() {
    return answer(ask(new Query.LastSample()));
  }

  /** The last lines a worker wrote, oldest first. */
  default List<EngineEvent.LogLine> tail(int workerId, int lines) {
    return answer(ask(new Query.Tail(workerId, lines)));
  }

  /**
   * The last lines of the app's log files, written by this pmfx or an earlier one: what the window
   * shows for an app before it writes again. Per instance, stdout's lines then stderr's (the files
   * hold no order between them); each line's time is its file's last change.
   */
  default CompletableFuture<List<EngineEvent.LogLine>> logHistory(
      dev.pmfx.config.AppSpec spec, int lines) {
    return ask(new Query.LogHistory(spec, lines));
  }

  /**
   * The environment the worker's last process started with, as {@code pmfx env} prints it; empty
   * when no such worker is known or it never started.
   */
  default Optional<java.util.Map<String, String>> environment(int workerId) {
    return answer(ask(new Query.Environment(workerId)));
  }

  /**
   * Calls an action the target's workers offer ({@code io.action} of {@code @pm2/io}), with {@code
   * param} when given, and gathers their replies, as {@code pm2 trigger}.
   */
  default CompletableFuture<ActionResult> trigger(
      String target, String action, Optional<String> param) {
    return ask(new Query.Trigger(Target.parse(target), action, param));
  }

  /** Waits for an answer; a failure is thrown as it was raised, not wrapped. */
  static <T> T answer(CompletableFuture<T> answer) {
    try {
      return answer.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException raised) {
        throw raised;
      }
      if (e.getCause() instanceof Error raised) {
        throw raised;
      }
      throw e;
    }
  }

  /** How often running workers' CPU and memory are sampled ({@link EngineEvent.MetricsSample}). */
  void sampleEvery(java.time.Duration interval);

  /** Registers a listener: it gets the current state, then every later event. */
  Subscription subscribe(EngineListener listener);

  /**
   * Ends this use of the engine. An engine in this process stops every worker gracefully and waits
   * for them; one reached over the daemon's socket disconnects and leaves the workers to the
   * daemon. Either accepts no command after.
   */
  @Override
  void close();

  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
