package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Dependency;
import dev.pmfx.config.Dependency.Condition;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.Health;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;

/**
 * Holds an app's workers back until the apps it {@code depends_on} meet their conditions, as
 * process-compose does: the workers stay stopped and the app says {@code waiting for db}; once
 * every condition is met they start, and when one can never be met (the dependency errored,
 * stopped, or exited non-zero) or the wait runs past its bound, they end errored with the reason.
 * {@link #verdict} is the pure core: a dependency's worker statuses in, met, waiting or failed out.
 * Loop only.
 */
final class StartOrder {

  /** How long an app waits at least for its dependencies: longer when one's listen_timeout is. */
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

  /** Whether an app's dependencies let it start. */
  sealed interface Verdict {
    /** Every condition is met: it starts. */
    record Met() implements Verdict {}

    /** These dependencies have yet to meet theirs. */
    record Waiting(List<String> on) implements Verdict {}

    /** A dependency can never meet its condition, for this reason ({@code db is errored}). */
    record Failed(String why) implements Verdict {}
  }

  private static final Verdict MET = new Verdict.Met();

  /** An app whose workers wait, with the start each is to be fed and when the wait gives up. */
  private record Held(
      App app, List<Worker> workers, MachineEvent.Start start, ScheduledFuture<?> timer) {}

  private final Loop loop;
  private final EventHub events;
  private final EffectRunner runner;
  private final Apps apps;
  private final Map<String, Held> held = new LinkedHashMap<>();
  private boolean evaluating;

  StartOrder(Loop loop, EventHub events, EffectRunner runner, Apps apps) {
    this.loop = loop;
    this.events = events;
    this.runner = runner;
    this.apps = apps;
  }

  // ---------------------------------------------------------------- pure

  /**
   * Whether an app that {@code wanted} these conditions may start, given each dependency's workers
   * ({@code workersOf}: empty when no such app runs here) and the apps that are held themselves.
   */
  static Verdict verdict(
      Map<String, Condition> wanted,
      Function<String, Optional<List<WorkerStatus>>> workersOf,
      Set<String> heldApps) {
    List<String> waiting = new ArrayList<>();
    for (Map.Entry<String, Condition> e : wanted.entrySet()) {
      String dependency = e.getKey();
      if (heldApps.contains(dependency)) {
        waiting.add(dependency);
        continue;
      }
      List<WorkerStatus> workers = workersOf.apply(dependency).orElse(List.of());
      if (workers.isEmpty()) {
        return new Verdict.Failed(dependency + " does not run here");
      }
      Optional<String> failure = failure(dependency, e.getValue(), workers);
      if (failure.isPresent()) {
        return new Verdict.Failed(failure.get());
      }
      if (!met(e.getValue(), workers)) {
        waiting.add(dependency);
      }
    }
    return waiting.isEmpty() ? MET : new Verdict.Waiting(waiting);
  }

  /** Whether the dependency's workers meet the condition now. */
  static boolean met(Condition condition, List<WorkerStatus> workers) {
    return switch (condition) {
      case ONLINE -> workers.stream().allMatch(w -> w.state() == WorkerState.ONLINE);
      case HEALTHY ->
          workers.stream()
              .allMatch(
                  w ->
                      w.state() == WorkerState.ONLINE
                          && w.health().state() == Health.State.HEALTHY);
      case COMPLETED -> workers.stream().allMatch(StartOrder::completed);
    };
  }

  /** Ran, and exited with code 0 on its own. */
  private static boolean completed(WorkerStatus w) {
    return w.state() == WorkerState.STOPPED
        && w.lastExitCode().equals(OptionalInt.of(0))
        && w.lastSignal().isEmpty();
  }

  /** Why the dependency can never meet the condition as it is now; empty while it still may. */
  static Optional<String> failure(
      String dependency, Condition condition, List<WorkerStatus> workers) {
    for (WorkerStatus w : workers) {
      switch (w.state()) {
        case ERRORED -> {
          return Optional.of(
              dependency
                  + " is errored"
                  + (w.lastExitCode().isPresent()
                      ? " (its last exit code " + w.lastExitCode().getAsInt() + ")"
                      : ""));
        }
        case STOPPED -> {
          if (condition != Condition.COMPLETED) {
            return Optional.of(dependency + " is stopped");
          }
          if (w.lastSignal().isPresent()) {
            return Optional.of(dependency + " was ended by " + w.lastSignal().get());
          }
          if (w.lastExitCode().isEmpty()) {
            return Optional.of(dependency + " is stopped and has not run");
          }
          if (w.lastExitCode().getAsInt() != 0) {
            return Optional.of(dependency + " exited with code " + w.lastExitCode().getAsInt());
          }
        }
        case ONLINE -> {
          if (condition == Condition.HEALTHY && !w.health().checked()) {
            return Optional.of(dependency + " has no health check to be healthy by");
          }
        }
        default -> {}
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- on the loop

  /**
   * Starts the app's workers with {@code start}: at once when it depends on nothing, else once its
   * dependencies meet their conditions.
   *
   * @return why a worker could not start at once, one line each
   */
  List<dev.pmfx.engine.CommandResult.Problem> start(
      App app, List<Worker> workers, MachineEvent.Start start) {
    cancel(app.spec.name(), false);
    if (app.spec.dependsOn().isEmpty()) {
      if (app.startNote != null) {
        app.startNote = null;
        updated(app);
      }
      return launch(workers, start);
    }
    Duration wait = bound(app.spec);
    String name = app.spec.name();
    ScheduledFuture<?> timer = loop.after(wait, () -> gaveUp(name, wait));
    held.put(name, new Held(app, List.copyOf(workers), start, timer));
    app.startNote = AppStatus.WAITING + String.join(", ", app.spec.dependsOn().keySet());
    updated(app);
    loop.post(this::evaluate);
    return List.of();
  }

  /**
   * The bound of an app's wait: {@link #DEFAULT_WAIT}, or its dependencies' listen_timeout, or for
   * one it waits to be healthy, the time its check may take to find it so (its start_period and
   * {@code failures} intervals), when longer.
   */
  private Duration bound(AppSpec spec) {
    Duration wait = DEFAULT_WAIT;
    for (var dependency : spec.dependsOn().entrySet()) {
      App other = apps.get(dependency.getKey());
      if (other == null) {
        continue;
      }
      if (other.spec.listenTimeout().compareTo(wait) > 0) {
        wait = other.spec.listenTimeout();
      }
      if (dependency.getValue() == dev.pmfx.config.Dependency.Condition.HEALTHY
          && other.spec.healthCheck().isPresent()) {
        var check = other.spec.healthCheck().get();
        Duration checked =
            check.startPeriod().plus(check.interval().multipliedBy(check.failures()));
        if (checked.compareTo(wait) > 0) {
          wait = checked;
        }
      }
    }
    return wait;
  }

  /** Whether the app's workers are held. */
  boolean holds(String app) {
    return held.containsKey(app);
  }

  /** A worker moved: held apps may start now, or never. */
  void moved() {
    if (!held.isEmpty()) {
      loop.post(this::evaluate);
    }
  }

  /** The app's workers are no longer held (stopped, restarted or deleted while they waited). */
  void cancel(String app) {
    cancel(app, true);
  }

  private void cancel(String app, boolean clearNote) {
    Held h = held.remove(app);
    if (h != null) {
      h.timer().cancel(false);
    }
    App entry = apps.get(app);
    if (clearNote && entry != null && entry.startNote != null) {
      entry.startNote = null;
      updated(entry);
    }
  }

  /**
   * The apps to start with {@code asked}: the apps they depend on, transitively, that are placed
   * here and neither run nor are held, nor {@linkplain #completedFor completed}, as {@code docker
   * compose up web} starts {@code db}.
   */
  List<App> dependenciesToStart(Collection<String> asked) {
    List<AppSpec> specs = apps.all().stream().map(a -> a.spec).toList();
    List<App> extra = new ArrayList<>();
    for (String name : Dependency.withDependencies(asked, Dependency.edges(specs))) {
      App app = apps.get(name);
      if (!asked.contains(name)
          && app != null
          && !held.containsKey(name)
          && app.workers.stream().allMatch(Worker::atRest)
          && !completedFor(name, specs)) {
        extra.add(app);
      }
    }
    return extra;
  }

  /**
   * Whether the app ran here and exited with code 0, and the apps of {@code specs} that depend on
   * it ask only that of it: starting them does not run it again.
   */
  boolean completedFor(String name, Collection<AppSpec> specs) {
    App app = apps.get(name);
    Set<Condition> wanted = new LinkedHashSet<>();
    specs.forEach(s -> Optional.ofNullable(s.dependsOn().get(name)).ifPresent(wanted::add));
    return app != null
        && wanted.equals(Set.of(Condition.COMPLETED))
        && app.workers.stream().map(Worker::status).allMatch(StartOrder::completed);
  }

  /**
   * Stops {@code workers} app by app with {@code stop}, dependents first: an app's stop begins once
   * the apps among them that depend on it are stopped (web before db). Apps that do not depend on
   * each other stop together.
   */
  CompletableFuture<Void> inStopOrder(
      List<Worker> workers, Function<List<Worker>, CompletableFuture<Void>> stop) {
    List<App> targets = apps.of(workers);
    Map<String, List<String>> edges = Dependency.edges(targets.stream().map(a -> a.spec).toList());
    Map<String, CompletableFuture<Void>> stopped = new LinkedHashMap<>();
    List<Worker> loose = new ArrayList<>(workers);
    for (String name : Dependency.stopOrder(List.copyOf(edges.keySet()), edges)) {
      List<Worker> mine = workers.stream().filter(w -> w.spec.name().equals(name)).toList();
      loose.removeAll(mine);
      List<CompletableFuture<Void>> dependents =
          edges.entrySet().stream()
              .filter(e -> e.getValue().contains(name) && stopped.containsKey(e.getKey()))
              .map(e -> stopped.get(e.getKey()))
              .toList();
      stopped.put(
          name,
          dependents.isEmpty()
              ? stop.apply(mine)
              : CompletableFuture.allOf(dependents.toArray(CompletableFuture[]::new))
                  .handle((x, error) -> x)
                  .thenCompose(x -> loop.call(() -> stop.apply(mine))));
    }
    stopped.put("", stop.apply(loose));
    return CompletableFuture.allOf(stopped.values().toArray(CompletableFuture[]::new));
  }

  /**
   * How many steps stopping every app takes in {@link #inStopOrder}: the apps in the longest chain
   * of dependencies among them; 1 when none depends on another.
   */
  int stopSteps() {
    Map<String, List<String>> edges =
        Dependency.edges(apps.all().stream().map(a -> a.spec).toList());
    Map<String, Integer> steps = new LinkedHashMap<>();
    int most = 1;
    for (String app : edges.keySet()) {
      most = Math.max(most, steps(app, edges, steps, new LinkedHashSet<>()));
    }
    return most;
  }

  private static int steps(
      String app, Map<String, List<String>> edges, Map<String, Integer> known, Set<String> path) {
    Integer done = known.get(app);
    if (done != null) {
      return done;
    }
    if (!edges.containsKey(app) || !path.add(app)) {
      return 0; // not here, or a circle, which a file cannot have
    }
    int deepest = 0;
    for (String dependency : edges.get(app)) {
      deepest = Math.max(deepest, steps(dependency, edges, known, path));
    }
    path.remove(app);
    known.put(app, deepest + 1);
    return deepest + 1;
  }

  private void evaluate() {
    if (evaluating) {
      return;
    }
    evaluating = true;
    try {
      boolean changed = true;
      while (changed) {
        changed = false;
        for (Held h : List.copyOf(held.values())) {
          if (held.get(h.app().spec.name()) != h) {
            continue;
          }
          switch (verdict(h.app().spec.dependsOn(), this::workersOf, held.keySet())) {
            case Verdict.Met m -> {
              release(h);
              changed = true;
            }
            case Verdict.Failed f -> {
              fail(h, f.why());
              changed = true;
            }
            case Verdict.Waiting w -> {
              String note = AppStatus.WAITING + String.join(", ", w.on());
              if (!note.equals(h.app().startNote)) {
                h.app().startNote = note;
                updated(h.app());
              }
            }
          }
        }
      }
    } finally {
      evaluating = false;
    }
  }

  private Optional<List<WorkerStatus>> workersOf(String app) {
    return Optional.ofNullable(apps.get(app))
        .map(a -> a.workers.stream().map(Worker::status).toList());
  }

  private void release(Held h) {
    held.remove(h.app().spec.name());
    h.timer().cancel(false);
    h.app().startNote = null;
    updated(h.app());
    apps.note(h.app().spec.name(), "what it depends on is ready: starting");
    launch(h.workers(), h.start())
        .forEach(p -> apps.note(h.app().spec.name(), "not started: " + p.message()));
  }

  private void fail(Held h, String why) {
    held.remove(h.app().spec.name());
    h.timer().cancel(false);
    h.app().startNote = "not started: " + why;
    updated(h.app());
    apps.note(h.app().spec.name(), "not started: " + why);
    for (Worker w : h.workers()) {
      if (apps.worker(w.id) == w && w.atRest()) {
        runner.stop(w, "not started: " + why, new StopGoal.Fail("not started: " + why));
      }
    }
  }

  private void gaveUp(String app, Duration wait) {
    Held h = held.get(app);
    if (h == null) {
      return;
    }
    evaluate();
    if (held.get(app) != h) {
      return; // decided meanwhile
    }
    List<String> on =
        verdict(h.app().spec.dependsOn(), this::workersOf, held.keySet())
                instanceof Verdict.Waiting w
            ? w.on()
            : List.copyOf(h.app().spec.dependsOn().keySet());
    List<String> each = new ArrayList<>();
    on.forEach(d -> each.add(d + " to be " + h.app().spec.dependsOn().get(d).word()));
    fail(h, "waited " + wait.toSeconds() + " s for " + String.join(", ", each));
  }

  private List<dev.pmfx.engine.CommandResult.Problem> launch(
      List<Worker> workers, MachineEvent.Start start) {
    List<dev.pmfx.engine.CommandResult.Problem> problems = new ArrayList<>();
    for (Worker w : workers) {
      if (apps.worker(w.id) == w && w.atRest()) {
        runner.launch(w, start).ifPresent(problems::add);
      }
    }
    return problems;
  }

  private void updated(App app) {
    events.publish(new EngineEvent.AppUpdated(loop.now(), apps.status(app)));
  }
}
