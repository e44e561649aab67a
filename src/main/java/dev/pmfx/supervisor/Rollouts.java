package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.ExecMode;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.CommandResult.Problem;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.RolloutChanged;
import dev.pmfx.engine.EngineEvent.RolloutStep.Status;
import dev.pmfx.engine.EngineEvent.RolloutStep.Step;
import dev.pmfx.engine.Scale;
import dev.pmfx.engine.WorkerState;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Reloads and scales: an app's rollouts run one at a time, in the order asked. A cluster reload
 * starts a new worker beside each old one and retires the old one once the new one is online; a
 * fork reload restarts each worker in turn; a scale adds or retires workers one at a time.
 *
 * <p>A rollout drives its workers' machines with events (a start, a stop) and then waits for one
 * worker to settle ({@link Rollout.Wait}); {@link #moved} hears each worker move and takes the
 * rollout on to its next step. Loop only.
 */
final class Rollouts {

  private final Timers loop;
  private final EventHub events;
  private final Steps steps;
  private final EffectRunner runner;
  private final Routing routing;
  private final SpecSource specs;
  private final Apps apps;
  private final BooleanSupplier closing;
  private long nextRolloutId = 1;

  Rollouts(
      Timers loop,
      EventHub events,
      Steps steps,
      EffectRunner runner,
      Routing routing,
      SpecSource specs,
      Apps apps,
      BooleanSupplier closing) {
    this.loop = loop;
    this.events = events;
    this.steps = steps;
    this.runner = runner;
    this.routing = routing;
    this.specs = specs;
    this.apps = apps;
    this.closing = closing;
  }

  CompletableFuture<CommandResult> enqueue(
      App entry, RolloutChanged.Kind kind, Set<Integer> only, Scale scale) {
    return enqueue(new Rollout(nextRolloutId++, entry, kind, only, scale));
  }

  private CompletableFuture<CommandResult> enqueue(Rollout r) {
    if (r.entry.workers.stream().allMatch(Worker::leaving)) {
      return CompletableFuture.completedFuture(
          new CommandResult(
              r.verb(), List.of(), List.of(new Problem(r.app, "it is being deleted"))));
    }
    r.from = r.entry.workers.size();
    r.to = r.scale == null ? r.from : r.scale.from(r.from);
    r.entry.rollouts.add(r);
    if (r.entry.rollouts.size() == 1) {
      begin(r);
    } else {
      Rollout running = r.entry.rollouts.getFirst();
      announce(r, RolloutChanged.Phase.QUEUED, "waits for the " + running.verb() + " running");
    }
    return r.result;
  }

  private void announce(Rollout r, RolloutChanged.Phase phase, String detail) {
    events.publish(
        new RolloutChanged(loop.now(), r.app, r.id, r.kind, phase, r.from, r.to, detail));
  }

  private void begin(Rollout r) {
    r.from = r.entry.workers.size();
    if (r.scale != null) {
      r.to = r.scale.from(r.from); // +1 counts from what the rollouts before it left
    }
    if (r.kind == RolloutChanged.Kind.SCALE) {
      scaleNow(r);
    } else if (!r.reread) {
      reloadWith(r, r.entry.spec);
    } else {
      announce(r, RolloutChanged.Phase.RUNNING, "reading " + r.fileWords());
      reread(r);
    }
  }

  /** Ends the rollout, and starts the next one of its app. */
  private void finish(Rollout r, String failure) {
    if (!r.entry.rollouts.remove(r)) {
      return; // over already
    }
    r.wait = null;
    for (Worker w : r.entry.workers) {
      if (w.rollout == r) {
        steps.endAll(w, Status.WARNING, "the " + r.verb() + " ended first");
        w.rollout = null;
        w.stepsStarted.clear();
      }
      if (failure != null && w.machine.replacementAsked()) {
        runner.feed(w, new MachineEvent.ReplacementFailed()); // the next sample tries again
      }
    }
    if (failure != null && r.touched.isEmpty() && r.previousSpec != null) {
      r.entry.spec = r.previousSpec; // nothing runs the new spec: a later scale must not use it
      events.publish(new EngineEvent.AppUpdated(loop.now(), apps.status(r.entry)));
    }
    r.to = r.kind == RolloutChanged.Kind.SCALE ? r.entry.workers.size() : r.to;
    announce(
        r,
        failure == null ? RolloutChanged.Phase.DONE : RolloutChanged.Phase.FAILED,
        failure == null ? r.doneWords() : failure);
    r.result.complete(
        failure == null
            ? new CommandResult(r.verb(), r.touched, List.of())
            : r.ended(r.touched, "failed: " + failure));
    Rollout next = r.entry.rollouts.peekFirst();
    if (next != null && apps.get(r.entry.spec.name()) == r.entry && !closing.getAsBoolean()) {
      begin(next);
    }
  }

  /**
   * A stop, restart or delete takes the app over: the running rollout stops at its next step, and
   * those waiting are dropped.
   */
  void interrupt(App entry, String command) {
    boolean first = true;
    for (Rollout r : List.copyOf(entry.rollouts)) {
      r.interrupted = "interrupted by " + command;
      if (!first) {
        entry.rollouts.remove(r);
        announce(r, RolloutChanged.Phase.FAILED, "dropped: the app was asked to " + command);
        r.result.complete(r.ended(List.of(), "dropped: the app was asked to " + command));
      }
      first = false;
    }
  }

  /** Whether the rollout must stop here; if so, it is finished. */
  private boolean stopsHere(Rollout r) {
    if (r.interrupted != null) {
      finish(r, r.interrupted);
      return true;
    }
    return false;
  }

  /** Reads the app's file again, off the loop; a file that no longer loads touches no worker. */
  private void reread(Rollout r) {
    Path file = r.entry.file;
    Optional<java.util.Map<String, String>> environment = r.entry.environment();
    if (file == null) {
      reloadWith(r, r.entry.spec);
      return;
    }
    Thread.startVirtualThread(
        () -> {
          LoadResult loaded;
          try {
            loaded = specs.load(file, environment);
          } catch (RuntimeException | Error e) {
            loop.post(() -> finish(r, "could not read " + file + ": " + e));
            return;
          }
          loop.post(
              () -> {
                if (stopsHere(r)) {
                  return;
                }
                Rollout.Reread reread = Rollout.Reread.of(loaded, file, r.entry.spec);
                reread
                    .spec()
                    .ifPresentOrElse(
                        spec -> reloadWith(r, spec), () -> finish(r, reread.failure()));
              });
        });
  }

  private void reloadWith(Rollout r, AppSpec spec) {
    if (!spec.equals(r.entry.spec)) {
      r.previousSpec = r.entry.spec;
      r.entry.spec = spec;
      events.publish(new EngineEvent.AppUpdated(loop.now(), apps.status(r.entry)));
    }
    announce(
        r,
        RolloutChanged.Phase.RUNNING,
        spec.execMode() == ExecMode.CLUSTER
            ? "replacing workers one at a time"
            : "restarting workers one at a time");
    r.spec = spec;
    r.entry.workers.stream()
        .filter(w -> r.only.isEmpty() || r.only.contains(w.id))
        .forEach(r.left::add);
    next(r);
  }

  /** A reload's next worker: replaced beside a new one (cluster mode) or restarted (fork mode). */
  private void next(Rollout r) {
    if (r.spec.execMode() == ExecMode.CLUSTER) {
      replaceNext(r);
    } else {
      restartNext(r);
    }
  }

  /**
   * A worker moved to {@code to}: when a rollout waits for it and it has settled as the wait needs,
   * the rollout takes its next step, once the move's own effects have run.
   */
  void moved(Worker w, WorkerState to, String why, boolean late) {
    Rollout r = w.rollout;
    if (r == null || r.wait == null || r.wait.worker() != w || !r.wait.settledAt(to)) {
      return;
    }
    if (r.wait instanceof Rollout.Arrival) {
      steps.endAll(
          w, to != WorkerState.ONLINE ? Status.FAILED : late ? Status.WARNING : Status.DONE, why);
    }
    settle(r, r.wait, to, why);
  }

  private void settle(Rollout r, Rollout.Wait wait, WorkerState to, String why) {
    if (r.wait != wait) {
      return; // settled already
    }
    r.wait = null;
    loop.post(() -> heard(r, wait, to, why));
  }

  /** The next step once {@code wait}'s worker settled at {@code to}. */
  private void heard(Rollout r, Rollout.Wait wait, WorkerState to, String why) {
    switch (wait) {
      case Rollout.Admit(Worker fresh, Worker kept) -> {
        if (to != WorkerState.ONLINE) {
          discard(r, fresh, why, kept);
          return;
        }
        r.touched.add(fresh.idToBe());
        r.admitted.add(fresh);
        routed(fresh);
        fresh.rollout = null; // its later restarts are its own, not steps of this
        fresh.stepsStarted.clear();
        if (kept == null) {
          scaleNext(r);
        } else {
          // Even when interrupted now: the new worker is in, so the old one goes, or the app
          // would keep one worker too many.
          String by = fresh.process != null ? " (pid " + fresh.process.pid() + ")" : "";
          retire(r, kept, "replaced by a new process" + by, new Rollout.Retire(kept));
        }
      }
      case Rollout.Retire retired -> {
        if (r.kind == RolloutChanged.Kind.SCALE) {
          scaleNext(r);
        } else {
          next(r);
        }
      }
      case Rollout.Discard(Worker fresh, String failure) -> {
        if (r.kind == RolloutChanged.Kind.SCALE) {
          resized(r.entry);
        }
        finish(r, r.interrupted != null ? r.interrupted : failure);
      }
      case Rollout.Cycle(Worker w) -> relaunch(r, w);
      case Rollout.Relaunch(Worker w) -> {
        if (to == WorkerState.ONLINE) {
          next(r);
        } else {
          finish(r, Rollout.failure(w, why, null));
        }
      }
    }
  }

  /**
   * Cluster mode: a new worker for the next old one, ready beside it, then the old one drained and
   * stopped; a new worker that fails ends the reload with the old one still serving.
   */
  private void replaceNext(Rollout r) {
    if (stopsHere(r)) {
      return;
    }
    Optional<String> gone = closing.getAsBoolean() ? Optional.empty() : r.admittedGone();
    if (gone.isPresent()) {
      finish(r, gone.get()); // the workers not replaced yet keep serving
      return;
    }
    Worker previous = nextOf(r);
    if (previous == null) {
      return;
    }
    Worker fresh =
        apps.join(r.entry, previous.instance, r.spec, previous, previous.machine.restarts() + 1);
    fresh.replaces = previous; // and takes its id when it leaves
    admit(r, fresh, r.why + ": replaces worker " + previous.id, previous);
  }

  /**
   * The next of the rollout's workers still in the app (one may have been deleted meanwhile), or
   * null when the rollout is over: interrupted, or through its list (then finished here).
   */
  private Worker nextOf(Rollout r) {
    if (stopsHere(r)) {
      return null;
    }
    Worker w = r.nextLeft();
    if (w == null) {
      finish(r, null);
    }
    return w;
  }

  /** Fork mode: each worker stopped gracefully and started again, one after the other. */
  private void restartNext(Rollout r) {
    Worker w = nextOf(r);
    if (w == null) {
      return;
    }
    w.rollout = r;
    await(r, new Rollout.Cycle(w), () -> runner.requestStop(w, r.why, w.machine.goal()));
  }

  /** Fork mode: the worker, stopped, starts again on the reload's spec. */
  private void relaunch(Rollout r, Worker w) {
    if (stopsHere(r)) {
      return;
    }
    if (!r.entry.workers.contains(w) || !w.atRest()) {
      // deleted meanwhile, or started again by a command, watch or cron
      restartNext(r);
      return;
    }
    w.spec = r.spec;
    r.touched.add(w.id);
    r.wait = new Rollout.Relaunch(w);
    runner.launch(w, new MachineEvent.Start(r.spec, "reloaded", MachineEvent.StartKind.RELOAD));
  }

  /**
   * Waits for {@code wait}'s worker to come to rest after {@code stop}; a worker at rest already
   * counts as settled.
   */
  private void await(Rollout r, Rollout.Wait wait, Runnable stop) {
    Worker w = wait.worker();
    boolean atRest = w.atRest();
    r.wait = wait;
    stop.run();
    if (atRest) {
      settle(r, wait, w.state(), "");
    }
  }

  /** Scale: new workers started and ready one at a time, or the highest-numbered retired. */
  private void scaleNow(Rollout r) {
    Optional<String> impossible = r.impossibleScale();
    if (impossible.isPresent()) {
      announce(r, RolloutChanged.Phase.RUNNING, "");
      finish(r, impossible.get());
      return;
    }
    announce(r, RolloutChanged.Phase.RUNNING, r.scaleWords());
    scaleNext(r);
  }

  private void scaleNext(Rollout r) {
    if (stopsHere(r)) {
      resized(r.entry);
      return;
    }
    int now = r.entry.workers.size();
    if (now < r.to) {
      int instance = r.entry.workers.stream().mapToInt(w -> w.instance).max().orElse(-1) + 1;
      Worker template = r.entry.workers.isEmpty() ? null : r.entry.workers.getFirst();
      Worker fresh = apps.join(r.entry, instance, r.entry.spec.withInstances(r.to), template, 0);
      admit(r, fresh, "scale " + r.scale, null);
    } else if (now > r.to) {
      Worker last =
          r.entry.workers.stream()
              .max(java.util.Comparator.comparingInt((Worker w) -> w.instance))
              .orElseThrow();
      r.touched.add(last.id);
      retire(r, last, "scale " + r.scale, new Rollout.Retire(last));
    } else {
      resized(r.entry);
      finish(r, null);
    }
  }

  /** The app's spec says how many workers it has now; views hear of it. */
  private void resized(App entry) {
    int count = Math.max(1, entry.workers.size());
    if (entry.spec.instances() != count) {
      entry.spec = entry.spec.withInstances(count);
    }
    events.publish(new EngineEvent.AppUpdated(loop.now(), apps.status(entry)));
  }

  /**
   * Starts a new worker beside the running ones. Once it is online and in the rotation, the rollout
   * goes on (retiring {@code kept}, if any); if it fails, it is removed and the rollout ends,
   * naming {@code kept} as still serving.
   */
  private void admit(Rollout r, Worker fresh, String why, Worker kept) {
    fresh.rollout = r;
    r.wait = new Rollout.Admit(fresh, kept);
    runner.launch(fresh, new MachineEvent.Start(fresh.spec, why, MachineEvent.StartKind.TRIAL));
  }

  private void routed(Worker w) {
    if (w.privatePort == 0) {
      return;
    }
    steps.begin(w, Step.ROUTE, Optional.empty(), "joining the balancer's rotation");
    OptionalInt port = routing.port(w.spec.name());
    if (port.isPresent() && routing.routes(w)) {
      steps.end(w, Step.ROUTE, Status.DONE, "in rotation on port " + port.getAsInt());
    } else {
      steps.end(w, Step.ROUTE, Status.WARNING, "not in a balancer: the app has no public port yet");
    }
  }

  /**
   * Drains (cluster mode) and stops the worker gracefully, then removes it from its app; the
   * rollout goes on once it is at rest.
   */
  private void retire(Rollout r, Worker w, String why, Rollout.Wait wait) {
    w.rollout = r;
    await(r, wait, () -> runner.requestStop(w, why, new StopGoal.Remove(why)));
  }

  /** A new worker failed: it goes, the others stay as they are, and the rollout ends. */
  private void discard(Rollout r, Worker fresh, String reason, Worker kept) {
    String failure = Rollout.failure(fresh, reason, kept);
    if (!r.entry.workers.contains(fresh)) {
      finish(r, failure);
      return;
    }
    retire(r, fresh, "failed: " + reason, new Rollout.Discard(fresh, failure));
  }

  /**
   * A worker over max_memory_restart, or failing its health check, is replaced as a reload replaces
   * it (cluster mode: a new one first, then this one drained) or restarted gracefully (fork mode).
   */
  void replaceUnwell(App entry, Worker w, String why) {
    if (w.spec.execMode() == ExecMode.CLUSTER) {
      enqueue(Rollout.unbidden(nextRolloutId++, entry, Set.of(w.id), why));
    } else {
      runner.restart(w, why);
    }
  }

  /**
   * A restart nobody typed (watch, cron_restart): a cluster app with workers online is reloaded
   * worker by worker, so it keeps serving; otherwise every worker restarts gracefully.
   */
  void restartApp(App entry, String why) {
    boolean serving =
        entry.spec.execMode() == ExecMode.CLUSTER
            && entry.workers.stream().anyMatch(w -> w.state() == WorkerState.ONLINE);
    if (!serving) {
      entry.workers.forEach(w -> runner.restart(w, why));
      return;
    }
    enqueue(Rollout.unbidden(nextRolloutId++, entry, Set.of(), why));
  }

  /** pmfx closed: the app's rollouts end where they are. */
  void closed(App entry) {
    for (Rollout r : entry.rollouts) {
      r.result.complete(r.ended(r.touched, "ended: pmfx closed"));
    }
  }
}
