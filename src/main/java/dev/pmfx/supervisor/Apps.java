package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult.Problem;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.Target;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** The apps the supervisor runs and their workers, by name and by id. Loop only. */
final class Apps {

  /** The environment the worker's last process started with; empty: no such worker, or none. */
  java.util.Optional<Map<String, String>> launchedWith(int workerId) {
    return java.util.Optional.ofNullable(workers.get(workerId)).map(w -> w.launchedWith);
  }

  /** The workers a target names, and what it named that does not exist. */
  record Resolved(List<Worker> workers, List<Problem> problems) {}

  private final Map<String, App> apps = new LinkedHashMap<>();
  private final Map<Integer, Worker> workers = new LinkedHashMap<>();
  private final EventHub events;
  private final WorkerLogs logs;
  private final Routing routing;
  private final Supplier<Instant> clock;
  private int nextWorkerId;

  Apps(EventHub events, WorkerLogs logs, Routing routing, Supplier<Instant> clock) {
    this.events = events;
    this.logs = logs;
    this.routing = routing;
    this.clock = clock;
  }

  App get(String name) {
    return apps.get(name);
  }

  Worker worker(int id) {
    return workers.get(id);
  }

  Collection<App> all() {
    return apps.values();
  }

  Collection<Worker> workers() {
    return workers.values();
  }

  /** The app's entry, created or updated to the spec, with one worker per instance. */
  App place(AppSpec spec) {
    App entry = apps.get(spec.name());
    boolean added = entry == null;
    if (added) {
      entry = new App(spec);
      apps.put(spec.name(), entry);
    }
    entry.spec = spec;
    while (entry.workers.size() < spec.instances()) {
      Worker w = new Worker(nextWorkerId++, entry.workers.size(), spec, clock.get(), 0);
      entry.workers.add(w);
      workers.put(w.id, w);
    }
    while (entry.workers.size() > spec.instances()) {
      Worker extra = entry.workers.removeLast();
      workers.remove(extra.id);
      logs.forget(extra.key);
      routing.forget(extra);
      if (!added) {
        events.publish(
            new EngineEvent.WorkerRemoved(
                clock.get(), spec.name(), extra.id, "the file asks for " + spec.instances()));
      }
    }
    if (added) {
      events.publish(new EngineEvent.AppAdded(clock.get(), status(entry)));
    }
    return entry;
  }

  /**
   * The app as a daemon before this one recorded it, its workers under their recorded ids and
   * instance numbers with their restart counts, all stopped; none when the engine has the app or
   * one of the ids already.
   */
  java.util.Optional<App> placeRecorded(AppSpec spec, List<dev.pmfx.engine.WorkerStatus> recorded) {
    if (apps.containsKey(spec.name())
        || recorded.isEmpty()
        || recorded.stream().anyMatch(r -> workers.containsKey(r.id()))) {
      return java.util.Optional.empty();
    }
    App entry = new App(spec);
    apps.put(spec.name(), entry);
    for (dev.pmfx.engine.WorkerStatus r : recorded) {
      Worker w = new Worker(r.id(), r.instance(), spec, clock.get(), r.restarts());
      entry.workers.add(w);
      workers.put(w.id, w);
      nextWorkerId = Math.max(nextWorkerId, r.id() + 1);
    }
    events.publish(new EngineEvent.AppAdded(clock.get(), status(entry)));
    return java.util.Optional.of(entry);
  }

  /**
   * A new worker of the app, placed after the others of its instance number, with the environment
   * of {@code like} (none: pmfx's own).
   */
  Worker join(App entry, int instance, AppSpec spec, Worker like, int restarts) {
    Worker w = new Worker(nextWorkerId++, instance, spec, clock.get(), restarts);
    if (like != null) {
      w.envName = like.envName;
      w.environment = like.environment;
    }
    int at = 0;
    while (at < entry.workers.size() && entry.workers.get(at).instance <= instance) {
      at++;
    }
    entry.workers.add(at, w);
    workers.put(w.id, w);
    return w;
  }

  /**
   * The worker leaves its app; the app goes with its last worker, after {@code gone} has seen it.
   */
  void remove(Worker w, String why, Consumer<App> gone) {
    App entry = apps.get(w.spec.name());
    workers.remove(w.id);
    logs.forget(w.key);
    routing.forget(w);
    if (entry == null) {
      return;
    }
    entry.workers.remove(w);
    if (entry.workers.isEmpty()) {
      apps.remove(w.spec.name());
      routing.close(w.spec.name());
      gone.accept(entry);
      events.publish(new EngineEvent.AppRemoved(clock.get(), w.spec.name()));
    } else {
      events.publish(new EngineEvent.WorkerRemoved(clock.get(), w.spec.name(), w.id, why));
      entry.workers.stream()
          .filter(s -> s.replaces == w)
          .findFirst()
          .ifPresent(successor -> takeId(successor, w.id));
    }
  }

  /**
   * The worker that replaced another takes its id, as PM2 keeps {@code pm_id} across a reload:
   * views hear that its new id left and then of the worker under the old id.
   */
  private void takeId(Worker w, int id) {
    int was = w.id;
    w.replaces = null;
    workers.remove(was);
    w.id = id;
    workers.put(id, w);
    events.publish(
        new EngineEvent.WorkerRemoved(clock.get(), w.spec.name(), was, "now worker " + id));
    events.publish(
        new EngineEvent.WorkerChanged(
            clock.get(), w.state(), w.status(), "took id " + id + " from the worker it replaced"));
  }

  /** An app's snapshot, with its balancer's port and counts in cluster mode. */
  AppStatus status(App entry) {
    return routing.decorate(entry.status(logs.troubles(entry.spec)));
  }

  List<AppStatus> snapshot() {
    return apps.values().stream().map(this::status).toList();
  }

  /** A line from pmfx in the app's workers' logs. */
  void note(String app, String text) {
    App entry = apps.get(app);
    if (entry != null) {
      logs.note(entry.workers, text);
    }
  }

  /** The workers a target names: all, a worker id, an app, or a namespace. */
  Resolved resolve(Target target) {
    String text = target.text();
    List<Worker> found =
        switch (target) {
          case Target.All all -> List.copyOf(workers.values());
          case Target.WorkerId id -> Stream.ofNullable(workers.get(id.id())).toList();
          case Target.Named named ->
              named
                  .select(
                      apps.values(),
                      a -> a.spec.name(),
                      a -> a.spec.namespace(),
                      (a, id) -> a.workers.stream().anyMatch(w -> w.id == id))
                  .stream()
                  .flatMap(a -> a.workers.stream())
                  .toList();
        };
    List<Problem> problems =
        found.isEmpty() && !(target instanceof Target.All)
            ? List.of(new Problem(text, "no app, worker id or namespace '" + text + "'"))
            : List.of();
    return new Resolved(found, problems);
  }

  List<App> of(List<Worker> some) {
    return some.stream()
        .map(w -> apps.get(w.spec.name()))
        .filter(Objects::nonNull)
        .distinct()
        .toList();
  }

  /** The names of apps all of whose workers are among {@code some}. */
  List<String> whole(List<Worker> some) {
    return of(some).stream()
        .filter(a -> some.containsAll(a.workers))
        .map(a -> a.spec.name())
        .toList();
  }

  static List<Integer> ids(List<Worker> some) {
    return some.stream().map(w -> w.id).toList();
  }
}
