package dev.pmfx.ui;

import dev.pmfx.metrics.History;
import dev.pmfx.metrics.Series;
import dev.pmfx.ui.ProcessItems.AppItem;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.geometry.Insets;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The Metrics tab: the selected app's CPU and memory over the last ten minutes, one line per worker
 * and one for the app, and for a balanced (cluster) app its requests per second and latency. The
 * time axis scrolls with the clock; charts never animate, and points older than the window leave
 * them, so they stay the same size however long pmfx runs. Below them, a chart for each metric of
 * the app's own ({@code @pm2/io}'s {@code io.metric} and the like) that is a number, one line per
 * worker.
 */
final class MetricsPane extends VBox {

  /** What the charts show: the last ten minutes. */
  static final int WINDOW_SECONDS = 600;

  /** Points a line shows at most. */
  static final int POINTS = 150;

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

  private static final DateTimeFormatter CLOCK_SECONDS =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final MainWindowViewModel viewModel;
  private final Supplier<Instant> clock;
  private final Label title = new Label("Select an app");
  private final Label empty = new Label();
  private final Chart cpu = new Chart("cpuChart", "CPU (% of one core)");
  private final Chart memory = new Chart("memoryChart", "Memory (MB)");
  private final Chart requests = new Chart("requestsChart", "Requests per second");
  private final Chart latency = new Chart("latencyChart", "Latency (ms)");
  private final Chart health = new Chart("healthChart", "Health check (ms)");
  private final javafx.scene.layout.HBox row = new javafx.scene.layout.HBox(4);
  private final javafx.scene.layout.HBox customRow = new javafx.scene.layout.HBox(4);
  private final Map<String, Chart> custom = new LinkedHashMap<>();
  private AppItem app;

  /** Whether the pane is on screen: its tab selected, the table (not the dashboard) showing. */
  private final java.util.function.BooleanSupplier shown;

  MetricsPane(
      MainWindowViewModel viewModel,
      Supplier<Instant> clock,
      java.util.function.BooleanSupplier shown) {
    this.viewModel = viewModel;
    this.clock = clock;
    this.shown = shown;
    title.getStyleClass().add("pane-title");
    title.setPadding(new Insets(4, 8, 0, 8));
    empty.setPadding(new Insets(0, 8, 0, 8));
    row.getChildren().addAll(cpu.chart, memory.chart, requests.chart, latency.chart);
    VBox.setVgrow(row, Priority.ALWAYS);
    VBox.setVgrow(customRow, Priority.ALWAYS);
    customRow.setId("customCharts");
    health.chart.getStyleClass().add("custom-chart");
    getChildren().addAll(title, empty, row, customRow);
    viewModel.samplesProperty().addListener((o, was, now) -> refresh());
  }

  void show(AppItem shown) {
    if (shown != app) {
      app = shown;
      for (Chart chart : new Chart[] {cpu, memory, requests, latency, health}) {
        chart.clear();
      }
      custom.clear();
      customRow.getChildren().clear();
    }
    refresh();
  }

  /** Brings the charts up to the newest sample and moves the time axis to now. */
  void refresh() {
    if (!shown.getAsBoolean() || getScene() == null) {
      return;
    }
    title.setText(app == null ? "Select an app" : Hosts.on(app.host(), app.name()));
    History.AppFigures figures =
        app == null ? null : viewModel.history().app(app.historyKey()).orElse(null);
    empty.setText(
        figures == null
            ? app == null ? "" : "No samples yet: the charts fill while the app runs."
            : "");
    boolean balanced = figures != null && figures.balanced();
    for (Chart chart : new Chart[] {requests, latency}) {
      chart.chart.setVisible(balanced);
      chart.chart.setManaged(balanced);
    }
    long now = clock.get().toEpochMilli();
    long first =
        figures == null || figures.total().cpu().size() == 0 ? now : figures.total().cpu().time(0);
    long start = windowStart(now, first);
    for (Chart chart : new Chart[] {cpu, memory, requests, latency}) {
      chart.scroll(start, now);
    }
    if (figures == null) {
      return;
    }
    Map<String, Series> cpuLines = new LinkedHashMap<>();
    Map<String, Series> memoryLines = new LinkedHashMap<>();
    Map<String, Series> requestLines = new LinkedHashMap<>();
    figures
        .workers()
        .forEach(
            (id, w) -> {
              if (w.lastAt() < start) {
                return; // gone before the window: a worker a reload replaced
              }
              String name =
                  dev.pmfx.engine.WorkerStatus.label(app.name(), w.instance()) + " #" + id;
              cpuLines.put(name, w.cpu());
              memoryLines.put(name, w.memory());
              requestLines.put(name, w.requestsPerSecond());
            });
    if (figures.workers().size() > 1) {
      cpuLines.put("all", figures.total().cpu());
      memoryLines.put("all", figures.total().memory());
      requestLines.put("all", figures.total().requestsPerSecond());
    }
    showCustom(figures, start);
    cpu.show(cpuLines, v -> v);
    memory.show(memoryLines, v -> v / (1024 * 1024));
    if (balanced) {
      if (figures.total().errorsPerSecond().max() > 0) {
        requestLines.put("errors (all)", figures.total().errorsPerSecond());
      }
      requests.show(requestLines, v -> v);
      Map<String, Series> latencies = new LinkedHashMap<>();
      latencies.put("p50", figures.total().p50());
      latencies.put("p99", figures.total().p99());
      latency.show(latencies, v -> v);
    }
  }

  /**
   * The row below: how long each worker's health checks take, when the app has a check, then a
   * chart per metric of the app's own that its workers reported in the window.
   */
  private void showCustom(History.AppFigures figures, long start) {
    Map<String, Series> checks = new LinkedHashMap<>();
    figures
        .workers()
        .forEach(
            (id, w) -> {
              Series series = w.healthCheck();
              if (series.size() > 0 && series.time(series.size() - 1) >= start) {
                checks.put(
                    dev.pmfx.engine.WorkerStatus.label(app.name(), w.instance()) + " #" + id,
                    series);
              }
            });
    boolean checked = app.specProperty().get().healthCheck().isPresent() && !checks.isEmpty();
    if (checked) {
      health.scroll(start, clock.get().toEpochMilli());
      health.show(checks, v -> v);
    }
    Map<String, Map<String, Series>> byMetric = new LinkedHashMap<>();
    figures
        .workers()
        .forEach(
            (id, w) ->
                w.custom()
                    .forEach(
                        (metric, series) -> {
                          if (series.size() > 0 && series.time(series.size() - 1) >= start) {
                            byMetric
                                .computeIfAbsent(metric, k -> new LinkedHashMap<>())
                                .put(
                                    dev.pmfx.engine.WorkerStatus.label(app.name(), w.instance())
                                        + " #"
                                        + id,
                                    series);
                          }
                        }));
    custom.keySet().retainAll(byMetric.keySet());
    byMetric.forEach(
        (metric, lines) -> {
          Chart chart =
              custom.computeIfAbsent(
                  metric,
                  name -> {
                    Chart made = new Chart(null, name);
                    made.chart.getStyleClass().add("custom-chart");
                    return made;
                  });
          chart.scroll(start, clock.get().toEpochMilli());
          chart.show(lines, v -> v);
        });
    List<LineChart<Number, Number>> charts = new java.util.ArrayList<>();
    if (checked) {
      charts.add(health.chart);
    }
    custom.values().forEach(c -> charts.add(c.chart));
    if (!customRow.getChildren().equals(charts)) {
      customRow.getChildren().setAll(charts);
    }
  }

  /**
   * Where the time axis begins: ten minutes back, or where the samples begin if that is later (with
   * a minute at least), so that a short history fills the chart instead of its right edge.
   */
  static long windowStart(long now, long first) {
    return Math.max(now - WINDOW_SECONDS * 1000L, Math.min(first, now - 60_000L));
  }

  /** One line chart over the time window, its lines by name. */
  private static final class Chart {
    final NumberAxis time = new NumberAxis();

    /** Whether tick labels show seconds: while the window is short. */
    boolean seconds;

    final NumberAxis values = new NumberAxis();
    final LineChart<Number, Number> chart = new LineChart<>(time, values);
    final Map<String, XYChart.Series<Number, Number>> lines = new LinkedHashMap<>();

    Chart(String id, String title) {
      chart.setId(id);
      chart.setTitle(title);
      chart.setAnimated(false);
      chart.setCreateSymbols(false);
      chart.setLegendVisible(true);
      chart.getStyleClass().add("metrics-chart");
      chart.setMinHeight(120);
      time.setAnimated(false);
      values.setAnimated(false);
      time.setAutoRanging(false);
      time.setTickUnit(60);
      time.setMinorTickVisible(false);
      time.setTickLabelFormatter(
          new StringConverter<>() {
            @Override
            public String toString(Number seconds) {
              return (Chart.this.seconds ? CLOCK_SECONDS : CLOCK)
                  .format(Instant.ofEpochSecond(seconds.longValue()));
            }

            @Override
            public Number fromString(String text) {
              return 0;
            }
          });
      values.setForceZeroInRange(true);
      javafx.scene.layout.HBox.setHgrow(chart, Priority.ALWAYS);
      chart.setMinWidth(150);
      chart.setPrefWidth(300);
    }

    void clear() {
      chart.getData().clear();
      lines.clear();
    }

    /** Moves the window to end now. */
    void scroll(long startMillis, long nowMillis) {
      double upper = nowMillis / 1000.0;
      double lower = startMillis / 1000.0;
      time.setLowerBound(lower);
      time.setUpperBound(upper);
      double span = upper - lower;
      time.setTickUnit(span <= 180 ? 30 : span <= 360 ? 60 : 120);
      seconds = span <= 180;
    }

    /**
     * Draws each line anew from its series over the window, at most {@link #POINTS} points a line
     * (the mean of each stretch of time): a chart a few hundred pixels wide shows no more, and
     * sixteen workers' ten minutes stay cheap to lay out. Lines no longer given leave the chart.
     */
    void show(Map<String, Series> given, Function<Double, Double> scale) {
      Set<String> gone = new HashSet<>(lines.keySet());
      gone.removeAll(given.keySet());
      for (String name : gone) {
        chart.getData().remove(lines.remove(name));
      }
      long from = Math.round(time.getLowerBound() * 1000);
      long to = Math.round(time.getUpperBound() * 1000);
      long bucket = Math.max(1000, (to - from) / POINTS);
      given.forEach(
          (name, series) -> {
            XYChart.Series<Number, Number> line = lines.get(name);
            if (line == null) {
              line = new XYChart.Series<>();
              line.setName(name);
              lines.put(name, line);
              chart.getData().add(line);
            }
            java.util.List<XYChart.Data<Number, Number>> points = new java.util.ArrayList<>();
            long current = Long.MIN_VALUE;
            double sum = 0;
            int count = 0;
            for (int i = 0; i < series.size(); i++) {
              long t = series.time(i);
              if (t < from) {
                continue;
              }
              long slot = Math.floorDiv(t, bucket);
              if (slot != current && count > 0) {
                points.add(
                    new XYChart.Data<>(
                        (current * bucket + bucket / 2) / 1000.0, scale.apply(sum / count)));
                sum = 0;
                count = 0;
              }
              current = slot;
              sum += series.value(i);
              count++;
            }
            if (count > 0) {
              double x =
                  bucket == 1000
                      ? series.time(series.size() - 1) / 1000.0
                      : Math.min(to, current * bucket + bucket / 2) / 1000.0;
              points.add(new XYChart.Data<>(x, scale.apply(sum / count)));
            }
            line.getData().setAll(points);
          });
    }
  }
}
