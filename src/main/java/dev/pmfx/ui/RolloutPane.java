package dev.pmfx.ui;

import dev.pmfx.engine.EngineEvent.RolloutChanged;
import dev.pmfx.engine.EngineEvent.RolloutStep;
import dev.pmfx.engine.EngineEvent.RolloutStep.Status;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.RolloutItem;
import dev.pmfx.ui.ProcessItems.StepItem;
import dev.pmfx.ui.ProcessItems.WorkerItem;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.value.ChangeListener;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The Progress tab: the selected app's instances (a slider and a number field, applied on release),
 * and its latest reload or scale step by step, as the engine reports them: the new pid, a countdown
 * to listen_timeout, the requests in flight while draining, a countdown to kill_timeout, how each
 * step ended and what it took.
 */
final class RolloutPane extends VBox {

  private final MainWindowViewModel viewModel;
  private final Supplier<Instant> clock;
  private final Label title = new Label("Select an app");
  private final Slider slider = new Slider(1, 16, 1);
  private final Spinner<Integer> count = new Spinner<>();
  private final SpinnerValueFactory.IntegerSpinnerValueFactory counts =
      new SpinnerValueFactory.IntegerSpinnerValueFactory(
          1, dev.pmfx.config.AppSpec.MAX_INSTANCES, 1);
  private final Label state = new Label("No reload or scale yet.");

  /** The hosts of the last Reload on Every Host of the app shown, and how each went. */
  private final VBox fleetBox = new VBox(2);

  private final ListView<StepItem> steps = new ListView<>();
  private final Timeline ticker =
      new Timeline(new KeyFrame(javafx.util.Duration.millis(250), e -> tick()));

  private AppItem app;

  private final javafx.animation.PauseTransition settle =
      new javafx.animation.PauseTransition(javafx.util.Duration.millis(400));

  /** The count the controls show and that applies once they settle; -1 when none waits. */
  private int pending = -1;

  /** The rollout whose state this pane listens to. */
  private RolloutItem watched;

  /** The count last asked for, until the app's rollouts are over; -1 when none. */
  private int asked = -1;

  /** True while the controls are set from the app, so that setting them scales nothing. */
  private boolean syncing;

  private final ChangeListener<Object> appChanged = (o, was, now) -> sync();
  private final javafx.collections.ListChangeListener<Object> workersChanged = change -> sync();

  RolloutPane(MainWindowViewModel viewModel, Supplier<Instant> clock) {
    this.viewModel = viewModel;
    this.clock = clock;
    getStyleClass().add("rollout-pane");
    title.getStyleClass().add("pane-title");
    slider.setId("instancesSlider");
    slider.setMajorTickUnit(1);
    slider.setMinorTickCount(0);
    slider.setSnapToTicks(true);
    slider.setBlockIncrement(1);
    slider.setPrefWidth(220);
    count.setId("instancesField");
    count.setValueFactory(counts);
    count.setEditable(true);
    count.setPrefWidth(80);
    Label instances = new Label("Instances");
    instances.setLabelFor(count);
    Region gap = new Region();
    HBox.setHgrow(gap, Priority.ALWAYS);
    HBox bar = new HBox(10, title, gap, instances, slider, count);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.getStyleClass().add("pane-bar");
    bar.setPadding(new Insets(4, 8, 4, 8));
    state.setId("rolloutState");
    state.setWrapText(true);
    state.setMinHeight(Region.USE_PREF_SIZE); // a failure's words wrap, whole, not cut
    state.setMaxWidth(Double.MAX_VALUE);
    state.setPadding(new Insets(4, 8, 4, 8));
    steps.setId("rolloutSteps");
    steps.getStyleClass().add("history-list");
    steps.setCellFactory(list -> new StepCell());
    steps.setPlaceholder(
        new Label("Reload (Ctrl+R) or move the slider: each worker's steps show here."));
    VBox.setVgrow(steps, Priority.ALWAYS);
    fleetBox.setId("fleetHosts");
    fleetBox.setPadding(new Insets(2, 8, 2, 8));
    getChildren().addAll(bar, fleetBox, state, steps);
    viewModel.fleetProperty().addListener((o, was, now) -> watchFleet(now));

    slider
        .valueProperty()
        .addListener(
            (o, was, now) -> {
              if (!syncing) {
                syncing = true;
                counts.setValue((int) Math.round(now.doubleValue()));
                syncing = false;
                settleOn((int) Math.round(now.doubleValue()));
              }
            });
    counts
        .valueProperty()
        .addListener(
            (o, was, now) -> {
              if (!syncing && now != null) {
                syncing = true;
                slider.setValue(Math.min(now, slider.getMax()));
                syncing = false;
                settleOn(now);
              }
            });
    // A count applies once the hand has let go and the value has stayed put for a moment: a drag
    // along the track, a held arrow key or spinner button ask for the last value alone.
    settle.setOnFinished(
        e -> {
          if (slider.isPressed() || slider.isValueChanging() || count.isPressed()) {
            settle.playFromStart();
          } else if (pending > 0) {
            int asking = pending;
            pending = -1;
            apply(asking);
          }
        });
    ticker.setCycleCount(Timeline.INDEFINITE);
    show(null);
  }

  private void watchFleet(ProcessItems.FleetItem fleet) {
    if (fleet != null) {
      fleet.hosts().forEach(h -> h.phaseProperty().addListener((o, was, now) -> fleet()));
    }
    fleet();
  }

  /** A line per host of the app's last reload on every host: where it is, or how it ended. */
  private void fleet() {
    ProcessItems.FleetItem fleet = viewModel.fleetProperty().get();
    boolean shown = fleet != null && app != null && fleet.app().equals(app.name());
    fleetBox.setVisible(shown);
    fleetBox.setManaged(shown);
    if (!shown) {
      fleetBox.getChildren().clear();
      return;
    }
    java.util.List<javafx.scene.Node> lines = new java.util.ArrayList<>();
    Label heading = new Label("Reload on every host, one after the other");
    heading.getStyleClass().add("rollout-step");
    lines.add(heading);
    for (ProcessItems.FleetItem.HostStep host : fleet.hosts()) {
      ProcessItems.FleetItem.Phase phase = host.phaseProperty().get();
      FontIcon icon =
          new FontIcon(
              switch (phase) {
                case WAITING -> "fth-clock";
                case RELOADING -> "fth-loader";
                case DONE -> "fth-check-circle";
                case FAILED -> "fth-x-circle";
                case SKIPPED -> "fth-minus-circle";
              });
      String words =
          Hosts.label(host.host())
              + " — "
              + switch (phase) {
                case WAITING -> "waits its turn";
                case RELOADING -> "reloading";
                case DONE -> "reloaded";
                case FAILED -> host.detailProperty().get(); // "reload failed: …"
                case SKIPPED -> host.detailProperty().get();
              };
      Label line = new Label(words, icon);
      line.getStyleClass()
          .add(
              switch (phase) {
                case WAITING, SKIPPED -> "rollout-time";
                case RELOADING -> "rollout-running";
                case DONE -> "rollout-done";
                case FAILED -> "rollout-failed";
              });
      line.setWrapText(true);
      lines.add(line);
    }
    fleetBox.getChildren().setAll(lines);
  }

  /** The count the controls show: the workers a running scale has so far, else the spec's. */
  private int instancesNow() {
    if (app == null) {
      return 1;
    }
    RolloutItem rollout = app.rolloutProperty().get();
    boolean scaling =
        rollout != null
            && rollout.kind() == RolloutChanged.Kind.SCALE
            && rollout.stateProperty().get() != null
            && rollout.stateProperty().get().phase() == RolloutChanged.Phase.RUNNING;
    return scaling ? Math.max(1, app.workers().size()) : app.specProperty().get().instances();
  }

  private void settleOn(int instances) {
    pending = instances;
    settle.playFromStart();
  }

  /** Shows the app's instances and its latest rollout; null shows nothing. */
  void show(AppItem shown) {
    settle.stop();
    pending = -1;
    if (app != null) {
      app.rolloutProperty().removeListener(appChanged);
      app.specProperty().removeListener(appChanged);
      app.knownProperty().removeListener(appChanged);
      app.workers().removeListener(workersChanged);
    }
    app = shown;
    asked = -1;
    if (app != null) {
      app.rolloutProperty().addListener(appChanged);
      app.specProperty().addListener(appChanged);
      app.knownProperty().addListener(appChanged);
      app.workers().addListener(workersChanged);
    }
    fleet();
    sync();
  }

  AppItem app() {
    return app;
  }

  /** The controls and the list as the app now is. */
  private void sync() {
    boolean off = app == null || !app.knownProperty().get();
    slider.setDisable(off);
    count.setDisable(off);
    syncing = true;
    int instances = instancesNow();
    slider.setMax(
        Math.max(Math.max(16, 2 * Runtime.getRuntime().availableProcessors()), instances));
    if (pending < 0 && !slider.isValueChanging() && !slider.isPressed()) {
      slider.setValue(instances); // not while the user's own count waits to apply
      counts.setValue(instances);
    }
    syncing = false;
    title.setText(app == null ? "Select an app" : Hosts.on(app.host(), app.name()));
    RolloutItem rollout = app == null ? null : app.rolloutProperty().get();
    if (rollout == null) {
      if (watched != null) {
        watched.stateProperty().removeListener(appChanged);
        watched = null;
      }
      steps.setItems(FXCollections.observableArrayList());
      state.setText(
          app == null
              ? ""
              : off ? "Start the app to reload or scale it." : "No reload or scale yet.");
      ticker.stop();
      return;
    }
    if (watched != rollout) {
      if (watched != null) {
        watched.stateProperty().removeListener(appChanged);
      }
      watched = rollout;
      rollout.stateProperty().addListener(appChanged);
      steps.setItems(rollout.steps());
    }
    state.setText(describe(rollout.stateProperty().get()));
    state.getStyleClass().removeAll("rollout-failed", "rollout-done");
    switch (rollout.stateProperty().get().phase()) {
      case FAILED -> state.getStyleClass().add("rollout-failed");
      case DONE -> state.getStyleClass().add("rollout-done");
      default -> {}
    }
    if (rollout.over()) {
      asked = -1;
      ticker.stop();
      steps.refresh();
    } else {
      ticker.play();
    }
  }

  private static String describe(RolloutChanged r) {
    String what = r.kind() == RolloutChanged.Kind.RELOAD ? "Reload" : "Scale";
    String counts =
        r.kind() == RolloutChanged.Kind.SCALE
            ? " (" + r.fromInstances() + " → " + r.toInstances() + ")"
            : "";
    String phase = r.phase().name().toLowerCase(Locale.ROOT);
    return what + counts + " " + phase + (r.detail().isEmpty() ? "" : ": " + r.detail());
  }

  private void apply(int instances) {
    if (syncing || app == null || !app.knownProperty().get()) {
      return;
    }
    // A drag's release and its last value change both say the same count: it is asked once.
    if (instances != asked && instances != app.specProperty().get().instances()) {
      asked = instances;
      viewModel.scale(app, instances);
    }
  }

  private void tick() {
    steps.refresh(); // countdowns and in-flight counts
  }

  /** One step: an icon for how it stands, the worker, the step, its words, its time. */
  private final class StepCell extends ListCell<StepItem> {
    private final Label icon = new Label();
    private final Label worker = new Label();
    private final Label step = new Label();
    private final Label detail = new Label();
    private final Label time = new Label();
    private final HBox line = new HBox(10, icon, worker, step, detail, time);

    StepCell() {
      line.setAlignment(Pos.CENTER_LEFT);
      worker.setMinWidth(110);
      step.setMinWidth(60);
      step.getStyleClass().add("rollout-step");
      HBox.setHgrow(detail, Priority.ALWAYS);
      detail.setMaxWidth(Double.MAX_VALUE);
      time.setMinWidth(90);
      time.setAlignment(Pos.CENTER_RIGHT);
      time.getStyleClass().add("rollout-time");
    }

    @Override
    protected void updateItem(StepItem item, boolean empty) {
      super.updateItem(item, empty);
      if (empty || item == null) {
        setGraphic(null);
        setText(null);
        return;
      }
      RolloutStep s = item.latest();
      icon.setGraphic(new FontIcon(iconOf(s.status())));
      icon.getStyleClass().setAll("label", "rollout-" + s.status().name().toLowerCase(Locale.ROOT));
      worker.setText(s.label() + " #" + s.workerId());
      step.setText(label(s.step()));
      detail.setText(detail(s));
      time.setText(time(s));
      setText(null);
      setGraphic(line);
    }

    private String detail(RolloutStep s) {
      if (s.status() == Status.RUNNING && s.step() == RolloutStep.Step.DRAIN && app != null) {
        WorkerItem w = app.worker(s.workerId());
        if (w != null && w.requestsProperty().get() != null) {
          return "out of rotation; " + w.requestsProperty().get().inFlight() + " in flight";
        }
      }
      return s.detail();
    }

    private String time(RolloutStep s) {
      if (s.status().over()) {
        return seconds(Duration.between(s.started(), s.at()));
      }
      Instant now = clock.get();
      return s.deadline()
          .map(
              d ->
                  seconds(
                          Duration.between(now, d).isNegative()
                              ? Duration.ZERO
                              : Duration.between(now, d))
                      + " left")
          .orElse(seconds(Duration.between(s.started(), now)) + "…");
    }
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  static String label(RolloutStep.Step step) {
    return switch (step) {
      case START -> "Start";
      case READY -> "Ready";
      case ROUTE -> "Route";
      case DRAIN -> "Drain";
      case SIGNAL -> "Signal";
      case KILL -> "SIGKILL";
    };
  }

  private static String iconOf(Status status) {
    return switch (status) {
      case RUNNING -> "fth-loader";
      case DONE -> "fth-check-circle";
      case WARNING -> "fth-alert-triangle";
      case FAILED -> "fth-x-circle";
    };
  }
}
