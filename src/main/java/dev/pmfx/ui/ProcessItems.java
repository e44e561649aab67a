package dev.pmfx.ui;

import dev.pmfx.config.AppSpec;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerRequests;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerUsage;
import dev.pmfx.engine.WorkerStatus;
import java.time.Instant;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The rows of the process table and what the detail pane shows for each. */
public final class ProcessItems {

  /** Lines and history kept per row: enough to read back, bounded under a flood. */
  public static final int LOG_LINES = 5_000;

  public static final int HISTORY = 500;

  private ProcessItems() {}

  /**
   * One line of output, as the log pane shows it.
   *
   * @param earlier read back from the log files: written before this session, at no known time
   */
  public record LogEntry(Instant at, String source, boolean error, String text, boolean earlier) {
    public LogEntry(Instant at, String source, boolean error, String text) {
      this(at, source, error, text, false);
    }
  }

  /** One lifecycle step, as the events pane shows it. */
  public record HistoryEntry(Instant at, String source, String from, String to, String reason) {}

  /** What every row has: a name, its logs and its history, and whether an action runs on it. */
  public abstract static sealed class Row permits AppItem, WorkerItem {
    private final String host;
    private final BooleanProperty reachable = new SimpleBooleanProperty(true);
    private final ObservableList<LogEntry> logs = FXCollections.observableArrayList();
    private final ObservableList<HistoryEntry> history = FXCollections.observableArrayList();
    private final StringProperty action = new SimpleStringProperty("");
    private final StringProperty failure = new SimpleStringProperty("");

    Row(String host) {
      this.host = host;
    }

    /** The host whose daemon runs it, as the Hosts list names it; {@link Hosts#LOCAL} here. */
    public String host() {
      return host;
    }

    /** False while its host is not reached: the row shows its last state, greyed. */
    public BooleanProperty reachableProperty() {
      return reachable;
    }

    /** What tells it from every other row: its host and {@link #target()}. */
    public String key() {
      return key(host, target());
    }

    /** The {@link #key()} of the row of {@code target} (an app name, a worker id) on the host. */
    public static String key(String host, String target) {
      return host + "\u0000" + target;
    }

    public ObservableList<LogEntry> logs() {
      return logs;
    }

    /** Newest first. */
    public ObservableList<HistoryEntry> history() {
      return history;
    }

    /** The action running on this row ("stopping…"), empty when none. */
    public StringProperty actionProperty() {
      return action;
    }

    /** Why the last action on this row failed, in words; empty when it did not. */
    public StringProperty failureProperty() {
      return failure;
    }

    /** What commands call this row: an app name or a worker id. */
    public abstract String target();

    /** Puts lines read back from the log files before the ones this session saw. */
    void addEarlierLogs(List<LogEntry> lines) {
      logs.addAll(0, lines.subList(0, Math.min(lines.size(), LOG_LINES - logs.size())));
    }

    void addLogs(List<LogEntry> lines) {
      logs.addAll(lines);
      if (logs.size() > LOG_LINES) {
        logs.remove(0, logs.size() - LOG_LINES);
      }
    }

    void addHistory(HistoryEntry entry) {
      history.addFirst(entry);
      if (history.size() > HISTORY) {
        history.remove(HISTORY, history.size());
      }
    }
  }

  /** An app: its spec and its workers; no workers while it was never started. */
  public static final class AppItem extends Row {
    private final String name;
    private final ObjectProperty<AppSpec> spec = new SimpleObjectProperty<>();
    private final ObservableList<WorkerItem> workers = FXCollections.observableArrayList();
    private final BooleanProperty known = new SimpleBooleanProperty();
    private final ObjectProperty<RolloutItem> rollout = new SimpleObjectProperty<>();
    private final ObjectProperty<java.util.List<String>> logTrouble =
        new SimpleObjectProperty<>(java.util.List.of());
    private final javafx.beans.property.StringProperty startNote =
        new javafx.beans.property.SimpleStringProperty("");
    boolean earlierLogsAsked;

    AppItem(String host, AppSpec spec) {
      super(host);
      this.name = spec.name();
      this.spec.set(spec);
    }

    public String name() {
      return name;
    }

    /** How the charts' history knows it: its name, with {@code @host} on another host. */
    public String historyKey() {
      return Hosts.historyKey(host(), name);
    }

    public ObjectProperty<AppSpec> specProperty() {
      return spec;
    }

    public ObservableList<WorkerItem> workers() {
      return workers;
    }

    /** Its latest reload or scale, running or over; null before the first. */
    /** Its log files that cannot be written now (a full disk), a sentence each. */
    public ObjectProperty<java.util.List<String>> logTroubleProperty() {
      return logTrouble;
    }

    /** Why its workers have not started ({@code waiting for db}); empty when they are not held. */
    public javafx.beans.property.StringProperty startNoteProperty() {
      return startNote;
    }

    public ObjectProperty<RolloutItem> rolloutProperty() {
      return rollout;
    }

    /** Whether the engine knows the app (it was started in this session), not just its file. */
    public BooleanProperty knownProperty() {
      return known;
    }

    @Override
    public String target() {
      return name;
    }

    WorkerItem worker(int id) {
      return workers.stream().filter(w -> w.id() == id).findFirst().orElse(null);
    }

    /** Requests its balancer gave its workers, added up; empty outside cluster mode. */
    public java.util.OptionalLong requests() {
      List<WorkerRequests> counts =
          workers.stream().map(w -> w.requestsProperty().get()).filter(r -> r != null).toList();
      return counts.isEmpty()
          ? java.util.OptionalLong.empty()
          : java.util.OptionalLong.of(counts.stream().mapToLong(WorkerRequests::requests).sum());
    }

    /** Its workers' CPU and memory added up; empty while none has a sample. */
    public java.util.Optional<WorkerUsage> usage() {
      List<WorkerUsage> samples =
          workers.stream().map(w -> w.usageProperty().get()).filter(u -> u != null).toList();
      if (samples.isEmpty()) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(
          new WorkerUsage(
              -1,
              name,
              -1,
              samples.stream().mapToDouble(WorkerUsage::cpuPercent).sum(),
              samples.stream().mapToLong(WorkerUsage::memoryBytes).sum(),
              -1));
    }
  }

  /** A worker: its latest status and its latest CPU and memory sample. */
  public static final class WorkerItem extends Row {
    private final int id;
    private final ObjectProperty<WorkerStatus> status = new SimpleObjectProperty<>();
    private final ObjectProperty<WorkerUsage> usage = new SimpleObjectProperty<>();
    private final ObjectProperty<WorkerRequests> requests = new SimpleObjectProperty<>();
    private final ObjectProperty<EngineEvent.MetricsSample.WorkerProbes> probes =
        new SimpleObjectProperty<>();

    WorkerItem(String host, WorkerStatus status) {
      super(host);
      this.id = status.id();
      this.status.set(status);
    }

    public int id() {
      return id;
    }

    public ObjectProperty<WorkerStatus> statusProperty() {
      return status;
    }

    public WorkerStatus status() {
      return status.get();
    }

    /** What the balancer counted for it (cluster mode); null outside a balancer. */
    public ObjectProperty<WorkerRequests> requestsProperty() {
      return requests;
    }

    /**
     * What its {@code @pm2/io} reported last (its own metrics and actions); null while it has no
     * process or reported nothing.
     */
    public ObjectProperty<EngineEvent.MetricsSample.WorkerProbes> probesProperty() {
      return probes;
    }

    /** The last sample of its process tree; null while it has no process. */
    public ObjectProperty<WorkerUsage> usageProperty() {
      return usage;
    }

    @Override
    public String target() {
      return String.valueOf(id);
    }
  }

  /** A reload or scale as the progress panel shows it: where it is, and each worker's steps. */
  public static final class RolloutItem {
    private final long id;
    private final EngineEvent.RolloutChanged.Kind kind;
    private final ObjectProperty<EngineEvent.RolloutChanged> state = new SimpleObjectProperty<>();
    private final ObservableList<StepItem> steps = FXCollections.observableArrayList();

    RolloutItem(EngineEvent.RolloutChanged first) {
      this.id = first.rollout();
      this.kind = first.kind();
      this.state.set(first);
    }

    public long id() {
      return id;
    }

    public EngineEvent.RolloutChanged.Kind kind() {
      return kind;
    }

    /** Its latest phase, counts and words. */
    public ObjectProperty<EngineEvent.RolloutChanged> stateProperty() {
      return state;
    }

    public boolean over() {
      EngineEvent.RolloutChanged.Phase phase = state.get().phase();
      return phase == EngineEvent.RolloutChanged.Phase.DONE
          || phase == EngineEvent.RolloutChanged.Phase.FAILED;
    }

    /** Every step so far, in the order they began; a step's end updates its line. */
    public ObservableList<StepItem> steps() {
      return steps;
    }

    void step(EngineEvent.RolloutStep event) {
      for (StepItem item : steps) {
        if (item.workerId() == event.workerId()
            && item.step() == event.step()
            && item.latest().started().equals(event.started())) {
          item.latest.set(event);
          return;
        }
      }
      steps.add(new StepItem(event));
    }
  }

  /**
   * A reload of one app on every host that runs it, host after host (Reload on Every Host): where
   * each host is.
   */
  public static final class FleetItem {

    public enum Phase {
      WAITING,
      RELOADING,
      DONE,
      FAILED,
      SKIPPED
    }

    /** One host of it, and how its reload went. */
    public static final class HostStep {
      private final String host;
      private final ObjectProperty<Phase> phase = new SimpleObjectProperty<>(Phase.WAITING);
      private final StringProperty detail = new SimpleStringProperty("");

      HostStep(String host) {
        this.host = host;
      }

      public String host() {
        return host;
      }

      public ObjectProperty<Phase> phaseProperty() {
        return phase;
      }

      /** Why its reload failed, or why it was not reloaded. */
      public StringProperty detailProperty() {
        return detail;
      }

      void to(Phase next, String why) {
        detail.set(why);
        phase.set(next);
      }
    }

    private final String app;
    private final ObservableList<HostStep> hosts = FXCollections.observableArrayList();

    FleetItem(String app, List<String> hosts) {
      this.app = app;
      hosts.forEach(h -> this.hosts.add(new HostStep(h)));
    }

    public String app() {
      return app;
    }

    /** In the order they are reloaded. */
    public ObservableList<HostStep> hosts() {
      return hosts;
    }

    public boolean over() {
      return hosts.stream()
          .noneMatch(h -> h.phase.get() == Phase.WAITING || h.phase.get() == Phase.RELOADING);
    }
  }

  /** One step of one worker: running (with its deadline) or over (with what it took). */
  public static final class StepItem {
    private final ObjectProperty<EngineEvent.RolloutStep> latest = new SimpleObjectProperty<>();

    StepItem(EngineEvent.RolloutStep event) {
      latest.set(event);
    }

    public ObjectProperty<EngineEvent.RolloutStep> latestProperty() {
      return latest;
    }

    public EngineEvent.RolloutStep latest() {
      return latest.get();
    }

    public int workerId() {
      return latest.get().workerId();
    }

    public EngineEvent.RolloutStep.Step step() {
      return latest.get().step();
    }
  }

  static LogEntry entry(EngineEvent.LogLine line) {
    return new LogEntry(
        line.at(), line.label(), line.stream() == EngineEvent.LogLine.Stream.ERR, line.text());
  }
}
