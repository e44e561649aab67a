package dev.pmfx.ui;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Ecosystem;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.MetricsSample;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.metrics.History;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.HistoryEntry;
import dev.pmfx.ui.ProcessItems.LogEntry;
import dev.pmfx.ui.ProcessItems.RolloutItem;
import dev.pmfx.ui.ProcessItems.Row;
import dev.pmfx.ui.ProcessItems.WorkerItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The process table's rows as the engine's events make them: apps in file order with their workers,
 * their logs, history, figures and rollouts.
 */
final class TableProjection {

  private final ObservableList<AppItem> apps = FXCollections.observableArrayList();
  private final StringProperty filter = new SimpleStringProperty("");
  private final javafx.beans.property.ObjectProperty<String> hostFilter =
      new javafx.beans.property.SimpleObjectProperty<>();
  private final FilteredList<AppItem> visibleApps = new FilteredList<>(apps);
  private final History history = new History();
  private final ReadOnlyLongWrapper samples = new ReadOnlyLongWrapper();
  private final ReadOnlyLongWrapper revision = new ReadOnlyLongWrapper();
  private final WindowStatus status;
  private final Function<String, Optional<AppSpec>> declared;

  /**
   * Per host, the time of the last event applied: history older than that was seen already (the
   * hosts' clocks differ, so each has its own).
   */
  private final Map<String, Long> seenUntil = new HashMap<>();

  /**
   * @param declared the app as an open file declares it, if one does: an app the engine forgets
   *     stays in the table, not started, while its file is open
   */
  TableProjection(WindowStatus status, Function<String, Optional<AppSpec>> declared) {
    this.status = status;
    this.declared = declared;
    filter.addListener((o, was, now) -> filtered());
    hostFilter.addListener((o, was, now) -> filtered());
  }

  private void filtered() {
    String text = filter.get();
    String host = hostFilter.get();
    visibleApps.setPredicate(
        app -> (host == null || app.host().equals(host)) && matches(app, text));
  }

  /** The one host whose apps show; null for every host's. */
  javafx.beans.property.ObjectProperty<String> hostFilterProperty() {
    return hostFilter;
  }

  ObservableList<AppItem> apps() {
    return apps;
  }

  StringProperty filterProperty() {
    return filter;
  }

  ObservableList<AppItem> visibleApps() {
    return visibleApps;
  }

  History history() {
    return history;
  }

  ReadOnlyLongProperty samplesProperty() {
    return samples.getReadOnlyProperty();
  }

  ReadOnlyLongProperty revisionProperty() {
    return revision.getReadOnlyProperty();
  }

  /** Tells the views that watch the revision to redraw. */
  void revised() {
    revision.set(revision.get() + 1);
  }

  /** Whether the app's name, namespace, script, host or a worker's name contain the filter. */
  static boolean matches(AppItem app, String filter) {
    String wanted = filter == null ? "" : filter.strip().toLowerCase(Locale.ROOT);
    if (wanted.isEmpty()) {
      return true;
    }
    AppSpec spec = app.specProperty().get();
    return Stream.concat(
            Stream.of(app.name(), spec.namespace(), spec.script(), app.host()),
            app.workers().stream().map(w -> w.status().label()))
        .anyMatch(text -> text.toLowerCase(Locale.ROOT).contains(wanted));
  }

  /** The app of this machine called {@code name}. */
  Optional<AppItem> item(String name) {
    return item(Hosts.LOCAL, name);
  }

  Optional<AppItem> item(String host, String name) {
    return apps.stream().filter(a -> a.name().equals(name) && a.host().equals(host)).findFirst();
  }

  /** The app {@code name} on each host whose engine knows it, in the table's order. */
  Stream<AppItem> running(String name) {
    return apps.stream().filter(a -> a.name().equals(name) && a.knownProperty().get());
  }

  /** The apps of {@code host}. */
  Stream<AppItem> appsOf(String host) {
    return apps.stream().filter(a -> a.host().equals(host));
  }

  /**
   * This machine's workers with a process, or crashed and about to get one again: those closing the
   * window leaves running, or stops. Other hosts' workers are their daemons' alone.
   */
  Stream<WorkerItem> runningWorkers() {
    return appsOf(Hosts.LOCAL)
        .flatMap(a -> a.workers().stream())
        .filter(w -> w.status().state().running() || w.status().state() == WorkerState.CRASHED);
  }

  /**
   * Orders the table: each open file's apps in file order, then apps only this machine's engine
   * knows, then each other host's apps, host after host.
   */
  void arrange(List<Ecosystem> files) {
    List<AppItem> ordered = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    for (Ecosystem ecosystem : files) {
      for (AppSpec spec : ecosystem.apps()) {
        if (!placed.add(spec.name())) {
          continue;
        }
        AppItem item = item(spec.name()).orElseGet(() -> new AppItem(Hosts.LOCAL, spec));
        if (!item.knownProperty().get()) {
          item.specProperty().set(spec);
        }
        ordered.add(item);
      }
    }
    appsOf(Hosts.LOCAL)
        .filter(a -> a.knownProperty().get() && !placed.contains(a.name()))
        .forEach(ordered::add);
    apps.stream().filter(a -> !a.host().equals(Hosts.LOCAL)).forEach(ordered::add);
    apps.setAll(ordered);
  }

  /**
   * Adds an app after the last of its host's, so that each host's apps stay together: this
   * machine's before every other host's, a new host's at the end.
   */
  private void add(AppItem app) {
    int at = apps.size();
    if (app.host().equals(Hosts.LOCAL)) {
      at = 0;
      while (at < apps.size() && apps.get(at).host().equals(Hosts.LOCAL)) {
        at++;
      }
    } else {
      for (int i = 0; i < apps.size(); i++) {
        if (apps.get(i).host().equals(app.host())) {
          at = i + 1;
        }
      }
    }
    apps.add(at, app);
  }

  /** Greys the host's rows while it is not reached, and shows them again once it is. */
  void reachable(String host, boolean reached) {
    appsOf(host)
        .forEach(
            app -> {
              app.reachableProperty().set(reached);
              app.workers().forEach(w -> w.reachableProperty().set(reached));
            });
  }

  /** Takes a host's apps out of the table: it was removed from the Hosts list. */
  void forget(String host) {
    appsOf(host).toList().forEach(app -> history.forget(app.historyKey()));
    apps.removeIf(a -> a.host().equals(host));
    seenUntil.remove(host);
  }

  /** How many apps, how many workers online, how many warnings, for the status bar. */
  String summary(long warnings) {
    long online =
        apps.stream()
            .flatMap(a -> a.workers().stream())
            .filter(w -> w.status().state() == WorkerState.ONLINE)
            .count();
    long workers = apps.stream().mapToLong(a -> a.workers().size()).sum();
    String count = apps.size() + (apps.size() == 1 ? " app" : " apps");
    String text =
        workers == 0
            ? count + ", not started"
            : count + ", " + online + " of " + workers + " workers online";
    return text
        + (warnings > 0 ? " · " + warnings + (warnings == 1 ? " warning" : " warnings") : "");
  }

  /** Applies what this machine's engine reported since the last batch. */
  boolean apply(EngineBridge.Batch batch) {
    return apply(Hosts.LOCAL, batch);
  }

  /**
   * Applies what {@code host}'s engine reported since the last batch; true when anything changed.
   */
  boolean apply(String host, EngineBridge.Batch batch) {
    if (batch.snapshot() != null) {
      Set<String> names = new HashSet<>();
      for (AppStatus app : batch.snapshot()) {
        names.add(app.name());
        known(host, app);
      }
      // A snapshot is all the engine knows: a new daemon's, after the window lost the old one.
      appsOf(host)
          .filter(a -> a.knownProperty().get() && !names.contains(a.name()))
          .map(AppItem::name)
          .toList()
          .forEach(name -> removed(host, name));
    }
    long seen = seenUntil.getOrDefault(host, Long.MIN_VALUE);
    for (EngineEvent event : batch.past()) {
      // Only what this window has not seen yet: it may have seen some, before a reconnection.
      if (event.at().toEpochMilli() <= seen) {
        continue;
      }
      switch (event) {
        case MetricsSample sample -> chart(host, sample);
        case EngineEvent.WorkerChanged changed -> remember(host, changed);
        default -> {}
      }
    }
    Map<Row, List<LogEntry>> lines = new LinkedHashMap<>();
    for (EngineEvent event : batch.events()) {
      switch (event) {
        case EngineEvent.AppAdded added -> known(host, added.app());
        case EngineEvent.AppRemoved removed -> removed(host, removed.app());
        case EngineEvent.WorkerChanged changed -> changed(host, changed);
        case MetricsSample sample -> measured(host, sample);
        case EngineEvent.AppUpdated updated -> {
          known(host, updated.app());
          troubleBegun(host, updated.app());
        }
        case EngineEvent.WorkerRemoved gone ->
            item(host, gone.app())
                .ifPresent(app -> app.workers().removeIf(w -> w.id() == gone.workerId()));
        case EngineEvent.RolloutChanged rollout -> rollout(host, rollout);
        case EngineEvent.RolloutStep step ->
            item(host, step.app())
                .map(app -> app.rolloutProperty().get())
                .filter(r -> r.id() == step.rollout())
                .ifPresent(r -> r.step(step));
        case EngineEvent.LogLine line -> logged(host, line, lines);
        case EngineEvent.HealthChecked checked -> checked(host, checked);
      }
    }
    lines.forEach(Row::addLogs);
    for (EngineEvent event : batch.events()) {
      seen = Math.max(seen, event.at().toEpochMilli());
    }
    seenUntil.put(host, seen);
    return !batch.events().isEmpty() || batch.snapshot() != null;
  }

  private void logged(String host, EngineEvent.LogLine line, Map<Row, List<LogEntry>> lines) {
    AppItem app = item(host, line.app()).orElse(null);
    if (app != null) {
      LogEntry entry = ProcessItems.entry(line);
      lines.computeIfAbsent(app, k -> new ArrayList<>()).add(entry);
      WorkerItem worker = app.worker(line.workerId());
      if (worker != null) {
        lines.computeIfAbsent(worker, k -> new ArrayList<>()).add(entry);
      }
    }
  }

  private void known(String host, AppStatus status) {
    AppItem item =
        item(host, status.name())
            .orElseGet(
                () -> {
                  AppItem created = new AppItem(host, status.spec());
                  add(created);
                  return created;
                });
    item.knownProperty().set(true);
    item.specProperty().set(status.spec());
    item.startNoteProperty().set(status.startNote().orElse(""));
    Set<Integer> ids = new HashSet<>();
    status.workers().forEach(w -> ids.add(w.id()));
    item.workers().removeIf(w -> !ids.contains(w.id())); // the engine's word is the whole truth
    for (WorkerStatus worker : status.workers()) {
      WorkerItem existing = item.worker(worker.id());
      if (existing == null) {
        join(item, new WorkerItem(host, worker));
      } else {
        existing.statusProperty().set(worker);
      }
    }
  }

  /** Tells the window once when an app's logs begin to be dropped (a full disk). */
  private void troubleBegun(String host, AppStatus app) {
    item(host, app.name())
        .ifPresent(
            shown -> {
              if (shown.logTroubleProperty().get().isEmpty() && !app.logTrouble().isEmpty()) {
                status.tell(Hosts.on(host, app.name()) + ": " + app.logTrouble().getFirst());
              }
              shown.logTroubleProperty().set(app.logTrouble());
            });
  }

  private void removed(String host, String name) {
    history.forget(Hosts.historyKey(host, name));
    item(host, name)
        .ifPresent(
            item -> {
              item.workers().clear();
              item.knownProperty().set(false);
              item.startNoteProperty().set("");
              Optional<AppSpec> inFile =
                  host.equals(Hosts.LOCAL) ? declared.apply(name) : Optional.empty();
              if (inFile.isPresent()) {
                item.specProperty().set(inFile.get());
              } else {
                apps.remove(item);
              }
            });
  }

  private void measured(String host, MetricsSample sample) {
    for (MetricsSample.WorkerRequests requests : sample.requests()) {
      item(host, requests.app())
          .map(app -> app.worker(requests.workerId()))
          .ifPresent(worker -> worker.requestsProperty().set(requests));
    }
    for (MetricsSample.WorkerUsage usage : sample.workers()) {
      item(host, usage.app())
          .map(app -> app.worker(usage.workerId()))
          .ifPresent(
              worker -> {
                worker.usageProperty().set(usage);
                worker.probesProperty().set(sample.probesOf(usage.workerId()).orElse(null));
              });
    }
    chart(host, sample);
    samples.set(samples.get() + 1);
  }

  /** Adds the sample to the charts' history: figures, and the workers' own metrics. */
  private void chart(String host, MetricsSample sample) {
    long at = sample.at().toEpochMilli();
    history.add(at, readings(host, sample));
    for (MetricsSample.WorkerProbes probes : sample.probes()) {
      for (MetricsSample.CustomMetric metric : probes.metrics()) {
        if (metric.custom()) {
          metric
              .numeric()
              .ifPresent(
                  v ->
                      history.addCustom(
                          at,
                          Hosts.historyKey(host, probes.app()),
                          probes.workerId(),
                          metric.name(),
                          v));
        }
      }
    }
  }

  /** A sample as the charts' history keeps it. */
  private static List<History.Reading> readings(String host, MetricsSample sample) {
    Map<Integer, MetricsSample.WorkerRequests> counted = new HashMap<>();
    sample.requests().forEach(r -> counted.put(r.workerId(), r));
    List<History.Reading> readings = new ArrayList<>();
    for (MetricsSample.WorkerUsage usage : sample.workers()) {
      MetricsSample.WorkerRequests r = counted.get(usage.workerId());
      readings.add(
          new History.Reading(
              Hosts.historyKey(host, usage.app()),
              usage.workerId(),
              usage.instance(),
              usage.cpuPercent(),
              usage.memoryBytes(),
              r != null,
              r == null ? 0 : r.requests(),
              r == null ? 0 : r.errors(),
              r == null ? 0 : r.p50Millis(),
              r == null ? 0 : r.p99Millis(),
              usage.healthCheckMillis()));
    }
    return readings;
  }

  /**
   * Adds a worker's row after the rows of its instance number and below: a reload's new worker
   * shows right under the one it replaces.
   */
  private static void join(AppItem app, WorkerItem worker) {
    int at = 0;
    while (at < app.workers().size()
        && app.workers().get(at).status().instance() <= worker.status().instance()) {
      at++;
    }
    app.workers().add(at, worker);
  }

  private void rollout(String host, EngineEvent.RolloutChanged changed) {
    AppItem app = item(host, changed.app()).orElse(null);
    if (app == null) {
      return;
    }
    RolloutItem shown = app.rolloutProperty().get();
    if (shown != null && shown.id() == changed.rollout()) {
      shown.stateProperty().set(changed);
    } else if (shown == null
        || shown.over()
        || changed.phase() != EngineEvent.RolloutChanged.Phase.QUEUED) {
      // A queued one waits its turn behind the one shown; it shows once it runs.
      app.rolloutProperty().set(new RolloutItem(changed));
    }
    String what = changed.kind().name().toLowerCase(Locale.ROOT);
    if (changed.phase() == EngineEvent.RolloutChanged.Phase.FAILED) {
      status.tell(Hosts.on(host, changed.app()) + " " + what + " failed: " + changed.detail());
    }
  }

  /**
   * Adds a state change to its app's and worker's history (the Events tab), without touching their
   * state; returns the worker's name.
   */
  private String remember(String host, EngineEvent.WorkerChanged changed) {
    WorkerStatus worker = changed.worker();
    String source = worker.label();
    HistoryEntry entry =
        new HistoryEntry(
            changed.at(), source, changed.from().label(), worker.state().label(), changed.reason());
    item(host, worker.name())
        .ifPresent(
            app -> {
              app.addHistory(entry);
              WorkerItem row = app.worker(worker.id());
              if (row != null) {
                row.addHistory(entry);
              }
            });
    return source;
  }

  /** A worker's health changed, or a check failed: its row, and the Events tab. */
  private void checked(String host, EngineEvent.HealthChecked checked) {
    WorkerStatus worker = checked.worker();
    AppItem app = item(host, worker.name()).orElse(null);
    WorkerItem row = app == null ? null : app.worker(worker.id());
    if (row == null) {
      return;
    }
    row.statusProperty().set(worker);
    dev.pmfx.engine.Health health = worker.health();
    HistoryEntry entry =
        new HistoryEntry(
            checked.at(),
            worker.label(),
            "health: " + checked.from().label(),
            "health: " + health.state().label(),
            (health.failures() > 0
                    ? (health.failures() == 1
                            ? "check failed"
                            : health.failures() + " checks failed in a row")
                        + ": "
                    : "")
                + health.detail());
    app.addHistory(entry);
    row.addHistory(entry);
  }

  private void changed(String host, EngineEvent.WorkerChanged changed) {
    WorkerStatus worker = changed.worker();
    AppItem app = item(host, worker.name()).orElse(null);
    if (app == null) {
      return;
    }
    WorkerItem row = app.worker(worker.id());
    if (row == null) {
      row = new WorkerItem(host, worker);
      join(app, row);
    } else {
      row.statusProperty().set(worker);
    }
    if (!worker.state().running()) {
      row.usageProperty().set(null);
      row.requestsProperty().set(null); // its counts start again when it rejoins
    }
    String source = remember(host, changed);
    if (worker.state() == WorkerState.ERRORED || worker.state() == WorkerState.CRASHED) {
      status.tell(Hosts.on(host, source) + " " + worker.state().label() + ": " + changed.reason());
    }
  }
}
