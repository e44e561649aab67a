package dev.pmfx.ui;

import dev.pmfx.config.AppSpec;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerUsage;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.Row;
import dev.pmfx.ui.ProcessItems.WorkerItem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the process table's columns and the detail pane's title write for a row. */
final class RowFormat {

  private RowFormat() {}

  /** An app's name, or a worker's: the app's and its instance number. */
  static String name(Row row) {
    return switch (row) {
      case WorkerItem w -> workerName(w.status());
      case AppItem a -> a.name();
    };
  }

  static String workerName(WorkerStatus status) {
    return status.label();
  }

  /** What the log pane is titled for the row. */
  static String logsTitle(Row row) {
    return row instanceof AppItem a ? a.name() + ": all workers" : name(row);
  }

  /** The app's host ({@code this machine} for this one's), and whether it is reached. */
  static String host(Row row) {
    if (!(row instanceof AppItem)) {
      return "";
    }
    String host = Hosts.label(row.host());
    return row.reachableProperty().get() ? host : host + " · unreachable";
  }

  static String id(Row row) {
    return row instanceof WorkerItem w ? String.valueOf(w.id()) : "";
  }

  static String namespace(Row row) {
    return spec(row).map(AppSpec::namespace).orElse("");
  }

  static String mode(Row row) {
    return spec(row).map(s -> s.execMode().label()).orElse("");
  }

  static String pid(Row row) {
    return row instanceof WorkerItem w && w.status().pid().isPresent()
        ? String.valueOf(w.status().pid().getAsLong())
        : "";
  }

  /** A worker's state; an app's is its workers' when they agree, else "n/m online". */
  static String status(Row row) {
    if (!row.actionProperty().get().isEmpty()) {
      return row.actionProperty().get();
    }
    if (row instanceof WorkerItem w) {
      return w.status().state().label();
    }
    AppItem app = (AppItem) row;
    if (app.workers().isEmpty()) {
      return "not started";
    }
    boolean resting =
        app.workers().stream()
            .allMatch(
                w ->
                    w.status().state() == WorkerState.STOPPED
                        || w.status().state() == WorkerState.ERRORED);
    if (resting && !app.startNoteProperty().get().isEmpty()) {
      return app.startNoteProperty().get(); // depends_on: waiting for db, or why it did not start
    }
    List<WorkerState> states =
        app.workers().stream().map(w -> w.status().state()).distinct().toList();
    if (states.size() == 1) {
      return states.getFirst().label();
    }
    long online =
        app.workers().stream().filter(w -> w.status().state() == WorkerState.ONLINE).count();
    return online + "/" + app.workers().size() + " online";
  }

  /**
   * A worker's health: {@code healthy}, {@code starting}, {@code unhealthy}, with its failures in a
   * row ({@code healthy, 1 failed}); an app's is its workers' when they agree, else "n/m healthy";
   * empty when the app has no health check.
   */
  static String health(Row row) {
    return switch (row) {
      case WorkerItem w -> health(w.status());
      case AppItem app -> {
        if (app.specProperty().get().healthCheck().isEmpty() || app.workers().isEmpty()) {
          yield "";
        }
        List<String> each = app.workers().stream().map(w -> health(w.status())).toList();
        if (each.stream().distinct().count() == 1) {
          yield each.getFirst();
        }
        long healthy = each.stream().filter("healthy"::equals).count();
        yield healthy + "/" + each.size() + " healthy";
      }
    };
  }

  private static String health(WorkerStatus status) {
    dev.pmfx.engine.Health health = status.health();
    if (!health.checked()) {
      return "";
    }
    return health.failures() > 0 && health.state() != dev.pmfx.engine.Health.State.UNHEALTHY
        ? health.state().label() + ", " + health.failures() + " failed"
        : health.state().label();
  }

  /** What a worker's last check found, and when, for the health badge's tooltip. */
  static String healthDetail(Row row) {
    if (row instanceof AppItem app) {
      return String.join(
          "\n",
          app.workers().stream()
              .filter(w -> w.status().health().checked())
              .map(
                  w ->
                      w.status().label()
                          + ": "
                          + (w.status().health().detail().isEmpty()
                              ? "no check has ended yet"
                              : w.status().health().detail()))
              .toList());
    }
    if (!(row instanceof WorkerItem w) || !w.status().health().checked()) {
      return "";
    }
    dev.pmfx.engine.Health health = w.status().health();
    return health.detail().isEmpty()
        ? "no check has ended yet"
        : health.detail()
            + health
                .checkedAt()
                .map(
                    at ->
                        "\nchecked at "
                            + java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
                                .withZone(java.time.ZoneId.systemDefault())
                                .format(at))
                .orElse("");
  }

  /** The health badge's style class for a health text. */
  static String healthStyle(String health) {
    if (health.startsWith("healthy") || health.startsWith("starting")) {
      return health.contains("failed")
          ? "badge-health-failing"
          : health.startsWith("healthy") ? "badge-healthy" : "badge-health-starting";
    }
    return health.equals("unhealthy") ? "badge-unhealthy" : "badge-partly";
  }

  /** The badge's style class for a status text. */
  static String badgeStyle(String status) {
    if (status.startsWith(dev.pmfx.engine.AppStatus.WAITING)) {
      return "badge-waiting-ready";
    }
    if (status.startsWith("not started:")) {
      return "badge-errored";
    }
    return status.endsWith("…")
        ? "badge-stopping"
        : status.contains("/") ? "badge-partly" : "badge-" + status.replace(' ', '-');
  }

  /** How long a worker has run, in its largest unit: "42s", "5m", "3h", "2d". */
  static String uptime(Row row, Instant now) {
    if (!(row instanceof WorkerItem w)) {
      return "";
    }
    Duration up = w.status().uptime(now);
    if (up.isZero()) {
      return "";
    }
    long s = up.toSeconds();
    return s < 60
        ? s + "s"
        : s < 3600 ? s / 60 + "m" : s < 86400 ? s / 3600 + "h" : s / 86400 + "d";
  }

  /** A worker's restarts, or an app's workers' together. */
  static String restarts(Row row) {
    return switch (row) {
      case WorkerItem w -> String.valueOf(w.status().restarts());
      case AppItem a ->
          String.valueOf(a.workers().stream().mapToInt(w -> w.status().restarts()).sum());
    };
  }

  static String cpu(Row row) {
    return usage(row).map(u -> Amounts.cpu(u.cpuPercent())).orElse("");
  }

  /** The CPU bar's share filled, 0 to 100: full at one core busy. */
  static double cpuFilled(Row row) {
    double percent = usage(row).map(WorkerUsage::cpuPercent).orElse(0.0);
    return Math.min(100, Math.max(0, percent));
  }

  static String memory(Row row) {
    return usage(row).map(u -> Amounts.memory(u.memoryBytes())).orElse("");
  }

  /** Requests the balancer gave a cluster worker, or an app's workers together. */
  static String requests(Row row) {
    return switch (row) {
      case WorkerItem w ->
          w.requestsProperty().get() == null
              ? ""
              : String.valueOf(w.requestsProperty().get().requests());
      case AppItem a -> a.requests().isPresent() ? String.valueOf(a.requests().getAsLong()) : "";
    };
  }

  /**
   * A worker's last value of one of its own metrics ({@code @pm2/io}), with its unit: {@code 42
   * users}; empty for an app and a worker that did not report it.
   */
  static String custom(Row row, String metric) {
    if (!(row instanceof WorkerItem w) || w.probesProperty().get() == null) {
      return "";
    }
    return w.probesProperty().get().metrics().stream()
        .filter(m -> m.name().equals(metric))
        .findFirst()
        .map(m -> m.unit().isEmpty() ? m.value() : m.value() + " " + m.unit())
        .orElse("");
  }

  /** A worker's last exit code, with the signal that ended it if one did. */
  static String lastExit(Row row) {
    if (!(row instanceof WorkerItem w) || w.status().lastExitCode().isEmpty()) {
      return "";
    }
    int code = w.status().lastExitCode().getAsInt();
    return w.status().lastSignal().map(s -> code + " (" + s + ")").orElse(String.valueOf(code));
  }

  static String script(Row row) {
    return row instanceof AppItem a ? a.specProperty().get().script() : "";
  }

  private static Optional<WorkerUsage> usage(Row row) {
    return switch (row) {
      case WorkerItem w -> Optional.ofNullable(w.usageProperty().get());
      case AppItem a -> a.usage();
    };
  }

  private static Optional<AppSpec> spec(Row row) {
    return row instanceof AppItem a ? Optional.of(a.specProperty().get()) : Optional.empty();
  }
}
