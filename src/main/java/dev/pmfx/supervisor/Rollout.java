package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Diagnostic;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.EngineEvent.RolloutChanged;
import dev.pmfx.engine.Scale;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A reload or scale of one app; an app's rollouts run one at a time, in the order asked. Between
 * its steps it waits for one worker to move (see {@link Wait}); the move is what takes it on.
 */
final class Rollout {
  final long id;
  final App entry;
  final String app;
  final RolloutChanged.Kind kind;

  /** Reload: the workers to replace; empty for all the app has when its turn comes. */
  final Set<Integer> only;

  /** Scale: the count asked for. */
  final Scale scale;

  final CompletableFuture<CommandResult> result = new CompletableFuture<>();
  final List<Integer> touched = new ArrayList<>();
  int from;
  int to;

  /** Why it must stop where it is (the app was stopped, deleted or restarted); else null. */
  String interrupted;

  /** Whether a reload reads the app's file first: a command's does, max_memory_restart's not. */
  boolean reread = true;

  /** Why a reload replaces its workers, as their events say it. */
  String why = "reload";

  /** The app's spec before a reload read its file again: restored if nothing ran the new one. */
  AppSpec previousSpec;

  /** The new workers it brought online so far. */
  final List<Worker> admitted = new ArrayList<>();

  /** Reload: the spec its workers run from now on. */
  AppSpec spec;

  /** Reload: the workers still to replace or restart, in order. */
  final ArrayDeque<Worker> left = new ArrayDeque<>();

  /** The worker move it waits for before its next step; null between steps. */
  Wait wait;

  /** What a rollout waits for: one worker to settle. */
  sealed interface Wait {
    Worker worker();

    /** Whether the worker, now {@code state}, has settled as this wait needs. */
    default boolean settledAt(WorkerState state) {
      return state == WorkerState.STOPPED || state == WorkerState.ERRORED;
    }
  }

  /** A worker starting, until it is online or has failed. */
  sealed interface Arrival extends Wait {
    @Override
    default boolean settledAt(WorkerState state) {
      return state != WorkerState.LAUNCHING && state != WorkerState.WAITING_READY;
    }
  }

  /**
   * A new worker, until it is online or has failed; {@code kept} is the one it replaces, if any.
   */
  record Admit(Worker worker, Worker kept) implements Arrival {}

  /** A worker drained and stopped on its way out of the app, until it is at rest. */
  record Retire(Worker worker) implements Wait {}

  /** A new worker that failed, on its way out; then the rollout ends with {@code failure}. */
  record Discard(Worker worker, String failure) implements Wait {}

  /** Fork mode: a worker stopping gracefully before it starts again on the new spec. */
  record Cycle(Worker worker) implements Wait {}

  /** Fork mode: a worker started again on the new spec, until it is online or has failed. */
  record Relaunch(Worker worker) implements Arrival {}

  Rollout(long id, App entry, RolloutChanged.Kind kind, Set<Integer> only, Scale scale) {
    this.id = id;
    this.entry = entry;
    this.app = entry.spec.name();
    this.kind = kind;
    this.only = only;
    this.scale = scale;
  }

  /**
   * A reload nobody typed (max_memory_restart, watch, cron_restart): of the spec running, for
   * {@code why}.
   */
  static Rollout unbidden(long id, App entry, Set<Integer> only, String why) {
    Rollout r = new Rollout(id, entry, RolloutChanged.Kind.RELOAD, only, null);
    r.reread = false;
    r.why = why;
    return r;
  }

  /** The file a reload reads, in words. */
  String fileWords() {
    return entry.file == null ? "its spec" : entry.file.getFileName().toString();
  }

  String verb() {
    return kind == RolloutChanged.Kind.RELOAD ? "reload" : "scale";
  }

  /** The next worker still to replace or restart that is still in the app; null when none is. */
  Worker nextLeft() {
    Worker w = left.poll();
    while (w != null && (!entry.workers.contains(w) || w.leaving())) {
      w = left.poll(); // deleted meanwhile, or on its way out
    }
    return w;
  }

  /**
   * Why the reload must end: a new worker it admitted is no longer online (a build that dies on its
   * first request); empty while they all serve.
   */
  Optional<String> admittedGone() {
    return admitted.stream()
        .filter(fresh -> entry.workers.contains(fresh) && fresh.state() != WorkerState.ONLINE)
        .findFirst()
        .map(
            fresh ->
                "worker "
                    + fresh.id
                    + " ("
                    + WorkerStatus.label(fresh.spec.name(), fresh.instance)
                    + ") is "
                    + fresh.state().label()
                    + " since it was ready; the workers not replaced yet keep serving");
  }

  /** Why a new worker failed, for the rollout's end; naming the one that keeps serving, if any. */
  static String failure(Worker fresh, String reason, Worker kept) {
    return "worker "
        + fresh.id
        + " ("
        + WorkerStatus.label(fresh.spec.name(), fresh.instance)
        + ") "
        + reason
        + (kept != null ? "; worker " + kept.id + " keeps serving" : "");
  }

  /** What a reload read from its app's file: the spec to run, or why no worker is touched. */
  record Reread(Optional<AppSpec> spec, String failure) {

    static Reread of(LoadResult loaded, Path file, AppSpec current) {
      return switch (loaded) {
        case LoadResult.Failed failed ->
            failed(
                file
                    + " no longer loads, so no worker was touched:\n"
                    + String.join("\n", failed.errors().stream().map(Diagnostic::format).toList()));
        case LoadResult.Loaded ok -> {
          Optional<AppSpec> spec = ok.ecosystem().app(current.name());
          if (spec.isEmpty()) {
            yield failed(
                "'" + current.name() + "' is no longer in " + file + ", so no worker was touched");
          } else if (spec.get().execMode() != current.execMode()) {
            yield failed(
                "exec_mode changed to "
                    + spec.get().execMode().name().toLowerCase(Locale.ROOT)
                    + " in "
                    + file
                    + "; restart the app to apply that");
          }
          yield new Reread(Optional.of(spec.get().withInstances(current.instances())), "");
        }
      };
    }

    private static Reread failed(String why) {
      return new Reread(Optional.empty(), why);
    }
  }

  /** Why a scale to {@link #to} cannot be; empty when it can. */
  Optional<String> impossibleScale() {
    if (to < 1) {
      return Optional.of(
          app
              + " has "
              + workers(from)
              + "; scale "
              + scale
              + " would leave none (stop the app to stop every worker)");
    }
    if (to > AppSpec.MAX_INSTANCES) {
      return Optional.of("at most " + AppSpec.MAX_INSTANCES + " workers per app, not " + to);
    }
    return Optional.empty();
  }

  /** What a scale does, in words: adding 2 workers. */
  String scaleWords() {
    return to > from
        ? "adding " + workers(to - from)
        : to < from ? "removing " + workers(from - to) : "already " + workers(to);
  }

  private static String workers(int count) {
    return count + " worker" + (count == 1 ? "" : "s");
  }

  /** Its result when it did not finish: {@code reload failed: ...}. */
  CommandResult ended(List<Integer> workers, String how) {
    return new CommandResult(
        verb(), workers, List.of(new CommandResult.Problem(app, verb() + " " + how)));
  }

  /** What it did, in words, once done. */
  String doneWords() {
    return kind == RolloutChanged.Kind.SCALE
        ? "scaled from " + from + " to " + to + " workers"
        : "replaced " + touched.size() + " of " + from + " workers";
  }
}
