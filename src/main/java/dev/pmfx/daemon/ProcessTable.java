package dev.pmfx.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmfx.config.ByteSize;
import dev.pmfx.config.ExecMode;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent.MetricsSample;
import dev.pmfx.engine.EngineEvent.MetricsSample.CustomAction;
import dev.pmfx.engine.EngineEvent.MetricsSample.CustomMetric;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerUsage;
import dev.pmfx.engine.Health;
import dev.pmfx.engine.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** {@code pmfx list} and {@code jlist}: every worker as PM2 shows it, in a box or as JSON. */
public final class ProcessTable {

  private ProcessTable() {}

  private static final class Json {
    static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
        dev.pmfx.engine.EngineJson.mapper();
  }

  /**
   * The views a daemon draws for a client that prints them as they come ({@code Wire.Call.View}).
   */
  public static final java.util.Set<String> VIEWS = java.util.Set.of("list", "jlist", "ping");

  /** What {@code pmfx ping} prints of the daemon, its line ended. */
  public static String pong(DaemonInfo info) {
    // joined, not formatted: a Formatter loads locale data, which a first ping would wait for
    return "pong: pmfx "
        + info.version()
        + " daemon, pid "
        + info.pid()
        + ", up "
        + uptime(Duration.between(info.startedAt(), Instant.now()))
        + ", home "
        + info.home()
        + System.lineSeparator();
  }

  /**
   * What {@code pmfx list} ({@code view} "list") or {@code pmfx jlist} ("jlist") prints, each line
   * ended.
   *
   * @throws IllegalArgumentException for another view
   */
  public static String view(String view, List<AppStatus> apps, Optional<MetricsSample> sample) {
    return switch (view) {
      case "list" -> render(apps, sample, Instant.now());
      case "jlist" -> {
        try {
          yield Json.MAPPER.writeValueAsString(json(apps, sample)) + System.lineSeparator();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }
      default -> throw new IllegalArgumentException("no view '" + view + "'");
    };
  }

  public static final List<String> HEADERS =
      List.of("id", "name", "namespace", "mode", "pid", "uptime", "↺", "status", "cpu", "mem");

  /**
   * A worker's status as the list shows it: a stopped or errored worker of an app that {@code
   * depends_on} others says why it has not started ({@code waiting for db}).
   */
  public static String status(AppStatus app, WorkerStatus w) {
    return app.startNote().isPresent()
            && !w.state().running()
            && w.state() != dev.pmfx.engine.WorkerState.CRASHED
        ? app.startNote().get()
        : w.state().label();
  }

  /**
   * The table {@code pm2 list} draws, one row a worker, ordered by app then instance; with a {@code
   * health} column after {@code status} when an app has a health check.
   */
  public static String render(List<AppStatus> apps, Optional<MetricsSample> sample, Instant now) {
    Map<Integer, WorkerUsage> usage = usage(sample);
    boolean checked = apps.stream().anyMatch(a -> a.spec().healthCheck().isPresent());
    List<List<String>> rows = new ArrayList<>();
    for (AppStatus app : apps) {
      for (WorkerStatus w : app.workers()) {
        WorkerUsage u = w.state().running() ? usage.get(w.id()) : null;
        List<String> row =
            new ArrayList<>(
                List.of(
                    String.valueOf(w.id()),
                    w.name(),
                    w.namespace(),
                    w.mode() == ExecMode.CLUSTER ? "cluster" : "fork",
                    w.pid().isPresent() && w.state().running()
                        ? String.valueOf(w.pid().getAsLong())
                        : "0",
                    w.state().running() ? uptime(w.uptime(now)) : "0",
                    String.valueOf(w.restarts()),
                    status(app, w),
                    u == null ? "0%" : Math.round(u.cpuPercent()) + "%",
                    u == null ? "0b" : ByteSize.human(u.memoryBytes())));
        if (checked) {
          row.add(HEADERS.indexOf("status") + 1, health(w.health()));
        }
        rows.add(row);
      }
    }
    if (!checked) {
      return box(HEADERS, rows);
    }
    List<String> headers = new ArrayList<>(HEADERS);
    headers.add(HEADERS.indexOf("status") + 1, "health");
    return box(headers, rows);
  }

  /** A worker's health in a cell: {@code healthy}, {@code unhealthy (3)}; empty without a check. */
  public static String health(Health health) {
    return health.failures() > 0
        ? health.state().label() + " (" + health.failures() + ")"
        : health.state().label();
  }

  private static Map<Integer, WorkerUsage> usage(Optional<MetricsSample> sample) {
    return sample
        .map(
            s ->
                s.workers().stream()
                    .collect(
                        Collectors.toMap(WorkerUsage::workerId, Function.identity(), (a, b) -> b)))
        .orElse(Map.of());
  }

  /** PM2's short uptime: 42s, 5m, 3h, 2D. */
  public static String uptime(Duration up) {
    long s = up.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m";
    }
    if (s < 86_400) {
      return s / 3600 + "h";
    }
    return s / 86_400 + "D";
  }

  /** Rows in a box drawn with lines, as PM2's tables are; columns as wide as their widest cell. */
  public static String box(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder text = new StringBuilder();
    rule(text, widths, '┌', '┬', '┐');
    line(text, widths, headers);
    rule(text, widths, '├', '┼', '┤');
    rows.forEach(row -> line(text, widths, row));
    rule(text, widths, '└', '┴', '┘');
    return text.toString();
  }

  private static void rule(StringBuilder text, int[] widths, char left, char middle, char right) {
    text.append(left);
    for (int c = 0; c < widths.length; c++) {
      text.append("─".repeat(widths[c] + 2)).append(c == widths.length - 1 ? right : middle);
    }
    text.append('\n');
  }

  private static void line(StringBuilder text, int[] widths, List<String> cells) {
    text.append('│');
    for (int c = 0; c < widths.length; c++) {
      String cell = cells.get(c);
      text.append(' ').append(cell).append(" ".repeat(widths[c] - cell.length())).append(" │");
    }
    text.append('\n');
  }

  /**
   * {@code pm2 jlist}'s shape, which scripts read: {@code pm_id}, {@code name}, {@code pid}, {@code
   * monit.cpu}/{@code monit.memory}, {@code pm2_env.status}/{@code restart_time}/{@code pm_uptime}
   * (ms since the epoch) and the rest of {@code pm2_env} that pmfx knows.
   */
  public static ArrayNode json(List<AppStatus> apps, Optional<MetricsSample> sample) {
    Map<Integer, WorkerUsage> usage = usage(sample);
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ArrayNode list = nodes.arrayNode();
    for (AppStatus app : apps) {
      for (WorkerStatus w : app.workers()) {
        ObjectNode process = list.addObject();
        process.put("pid", w.state().running() ? w.pid().orElse(0) : 0);
        process.put("name", w.name());
        process.put("pm_id", w.id());
        WorkerUsage u = w.state().running() ? usage.get(w.id()) : null;
        ObjectNode monit = process.putObject("monit");
        monit.put("memory", u == null ? 0 : u.memoryBytes());
        monit.put("cpu", u == null ? 0 : Math.round(u.cpuPercent() * 10) / 10.0);
        ObjectNode env = process.putObject("pm2_env");
        env.put("name", w.name());
        env.put("namespace", w.namespace());
        env.put("status", w.state().label());
        env.put("exec_mode", w.mode() == ExecMode.CLUSTER ? "cluster_mode" : "fork_mode");
        env.put("instances", app.spec().instances());
        env.put("NODE_APP_INSTANCE", w.instance());
        env.put("pm_id", w.id());
        env.put("restart_time", w.restarts());
        env.put("unstable_restarts", 0);
        env.put("pm_uptime", w.startedAt().map(Instant::toEpochMilli).orElse(0L));
        env.put("pm_exec_path", app.spec().cwd().resolve(app.spec().script()).toString());
        env.put("pm_cwd", app.spec().cwd().toString());
        env.put("autorestart", app.spec().autorestart());
        env.put("watch", !app.spec().watch().isEmpty());
        w.lastExitCode().ifPresent(code -> env.put("exit_code", code));
        app.file().ifPresent(f -> env.put("pmfx_file", f.toString()));
        app.publicPort().ifPresent(port -> env.put("pmfx_public_port", port));
        if (!app.spec().dependsOn().isEmpty()) {
          ObjectNode dependsOn = env.putObject("pmfx_depends_on");
          app.spec()
              .dependsOn()
              .forEach((name, condition) -> dependsOn.put(name, condition.word()));
          app.startNote().ifPresent(note -> env.put("pmfx_start_note", note));
        }
        if (w.health().checked()) {
          ObjectNode health = env.putObject("pmfx_health");
          health.put("status", w.health().state().label());
          health.put("failures", w.health().failures());
          health.put("detail", w.health().detail());
          w.health().checkedAt().ifPresent(at -> health.put("checked_at", at.toEpochMilli()));
        }
        axm(env, w.state().running() ? sample : Optional.empty(), w.id());
      }
    }
    return list;
  }

  /** {@code jlist}'s {@code axm_monitor} and {@code axm_actions}, in PM2's shape. */
  private static void axm(ObjectNode env, Optional<MetricsSample> sample, int workerId) {
    ObjectNode monitor = env.putObject("axm_monitor");
    ArrayNode actions = env.putArray("axm_actions");
    sample
        .flatMap(s -> s.probesOf(workerId))
        .ifPresent(
            probes -> {
              for (CustomMetric m : probes.metrics()) {
                ObjectNode metric = monitor.putObject(m.name());
                if (m.numeric().isPresent()) {
                  metric.put("value", m.numeric().getAsDouble());
                } else {
                  metric.put("value", m.value());
                }
                if (!m.unit().isEmpty()) {
                  metric.put("unit", m.unit());
                }
                if (!m.type().isEmpty()) {
                  metric.put("type", m.type());
                }
              }
              for (CustomAction a : probes.actions()) {
                actions.addObject().put("action_name", a.name()).put("action_type", a.type());
              }
            });
  }
}
