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
import dev.pmfx.engine.WorkerStatus;
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
 * fork reload restarts each worker in turn; a scale adds or retires workers one at a time. Loop
 * only.
 */
final class Rollouts {

  private final Loop loop;
  private final EventHub events;
  private final Steps steps;
  private final EffectRunner runner;
  private final Routing routing;
  private final SpecSource specs;
  private final Apps apps;
  private final BooleanSupplier closing;
  private long nextRolloutId = 1;

  Rollouts(
      Loop loop,
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
    return enqueue(entry, new Rollout(nextRolloutId++, entry.spec.name(), kind, only, scale));
  }

  private CompletableFuture<CommandResult> enqueue(App entry, Rollout r) {
    if (entry.workers.stream().allMatch(Worker::leaving)) {
      return CompletableFuture.completedFuture(
          new CommandResult(
              r.verb(), List.of(), List.of(new Problem(r.app, "it is being deleted"))));
    }
    r.from = entry.workers.size();
    r.to = r.scale == null ? r.from : r.scale.from(r.from);
    entry.rollouts.add(r);
    if (entry.rollouts.size() == 1) {
      begin(entry, r);
    } else {
      Rollout running = entry.rollouts.getFirst();
      announce(r, RolloutChanged.Phase.QUEUED, "waits for the " + running.verb() + " running");
    }
    return r.result;
  }

  private void announce(Rollout r, RolloutChanged.Phase phase, String detail) {
    events.publish(
        new RolloutChanged(loop.now(), r.app, r.id, r.kind, phase, r.from, r.to, detail));
  }

  private void begin(App entry, Rollout r) {
    r.from = entry.workers.size();
    if (r.scale != null) {
      r.to = r.scale.from(r.from); // +1 counts from what the rollouts before it left
    }
    if (r.kind == RolloutChanged.Kind.SCALE) {
      scaleNow(entry, r);
    } else if (!r.reread) {
      reloadWith(entry, r, entry.spec);
    } else {
      announce(r, RolloutChanged.Phase.RUNNING, "reading " + describeFile(entry));
      reread(entry, r);
    }
  }

  private static String describeFile(App entry) {
    return entry.file == null ? "its spec" : entry.file.getFileName().toString();
  }

  /** Ends the rollout, and starts the next one of its app. */
  private void finish(App entry, Rollout r, String failure) {
    if (!entry.rollouts.remove(r)) {
      return; // over already
    }
    for (Worker w : entry.workers) {
      if (w.rollout == r) {
        steps.endAll(w, Status.WARNING, "the " + r.verb() + " ended first");
        w.rollout = null;
        w.stepsStarted.clear();
      }
      if (failure != null && w.machine.memoryNoted()) {
        runner.feed(w, new MachineEvent.ReplacementFailed()); // the next sample tries again
      }
    }
    if (failure != null && r.touched.isEmpty() && r.previousSpec != null) {
      entry.spec = r.previousSpec; // nothing runs the new spec: a later scale must not use it
      events.publish(new EngineEvent.AppUpdated(loop.now(), apps.status(entry)));
    }
    r.to = r.kind == RolloutChanged.Kind.SCALE ? entry.workers.size() : r.to;
    announce(
        r,
        failure == null ? RolloutChanged.Phase.DONE : RolloutChanged.Phase.FAILED,
        failure == null ? r.doneWords() : failure);
    r.result.complete(
        failure == null
            ? new CommandResult(r.verb(), r.touched, List.of())
            : r.ended(r.touched, "failed: " + failure));
    Rollout next = entry.rollouts.peekFirst();
    if (next != null && apps.get(entry.spec.name()) == entry && !closing.getAsBoolean()) {
      begin(entry, next);
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
  private boolean stopsHere(App entry, Rollout r) {
    if (r.interrupted != null) {
      finish(entry, r, r.interrupted);
      return true;
    }
    return false;
  }

  /** Reads the app's file again, off the loop; a file that no longer loads touches no worker. */
  private void reread(App entry, Rollout r) {
    Path file = entry.file;
    if (file == null) {
      reloadWith(entry, r, entry.spec);
      return;
    }
    Thread.startVirtualThread(
        () -> {
          LoadResult loaded;
          try {
            loaded = specs.load(file);
          } catch (RuntimeException | Error e) {
            loop.post(() -> finish(entry, r, "could not read " + file + ": " + e));
            return;
          }
          loop.post(
              () -> {
                if (stopsHere(entry, r)) {
                  return;
                }
                Rollout.Reread reread = Rollout.Reread.of(loaded, file, entry.spec);
                reread
                    .spec()
                    .ifPresentOrElse(
                        spec -> reloadWith(entry, r, spec),
                        () -> finish(entry, r, reread.failure()));
              });
        });
  }

  private void reloadWith(App entry, Rollout r, AppSpec spec) {
    if (!spec.equals(entry.spec)) {
      r.previousSpec = entry.spec;
      entry.spec = spec;
      events.publish(new EngineEvent.AppUpdated(loop.now(), apps.status(entry)));
    }
    announce(
        r,
        RolloutChanged.Phase.RUNNING,
        spec.execMode() == ExecMode.CLUSTER
            ? "replacing workers one at a time"
            : "restarting workers one at a time");
    java.util.ArrayDeque<Worker> old =
        entry.workers.stream()
            .filter(w -> r.only.isEmpty() || r.only.contains(w.id))
            .collect(java.util.stream.Collectors.toCollection(java.util.ArrayDeque::new));
    if (spec.execMode() == ExecMode.CLUSTER) {
      replaceNext(entry, r, spec, old);
    } else {
      restartNext(entry, r, spec, old);
    }
  }

  /**
   * Cluster mode: a new worker for the next old one, ready beside it, then the old one drained and
   * stopped; a new worker that fails ends the reload with the old one still serving.
   */
  private void replaceNext(App entry, Rollout r, AppSpec spec, java.util.Deque<Worker> old) {
    if (stopsHere(entry, r)) {
      return;
    }
    for (Worker fresh : r.admitted) {
      if (entry.workers.contains(fresh)
          && fresh.state() != WorkerState.ONLINE
          && !closing.getAsBoolean()) {
        // Ready, then gone (a build that dies on its first request): the rest stay as they are.
        finish(
            entry,
            r,
            "worker "
                + fresh.id
                + " ("
                + WorkerStatus.label(fresh.spec.name(), fresh.instance)
                + ") is "
                + fresh.state().label()
                + " since it was ready; the workers not replaced yet keep serving");
        return;
      }
    }
    Worker previous = nextOf(entry, r, old);
    if (previous == null) {
      return;
    }
    Worker fresh =
        apps.join(
            entry, previous.instance, spec, previous.envName, previous.machine.restarts() + 1);
    admit(
        entry,
        r,
        fresh,
        r.why + ": replaces worker " + previous.id,
        previous,
        () ->
            // Even when interrupted now: the new worker is in, so the old one goes, or the app
            // would keep one worker too many.
            retire(r, previous, "replaced by worker " + fresh.id)
                .thenRun(() -> loop.post(() -> replaceNext(entry, r, spec, old))));
  }

  /**
   * The next of the rollout's workers still in the app (one may have been deleted meanwhile), or
   * null when the rollout is over: interrupted, or through its list (then finished here).
   */
  private Worker nextOf(App entry, Rollout r, java.util.Deque<Worker> left) {
    if (stopsHere(entry, r)) {
      return null;
    }
    Worker w = left.poll();
    while (w != null && (!entry.workers.contains(w) || w.leaving())) {
      w = left.poll(); // deleted meanwhile, or on its way out
    }
    if (w == null) {
      finish(entry, r, null);
    }
    return w;
  }

  /** Fork mode: each worker stopped gracefully and started again, one after the other. */
  private void restartNext(App entry, Rollout r, AppSpec spec, java.util.Deque<Worker> left) {
    Worker w = nextOf(entry, r, left);
    if (w == null) {
      return;
    }
    w.rollout = r;
    runner
        .stop(w, r.why)
        .thenRun(
            () ->
                loop.post(
                    () -> {
                      if (stopsHere(entry, r)) {
                        return;
                      }
                      if (!entry.workers.contains(w) || !w.atRest()) {
                        // deleted meanwhile, or started again by a command, watch or cron
                        restartNext(entry, r, spec, left);
                        return;
                      }
                      w.spec = spec;
                      r.touched.add(w.id);
                      launchAndWait(
                              w,
                              new MachineEvent.Start(
                                  spec, "reloaded", MachineEvent.StartKind.RELOAD))
                          .thenAccept(
                              admitted ->
                                  loop.post(
                                      () -> {
                                        if (admitted.online()) {
                                          restartNext(entry, r, spec, left);
                                        } else {
                                          finish(
                                              entry,
                                              r,
                                              Rollout.failure(w, admitted.reason(), null));
                                        }
                                      }));
                    }));
  }

  /** Scale: new workers started and ready one at a time, or the highest-numbered retired. */
  private void scaleNow(App entry, Rollout r) {
    Optional<String> impossible = r.impossibleScale();
    if (impossible.isPresent()) {
      announce(r, RolloutChanged.Phase.RUNNING, "");
      finish(entry, r, impossible.get());
      return;
    }
    announce(r, RolloutChanged.Phase.RUNNING, r.scaleWords());
    scaleNext(entry, r);
  }

  private void scaleNext(App entry, Rollout r) {
    if (stopsHere(entry, r)) {
      resized(entry);
      return;
    }
    int now = entry.workers.size();
    if (now < r.to) {
      int instance = entry.workers.stream().mapToInt(w -> w.instance).max().orElse(-1) + 1;
      Worker template = entry.workers.isEmpty() ? null : entry.workers.getFirst();
      Worker fresh =
          apps.join(
              entry,
              instance,
              entry.spec.withInstances(r.to),
              template == null ? Optional.empty() : template.envName,
              0);
      admit(entry, r, fresh, "scale " + r.scale, null, () -> scaleNext(entry, r));
    } else if (now > r.to) {
      Worker last =
          entry.workers.stream()
              .max(java.util.Comparator.comparingInt((Worker w) -> w.instance))
              .orElseThrow();
      r.touched.add(last.id);
      retire(r, last, "scale " + r.scale).thenRun(() -> loop.post(() -> scaleNext(entry, r)));
    } else {
      resized(entry);
      finish(entry, r, null);
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
   * Starts a new worker beside the running ones. Once it is online and in the rotation, {@code
   * then} runs; if it fails, it is removed and the rollout ends, naming {@code kept} (if any) as
   * still serving.
   */
  private void admit(App entry, Rollout r, Worker fresh, String why, Worker kept, Runnable then) {
    fresh.rollout = r;
    launchAndWait(fresh, new MachineEvent.Start(fresh.spec, why, MachineEvent.StartKind.TRIAL))
        .thenAccept(
            admitted ->
                loop.post(
                    () -> {
                      if (!admitted.online()) {
                        discard(entry, r, fresh, admitted.reason(), kept);
                        return;
                      }
                      r.touched.add(fresh.id);
                      r.admitted.add(fresh);
                      routed(fresh);
                      fresh.rollout = null; // its later restarts are its own, not steps of this
                      fresh.stepsStarted.clear();
                      then.run();
                    }));
  }

  private CompletableFuture<Worker.Admission> launchAndWait(Worker w, MachineEvent start) {
    CompletableFuture<Worker.Admission> admission = new CompletableFuture<>();
    w.admission = admission;
    runner.launch(w, start);
    return admission;
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

  /** Drains (cluster mode) and stops the worker gracefully, then removes it from its app. */
  private CompletableFuture<WorkerState> retire(Rollout r, Worker w, String why) {
    w.rollout = r;
    return runner.stop(w, why, new StopGoal.Remove(why));
  }

  /** A new worker failed: it goes, the others stay as they are, and the rollout ends. */
  private void discard(App entry, Rollout r, Worker fresh, String reason, Worker kept) {
    String failure = Rollout.failure(fresh, reason, kept);
    if (!entry.workers.contains(fresh)) {
      finish(entry, r, failure);
      return;
    }
    retire(r, fresh, "failed: " + reason)
        .thenRun(
            () ->
                loop.post(
                    () -> {
                      if (r.kind == RolloutChanged.Kind.SCALE) {
                        resized(entry);
                      }
                      finish(entry, r, r.interrupted != null ? r.interrupted : failure);
                    }));
  }

  /**
   * max_memory_restart: a worker over its limit is replaced as a reload replaces it (cluster mode:
   * a new one first, then this one drained) or restarted gracefully (fork mode).
   */
  void replaceOverMemory(App entry, Worker w, String why) {
    if (w.spec.execMode() == ExecMode.CLUSTER) {
      Rollout r =
          new Rollout(
              nextRolloutId++, w.spec.name(), RolloutChanged.Kind.RELOAD, Set.of(w.id), null);
      r.reread = false;
      r.why = why;
      enqueue(entry, r);
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
    Rollout r =
        new Rollout(nextRolloutId++, entry.spec.name(), RolloutChanged.Kind.RELOAD, Set.of(), null);
    r.reread = false;
    r.why = why;
    enqueue(entry, r);
  }

  /** pmfx closed: the app's rollouts end where they are. */
  void closed(App entry) {
    for (Rollout r : entry.rollouts) {
      r.result.complete(r.ended(r.touched, "ended: pmfx closed"));
    }
  }
}
