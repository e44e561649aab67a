package dev.pmfx.ui;

import dev.pmfx.engine.WorkerState;
import dev.pmfx.metrics.History;
import dev.pmfx.metrics.Series;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.WorkerItem;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.geometry.Insets;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.TilePane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/**
 * Every app at a glance, as {@code pm2 monit} gives it: a card per app with its workers' states
 * counted, its CPU, memory and requests per second now, and small charts of the last ten minutes.
 * Clicking a card opens the app in the process table.
 */
final class DashboardPane extends ScrollPane {

  private final MainWindowViewModel viewModel;
  private final Supplier<Instant> clock;
  private final Consumer<AppItem> open;
  private final TilePane cards = new TilePane(12, 12);
  private final Map<AppItem, Card> shown = new LinkedHashMap<>();

  DashboardPane(MainWindowViewModel viewModel, Supplier<Instant> clock, Consumer<AppItem> open) {
    this.viewModel = viewModel;
    this.clock = clock;
    this.open = open;
    setId("dashboard");
    cards.setPadding(new Insets(12));
    cards.setPrefColumns(3);
    setContent(cards);
    setFitToWidth(true);
    getStyleClass().add("dashboard");
    // The figures and charts move with each sample; states with any batch of events.
    viewModel.samplesProperty().addListener((o, was, now) -> refresh(true));
    viewModel.revisionProperty().addListener((o, was, now) -> refresh(false));
    visibleProperty().addListener((o, was, now) -> refresh(true));
  }

  void refresh(boolean figures) {
    if (!isVisible()) {
      return;
    }
    List<AppItem> apps = List.copyOf(viewModel.apps());
    shown.keySet().retainAll(apps);
    for (AppItem app : apps) {
      Card card = shown.get(app);
      if (card == null) {
        card = new Card(app);
        shown.put(app, card);
        card.update(true);
      } else {
        card.update(figures);
      }
    }
    if (!cards.getChildren().equals(shown.values().stream().map(c -> c.box).toList())) {
      cards.getChildren().setAll(shown.values().stream().map(c -> c.box).toList());
    }
  }

  /** One app's card. */
  private final class Card {
    final AppItem app;
    final Label name = new Label();
    final Label states = new Label();
    final Label figures = new Label();
    final Sparkline cpu = new Sparkline("CPU");
    final Sparkline memory = new Sparkline("Memory");
    final Sparkline requests = new Sparkline("Requests/s");
    final VBox box;

    Card(AppItem app) {
      this.app = app;
      name.getStyleClass().add("card-title");
      states.getStyleClass().add("card-states");
      box = new VBox(6, name, states, figures, new HBox(8, cpu, memory), requests);
      box.getStyleClass().add("app-card");
      box.setPadding(new Insets(10));
      box.setOnMouseClicked(e -> open.accept(app));
    }

    void update(boolean figuresToo) {
      name.setText(app.host().equals(Hosts.LOCAL) ? app.name() : app.name() + " · " + app.host());
      states.setText(states(app));
      if (!figuresToo) {
        return;
      }
      History.AppFigures history = viewModel.history().app(app.historyKey()).orElse(null);
      var usage = app.usage();
      String now =
          usage
              .map(u -> Amounts.cpu(u.cpuPercent()) + " CPU · " + Amounts.memory(u.memoryBytes()))
              .orElse("no figures while it does not run");
      if (usage.isPresent()
          && history != null
          && history.balanced()
          && history.total().requestsPerSecond().size() > 0) {
        now +=
            String.format(Locale.ROOT, " · %.0f req/s", history.total().requestsPerSecond().last());
      }
      figures.setText(now);
      long end = clock.get().toEpochMilli();
      long start =
          MetricsPane.windowStart(
              end,
              history == null || history.total().cpu().size() == 0
                  ? end
                  : history.total().cpu().time(0));
      cpu.draw(history == null ? null : history.total().cpu(), start, end);
      memory.draw(history == null ? null : history.total().memory(), start, end);
      boolean balanced = history != null && history.balanced();
      requests.setVisible(balanced);
      requests.setManaged(balanced);
      requests.draw(balanced ? history.total().requestsPerSecond() : null, start, end);
    }
  }

  /** "2 online · 1 errored", or "not started". */
  static String states(AppItem app) {
    if (!app.knownProperty().get() || app.workers().isEmpty()) {
      return "not started";
    }
    Map<WorkerState, Integer> counts = new java.util.EnumMap<>(WorkerState.class);
    for (WorkerItem w : app.workers()) {
      counts.merge(w.status().state(), 1, Integer::sum);
    }
    List<String> parts = new java.util.ArrayList<>();
    counts.forEach((state, n) -> parts.add(n + " " + state.label()));
    return String.join(" · ", parts);
  }

  /** A small chart of one series over the window, scaled to its own largest value. */
  static final class Sparkline extends VBox {
    private final Canvas canvas = new Canvas(150, 36);
    private final Label caption;

    Sparkline(String caption) {
      super(2);
      this.caption = new Label(caption);
      this.caption.getStyleClass().add("sparkline-caption");
      getChildren().addAll(canvas, this.caption);
      getStyleClass().add("sparkline");
    }

    /** Draws the series' points between {@code start} and {@code end}; null clears it. */
    void draw(Series series, long start, long end) {
      GraphicsContext g = canvas.getGraphicsContext2D();
      double w = canvas.getWidth();
      double h = canvas.getHeight();
      g.clearRect(0, 0, w, h);
      g.setStroke(Color.gray(0.5, 0.4));
      g.strokeLine(0, h - 0.5, w, h - 0.5);
      if (series == null || series.size() == 0) {
        return;
      }
      double max = Math.max(series.max(start), 1e-9); // what this window shows, not older
      g.setStroke(Color.web("#3b82f6"));
      g.setLineWidth(1.5);
      g.beginPath();
      boolean started = false;
      for (int i = 0; i < series.size(); i++) {
        long t = series.time(i);
        if (t < start) {
          continue;
        }
        double x = (t - start) * w / (double) (end - start);
        double y = h - 1 - series.value(i) / max * (h - 3);
        if (started) {
          g.lineTo(x, y);
        } else {
          g.moveTo(x, y);
          started = true;
        }
      }
      g.stroke();
    }
  }
}
