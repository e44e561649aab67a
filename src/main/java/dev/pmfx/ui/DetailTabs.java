package dev.pmfx.ui;

import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.HistoryEntry;
import dev.pmfx.ui.ProcessItems.Row;
import dev.pmfx.ui.ProcessItems.WorkerItem;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javafx.collections.FXCollections;
import javafx.fxml.FXML;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;

/**
 * The selected row's details: its logs, events, metrics, {@code @pm2/io} actions, resolved config
 * and rollout progress.
 */
final class DetailTabs {

  @FXML private TabPane detailTabs;
  @FXML private Tab metricsTab;
  @FXML private Tab progressTab;
  @FXML private Tab actionsTab;
  @FXML private LogPane logPaneController;
  @FXML private ListView<HistoryEntry> historyList;
  @FXML private ListView<ConfigEntry> configList;

  private final MainWindowViewModel viewModel;
  private final RolloutPane rolloutPane;
  private final MetricsPane metricsPane;
  private final ActionsPane actionsPane;
  private final Set<String> revealed = new HashSet<>();
  private Row shown;

  /**
   * @param detailsShown whether the window shows the table and these tabs, not the dashboard
   */
  DetailTabs(MainWindowViewModel viewModel, BooleanSupplier detailsShown) {
    this.viewModel = viewModel;
    this.rolloutPane = new RolloutPane(viewModel, Instant::now);
    this.metricsPane =
        new MetricsPane(
            viewModel, Instant::now, () -> metricsTab.isSelected() && detailsShown.getAsBoolean());
    this.actionsPane = new ActionsPane(viewModel);
  }

  @FXML
  private void initialize() {
    progressTab.setContent(rolloutPane);
    metricsTab.setContent(metricsPane);
    actionsTab.setContent(actionsPane);
    metricsTab.selectedProperty().addListener((o, was, now) -> metricsPane.refresh());
    historyList.setCellFactory(list -> new HistoryCell());
    configList.setCellFactory(list -> new ConfigCell());
  }

  LogPane logPane() {
    return logPaneController;
  }

  /** Shows the row's details, when it is not the one shown already. */
  void show(Optional<Row> row) {
    if (row.orElse(null) == shown) {
      return;
    }
    shown = row.orElse(null);
    if (shown instanceof AppItem app) {
      viewModel.showEarlierLogs(app);
    }
    AppItem app = row.map(this::appOf).orElse(null);
    rolloutPane.show(app);
    metricsPane.show(app);
    actionsPane.show(row);
    logPaneController.show(row);
    historyList.setItems(row.map(Row::history).orElse(FXCollections.observableArrayList()));
    configList.setItems(
        FXCollections.observableArrayList(
            row.map(this::appOf)
                .map(a -> ConfigEntry.describe(a.specProperty().get()))
                .orElse(List.of())));
  }

  /** Brings the Progress tab forward, where a reload or a scale shows its steps. */
  void showProgress() {
    detailTabs.getSelectionModel().select(progressTab);
  }

  /** Redraws the charts, when they are on screen. */
  void refreshMetrics() {
    metricsPane.refresh();
  }

  /** The selected tab's index, for the next start. */
  int tab() {
    return detailTabs.getSelectionModel().getSelectedIndex();
  }

  void restore(int tab) {
    detailTabs
        .getSelectionModel()
        .select(Math.max(0, Math.min(tab, detailTabs.getTabs().size() - 1)));
  }

  private AppItem appOf(Row row) {
    return switch (row) {
      case AppItem a -> a;
      case WorkerItem worker ->
          viewModel.apps().stream()
              .filter(a -> a.workers().contains(worker))
              .findFirst()
              .orElse(null);
    };
  }

  private static final class HistoryCell extends ListCell<HistoryEntry> {
    @Override
    protected void updateItem(HistoryEntry entry, boolean empty) {
      super.updateItem(entry, empty);
      if (empty || entry == null) {
        setText(null);
        return;
      }
      setText(
          LogPane.TIME.format(entry.at())
              + "  "
              + entry.source()
              + "  "
              + entry.from()
              + " → "
              + entry.to()
              + "  "
              + entry.reason());
    }
  }

  /** One option; a secret one shows dots until it is clicked. */
  private final class ConfigCell extends ListCell<ConfigEntry> {
    ConfigCell() {
      setOnMouseClicked(
          e -> {
            ConfigEntry entry = getItem();
            if (entry != null && entry.secret()) {
              if (!revealed.remove(entry.key())) {
                revealed.add(entry.key());
              }
              updateItem(entry, false);
            }
          });
    }

    @Override
    protected void updateItem(ConfigEntry entry, boolean empty) {
      super.updateItem(entry, empty);
      getStyleClass().remove("secret");
      if (empty || entry == null) {
        setText(null);
        return;
      }
      boolean hidden = entry.secret() && !revealed.contains(entry.key());
      setText(entry.key() + " = " + (hidden ? "•••••••• (click to show)" : entry.value()));
      if (hidden) {
        getStyleClass().add("secret");
      }
    }
  }
}
