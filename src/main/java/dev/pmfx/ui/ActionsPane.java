package dev.pmfx.ui;

import dev.pmfx.engine.EngineEvent.MetricsSample.CustomAction;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerProbes;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.Row;
import dev.pmfx.ui.ProcessItems.WorkerItem;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Actions tab: a button for each action the selected app's (or worker's) {@code @pm2/io} offers
 * ({@code io.action}), a parameter to give it, and the replies, as {@code pmfx trigger} prints
 * them.
 */
final class ActionsPane extends VBox {

  private final MainWindowViewModel viewModel;
  private final Label title = new Label("Select an app");
  private final Label empty = new Label();
  private final TextField param = new TextField();
  private final FlowPane buttons = new FlowPane(6, 6);
  private final TextArea replies = new TextArea();
  private Row row;
  private List<String> shown = List.of();

  ActionsPane(MainWindowViewModel viewModel) {
    super(6);
    this.viewModel = viewModel;
    setPadding(new Insets(4, 8, 8, 8));
    title.getStyleClass().add("pane-title");
    param.setId("actionParam");
    param.setPromptText("Parameter (optional), given to an action that takes one");
    buttons.setId("actionButtons");
    replies.setId("actionReplies");
    replies.setEditable(false);
    replies.setPrefRowCount(6);
    VBox.setVgrow(replies, Priority.ALWAYS);
    getChildren().addAll(title, empty, buttons, param, replies);
    viewModel.samplesProperty().addListener((o, was, now) -> refresh());
  }

  /** Shows the row's actions; what an earlier row replied is cleared. */
  void show(Optional<Row> selected) {
    if (selected.orElse(null) != row) {
      row = selected.orElse(null);
      replies.clear();
      shown = null;
    }
    refresh();
  }

  /** Brings the buttons up to what the workers reported last. */
  void refresh() {
    List<String> actions = actions(row);
    if (actions.equals(shown)) {
      return;
    }
    shown = actions;
    title.setText(row == null ? "Select an app" : Hosts.on(row.host(), row.target()));
    empty.setText(
        row == null || !actions.isEmpty()
            ? ""
            : "No actions: an app offers them with @pm2/io's io.action(), while it runs.");
    buttons.getChildren().setAll(actions.stream().map(this::button).toList());
  }

  private Button button(String action) {
    Button button = new Button(action);
    button.getStyleClass().add("action-button");
    button.setOnAction(
        e -> {
          Row target = row;
          String given = param.getText().strip();
          replies.setText(action + "…");
          viewModel.trigger(
              target,
              action,
              given.isEmpty() ? Optional.empty() : Optional.of(given),
              text -> {
                if (row == target) {
                  replies.setText(action + "\n" + text);
                }
              });
        });
    return button;
  }

  /**
   * The app's own actions its running workers offer, by name: workers announce theirs in no order
   * of their own, and the buttons should not move about between them.
   */
  static List<String> actions(Row row) {
    List<WorkerItem> workers =
        switch (row) {
          case null -> List.of();
          case AppItem app -> app.workers();
          case WorkerItem worker -> List.of(worker);
        };
    Set<String> names = new java.util.TreeSet<>();
    for (WorkerItem w : workers) {
      WorkerProbes probes = w.probesProperty().get();
      if (probes != null && w.status().state().running()) {
        probes.actions().stream()
            .filter(CustomAction::custom)
            .map(CustomAction::name)
            .forEach(names::add);
      }
    }
    return List.copyOf(names);
  }
}
