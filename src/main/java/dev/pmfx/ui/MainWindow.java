package dev.pmfx.ui;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Diagnostic;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.home.Version;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.HistoryEntry;
import dev.pmfx.ui.ProcessItems.LogEntry;
import dev.pmfx.ui.ProcessItems.Row;
import dev.pmfx.ui.ProcessItems.WorkerItem;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.fxml.FXML;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.Duration;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The main window's controller: binds the view to {@link MainWindowViewModel} and delegates to it.
 */
public final class MainWindow {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  @FXML private BorderPane root;
  @FXML private Menu recentMenu;
  @FXML private CheckMenuItem darkItem;
  @FXML private Button startButton;
  @FXML private Button stopButton;
  @FXML private Button restartButton;
  @FXML private Button reloadButton;
  @FXML private Button deleteButton;
  @FXML private Button startAllButton;
  @FXML private Button stopAllButton;
  @FXML private MenuItem startItem;
  @FXML private MenuItem stopItem;
  @FXML private MenuItem restartItem;
  @FXML private MenuItem reloadItem;
  @FXML private MenuItem deleteItem;
  @FXML private TreeTableView<Row> processTable;
  @FXML private TreeTableColumn<Row, String> nameColumn;
  @FXML private TreeTableColumn<Row, String> idColumn;
  @FXML private TreeTableColumn<Row, String> namespaceColumn;
  @FXML private TreeTableColumn<Row, String> modeColumn;
  @FXML private TreeTableColumn<Row, String> pidColumn;
  @FXML private TreeTableColumn<Row, String> statusColumn;
  @FXML private TreeTableColumn<Row, String> uptimeColumn;
  @FXML private TreeTableColumn<Row, String> restartsColumn;
  @FXML private TreeTableColumn<Row, String> cpuColumn;
  @FXML private MenuItem closeFileItem;
  @FXML private javafx.scene.layout.StackPane quitPane;
  @FXML private javafx.scene.control.ProgressBar quitProgress;
  @FXML private Label quitLabel;
  @FXML private TreeTableColumn<Row, String> memoryColumn;
  @FXML private TreeTableColumn<Row, String> requestsColumn;
  @FXML private TreeTableColumn<Row, String> exitColumn;
  @FXML private TreeTableColumn<Row, String> scriptColumn;
  @FXML private TreeTableColumn<Row, String> actionsColumn;
  @FXML private Label logsTitle;
  @FXML private javafx.scene.control.TextField filterField;
  @FXML private javafx.scene.control.TextField searchField;
  @FXML private Label matchesLabel;
  @FXML private ListView<ConfigEntry> configList;
  @FXML private javafx.scene.control.SplitPane split;
  @FXML private javafx.scene.control.MenuBar menuBar;
  @FXML private javafx.scene.control.ToolBar toolBar;
  @FXML private javafx.scene.control.TabPane detailTabs;
  @FXML private javafx.scene.control.Tab progressTab;
  @FXML private javafx.scene.control.Tab metricsTab;
  @FXML private CheckMenuItem dashboardItem;
  @FXML private Menu sampleMenu;
  @FXML private javafx.scene.control.ToggleButton dashboardButton;
  @FXML private CheckBox followBox;
  @FXML private ListView<LogEntry> logList;
  @FXML private ListView<HistoryEntry> historyList;
  @FXML private VBox problemPane;
  @FXML private Label problemTitle;
  @FXML private ListView<Diagnostic> problemList;
  @FXML private Label fileLabel;
  @FXML private Label statusLabel;
  @FXML private Label toast;
  private final javafx.animation.PauseTransition toastTimer =
      new javafx.animation.PauseTransition(Duration.seconds(6));

  private final MainWindowViewModel viewModel;
  private final RolloutPane rolloutPane;
  private final MetricsPane metricsPane;
  private final DashboardPane dashboard;
  private final Consumer<Boolean> darkTheme;
  private Consumer<Path> folderOpener = path -> {};
  private final java.util.Set<String> revealed = new java.util.HashSet<>();
  private final TreeItem<Row> tableRoot = new TreeItem<>();

  MainWindow(MainWindowViewModel viewModel, Consumer<Boolean> darkTheme) {
    this.viewModel = viewModel;
    this.rolloutPane = new RolloutPane(viewModel, Instant::now);
    this.metricsPane =
        new MetricsPane(
            viewModel, Instant::now, () -> metricsTab.isSelected() && split.isVisible());
    this.dashboard = new DashboardPane(viewModel, Instant::now, this::openFromDashboard);
    this.darkTheme = darkTheme;
  }

  /** Loads {@code MainWindow.fxml} with a controller bound to {@code viewModel}. */
  public static Parent load(MainWindowViewModel viewModel) {
    return load(viewModel, dark -> {});
  }

  public static Parent load(MainWindowViewModel viewModel, Consumer<Boolean> darkTheme) {
    return loadWithController(viewModel, darkTheme).root();
  }

  /** The view and its controller, for the app to restore and save the window's layout. */
  record Loaded(Parent root, MainWindow controller) {}

  static Loaded loadWithController(MainWindowViewModel viewModel, Consumer<Boolean> darkTheme) {
    FXMLLoader loader = new FXMLLoader(MainWindow.class.getResource("/fxml/MainWindow.fxml"));
    loader.setControllerFactory(type -> new MainWindow(viewModel, darkTheme));
    try {
      Parent root = loader.load();
      return new Loaded(root, loader.getController());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the main window's FXML", e);
    }
  }

  @FXML
  private void initialize() {
    icons();
    columns();
    processTable.setRoot(tableRoot);
    viewModel.visibleApps().addListener((ListChangeListener<AppItem>) change -> rebuild());
    filterField.textProperty().bindBidirectional(viewModel.filterProperty());
    filterField.setOnKeyPressed(
        key -> {
          if (key.getCode() == javafx.scene.input.KeyCode.ESCAPE) {
            filterField.clear();
          }
        });
    Label noMatch = new Label();
    noMatch
        .textProperty()
        .bind(
            viewModel
                .filterProperty()
                .map(f -> "No app matches '" + f + "' (Esc clears the filter)."));
    Label noApps = new Label("No apps. Open an ecosystem file (Ctrl+O) or drop one here.");
    processTable
        .placeholderProperty()
        .bind(viewModel.filterProperty().map(f -> f.isBlank() ? noApps : noMatch));
    root.addEventFilter(
        javafx.scene.input.KeyEvent.KEY_PRESSED,
        key -> {
          if (key.isShortcutDown() && key.getCode() == javafx.scene.input.KeyCode.F) {
            filterField.requestFocus();
            key.consume();
          }
        });
    searchField
        .textProperty()
        .addListener(
            (o, was, now) -> {
              logList.refresh();
              countMatches();
            });
    configList.setCellFactory(list -> new ConfigCell());
    progressTab.setContent(rolloutPane);
    metricsTab.setContent(metricsPane);
    sampleMenu();
    metricsTab.selectedProperty().addListener((o, was, now) -> metricsPane.refresh());
    ((javafx.scene.layout.StackPane) split.getParent()).getChildren().add(1, dashboard);
    showDashboard(false);
    processTable.setContextMenu(contextMenu());
    rebuild();
    processTable
        .getSelectionModel()
        .selectedItemProperty()
        .addListener((o, was, now) -> selected());
    selected();

    logList.setCellFactory(list -> new LogCell());
    historyList.setCellFactory(list -> new HistoryCell());

    problemList.setItems(viewModel.diagnostics());
    problemList.setCellFactory(list -> new DiagnosticCell());
    problemPane.visibleProperty().bind(viewModel.failedProperty());
    problemPane.managedProperty().bind(viewModel.failedProperty());
    problemTitle
        .textProperty()
        .bind(viewModel.fileProperty().map(f -> f.getFileName() + " did not load"));

    fileLabel
        .textProperty()
        .bind(Bindings.createStringBinding(this::openFilesText, viewModel.openFiles()));
    closeFileItem.disableProperty().bind(Bindings.isEmpty(viewModel.openFiles()));
    quitPane.visibleProperty().bind(viewModel.quittingProperty());
    quitPane.managedProperty().bind(viewModel.quittingProperty());
    quitProgress.progressProperty().bind(viewModel.quitProgressProperty());
    quitLabel.textProperty().bind(viewModel.quitTextProperty());
    menuBar.disableProperty().bind(viewModel.quittingProperty());
    toolBar.disableProperty().bind(viewModel.quittingProperty());
    split.disableProperty().bind(viewModel.quittingProperty());
    statusLabel.textProperty().bind(viewModel.statusProperty());
    viewModel.recentFiles().addListener((ListChangeListener<Path>) change -> fillRecentMenu());
    fillRecentMenu();

    root.setOnDragOver(this::onDragOver);
    root.setOnDragDropped(this::onDragDropped);

    toastTimer.setOnFinished(e -> toast.setVisible(false));
    viewModel.problemProperty().addListener((o, was, now) -> notify(now));
    processTable.getStyleClass().add(atlantafx.base.theme.Styles.DENSE);
    viewModel.revisionProperty().addListener((o, was, now) -> refresh());

    // uptime ticks; the table shows the engine's latest state at least once a second
    Timeline tick = new Timeline(new KeyFrame(Duration.seconds(1), e -> refresh()));
    tick.setCycleCount(Timeline.INDEFINITE);
    tick.play();
  }

  /**
   * A crash, an errored worker or a failed command, as a notice in the window's corner for a few
   * seconds (the status bar keeps the last one).
   */
  private void notify(String message) {
    if (message == null || message.isEmpty()) {
      return;
    }
    javafx.stage.Window window = root.getScene() == null ? null : root.getScene().getWindow();
    if (window instanceof javafx.stage.Stage stage
        && stage.isShowing()
        && (!stage.isFocused() || stage.isIconified())) {
      // Someone looking elsewhere: a notification in the screen's corner, which brings pmfx back.
      org.controlsfx.control.Notifications.create()
          .title("pmfx")
          .text(message)
          .position(javafx.geometry.Pos.BOTTOM_RIGHT)
          .hideAfter(javafx.util.Duration.seconds(8))
          .onAction(
              e -> {
                stage.setIconified(false);
                stage.toFront();
                stage.requestFocus();
              })
          .showWarning();
    }
    toast.setText(message);
    toast.setVisible(true);
    toastTimer.playFromStart();
  }

  private void icons() {
    startButton.setGraphic(new FontIcon("fth-play"));
    stopButton.setGraphic(new FontIcon("fth-square"));
    restartButton.setGraphic(new FontIcon("fth-rotate-cw"));
    reloadButton.setGraphic(new FontIcon("fth-refresh-cw"));
    deleteButton.setGraphic(new FontIcon("fth-trash-2"));
    startAllButton.setGraphic(new FontIcon("fth-fast-forward"));
    stopAllButton.setGraphic(new FontIcon("fth-stop-circle"));
    dashboardButton.setGraphic(new FontIcon("fth-grid"));
  }

  /** Called after each batch of engine events, and every second. */
  void refresh() {
    processTable.refresh();
    selected();
  }

  // ---------------------------------------------------------------- the table

  private void columns() {
    column(
        nameColumn,
        r -> r instanceof WorkerItem w ? w.status().name() + "-" + w.status().instance() : name(r));
    column(idColumn, r -> r instanceof WorkerItem w ? String.valueOf(w.id()) : "");
    column(namespaceColumn, r -> spec(r).map(AppSpec::namespace).orElse(""));
    column(modeColumn, r -> spec(r).map(s -> s.execMode().label()).orElse(""));
    column(
        pidColumn,
        r ->
            r instanceof WorkerItem w && w.status().pid().isPresent()
                ? String.valueOf(w.status().pid().getAsLong())
                : "");
    column(statusColumn, MainWindow::status);
    column(uptimeColumn, r -> r instanceof WorkerItem w ? uptime(w.status()) : "");
    column(
        restartsColumn,
        r ->
            r instanceof WorkerItem w
                ? String.valueOf(w.status().restarts())
                : String.valueOf(restarts(r)));
    column(cpuColumn, r -> usage(r).map(u -> Amounts.cpu(u.cpuPercent())).orElse(""));
    column(memoryColumn, r -> usage(r).map(u -> Amounts.memory(u.memoryBytes())).orElse(""));
    column(requestsColumn, MainWindow::requests);
    column(exitColumn, r -> r instanceof WorkerItem w ? lastExit(w.status()) : "");
    column(scriptColumn, r -> r instanceof AppItem a ? a.specProperty().get().script() : "");
    statusColumn.setCellFactory(c -> new BadgeCell());
    cpuColumn.setCellFactory(c -> new CpuCell());
    for (TreeTableColumn<Row, String> numeric :
        List.of(idColumn, pidColumn, restartsColumn, cpuColumn, memoryColumn, requestsColumn)) {
      numeric.setComparator(Amounts::compare);
      numeric.getStyleClass().add("numeric");
    }
    actionsColumn.setCellFactory(c -> new ActionsCell());
    actionsColumn.setSortable(false);
  }

  private static void column(TreeTableColumn<Row, String> column, Function<Row, String> value) {
    column.setCellValueFactory(
        cell ->
            new ReadOnlyStringWrapper(
                cell.getValue() == null || cell.getValue().getValue() == null
                    ? ""
                    : value.apply(cell.getValue().getValue())));
  }

  /** Requests the balancer gave a cluster worker, or an app's workers together. */
  private static String requests(Row row) {
    return switch (row) {
      case WorkerItem w ->
          w.requestsProperty().get() == null
              ? ""
              : String.valueOf(w.requestsProperty().get().requests());
      case AppItem a -> a.requests().isPresent() ? String.valueOf(a.requests().getAsLong()) : "";
    };
  }

  private static Optional<EngineEvent.MetricsSample.WorkerUsage> usage(Row row) {
    return switch (row) {
      case WorkerItem w -> Optional.ofNullable(w.usageProperty().get());
      case AppItem a -> a.usage();
    };
  }

  private static String name(Row row) {
    return row instanceof AppItem a ? a.name() : "";
  }

  private static Optional<AppSpec> spec(Row row) {
    return row instanceof AppItem a ? Optional.of(a.specProperty().get()) : Optional.empty();
  }

  private static int restarts(Row row) {
    return row instanceof AppItem a
        ? a.workers().stream().mapToInt(w -> w.status().restarts()).sum()
        : 0;
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
    List<WorkerState> states =
        app.workers().stream().map(w -> w.status().state()).distinct().toList();
    if (states.size() == 1) {
      return states.getFirst().label();
    }
    long online =
        app.workers().stream().filter(w -> w.status().state() == WorkerState.ONLINE).count();
    return online + "/" + app.workers().size() + " online";
  }

  private static String uptime(WorkerStatus status) {
    java.time.Duration up = status.uptime(Instant.now());
    if (up.isZero()) {
      return "";
    }
    long s = up.toSeconds();
    return s < 60
        ? s + "s"
        : s < 3600 ? s / 60 + "m" : s < 86400 ? s / 3600 + "h" : s / 86400 + "d";
  }

  private static String lastExit(WorkerStatus status) {
    if (status.lastExitCode().isEmpty()) {
      return "";
    }
    int code = status.lastExitCode().getAsInt();
    return status.lastSignal().map(s -> code + " (" + s + ")").orElse(String.valueOf(code));
  }

  /** Rebuilds the tree from the view model, keeping what was selected and expanded. */
  private void rebuild() {
    Optional<String> selected = selectedRow().map(Row::target);
    tableRoot.getChildren().setAll(viewModel.visibleApps().stream().map(this::appItem).toList());
    selected.ifPresent(this::select);
  }

  private TreeItem<Row> appItem(AppItem app) {
    TreeItem<Row> item = new TreeItem<>(app);
    item.setExpanded(true);
    Runnable workers =
        () ->
            item.getChildren()
                .setAll(app.workers().stream().map(w -> new TreeItem<Row>(w)).toList());
    app.workers()
        .addListener(
            (ListChangeListener<WorkerItem>)
                change -> {
                  Optional<String> selected = selectedRow().map(Row::target);
                  workers.run();
                  selected.ifPresent(this::select);
                });
    workers.run();
    return item;
  }

  private void select(String target) {
    for (TreeItem<Row> app : tableRoot.getChildren()) {
      if (app.getValue().target().equals(target)) {
        processTable.getSelectionModel().select(app);
        return;
      }
      for (TreeItem<Row> worker : app.getChildren()) {
        if (worker.getValue().target().equals(target)) {
          processTable.getSelectionModel().select(worker);
          return;
        }
      }
    }
  }

  private Optional<Row> selectedRow() {
    return Optional.ofNullable(processTable.getSelectionModel().getSelectedItem())
        .map(TreeItem::getValue);
  }

  private Row shown;

  /** The context menu's Start, Stop, Restart, Reload and Delete, in that order. */
  private List<MenuItem> contextItems = List.of();

  private final ListChangeListener<LogEntry> following = change -> follow();

  /** The detail pane follows the selection; actions are enabled for what they can act on. */
  private void selected() {
    Optional<Row> row = selectedRow();
    boolean none = row.isEmpty();
    boolean busy = row.map(r -> !r.actionProperty().get().isEmpty()).orElse(false);
    boolean notStarted =
        row.map(r -> r instanceof AppItem a && !a.knownProperty().get()).orElse(false);
    List<Button> buttons =
        List.of(startButton, stopButton, restartButton, reloadButton, deleteButton);
    List<MenuItem> items = List.of(startItem, stopItem, restartItem, reloadItem, deleteItem);
    for (int i = 0; i < buttons.size(); i++) {
      boolean off = none || busy || (i > 0 && notStarted); // all but Start need a started app
      buttons.get(i).setDisable(off);
      items.get(i).setDisable(off);
      contextItems.get(i).setDisable(off);
    }
    if (row.orElse(null) != shown) {
      shown = row.orElse(null);
      if (shown instanceof AppItem app) {
        viewModel.showEarlierLogs(app);
      }
      AppItem app = row.map(r -> r instanceof AppItem a ? a : appOf((WorkerItem) r)).orElse(null);
      rolloutPane.show(app);
      metricsPane.show(app);
      logList.getItems().removeListener(following);
      ObservableList<LogEntry> logs =
          row.map(Row::logs).orElse(FXCollections.observableArrayList());
      logList.setItems(logs);
      logs.addListener(following);
      historyList.setItems(row.map(Row::history).orElse(FXCollections.observableArrayList()));
      logsTitle.setText(
          row.map(
                  r ->
                      r instanceof AppItem a
                          ? a.name() + ": all workers"
                          : ((WorkerItem) r).status().name()
                              + "-"
                              + ((WorkerItem) r).status().instance())
              .orElse("Select an app or a worker"));
      configList.setItems(
          FXCollections.observableArrayList(
              row.map(r -> r instanceof AppItem a ? a : appOf((WorkerItem) r))
                  .map(a -> ConfigEntry.describe(a.specProperty().get()))
                  .orElse(List.of())));
      follow();
      countMatches();
    }
  }

  private AppItem appOf(WorkerItem worker) {
    return viewModel.apps().stream()
        .filter(a -> a.workers().contains(worker))
        .findFirst()
        .orElse(null);
  }

  private boolean matchesSearch(LogEntry entry) {
    String wanted = searchField.getText();
    return wanted != null
        && !wanted.isBlank()
        && entry
            .text()
            .toLowerCase(java.util.Locale.ROOT)
            .contains(wanted.strip().toLowerCase(java.util.Locale.ROOT));
  }

  private void countMatches() {
    String wanted = searchField.getText();
    if (wanted == null || wanted.isBlank()) {
      matchesLabel.setText("");
      return;
    }
    long count = logList.getItems().stream().filter(this::matchesSearch).count();
    matchesLabel.setText(count + (count == 1 ? " match" : " matches"));
  }

  @FXML
  private void onClearLogs() {
    selectedRow().ifPresent(row -> row.logs().clear());
  }

  @FXML
  private void onOpenLogFolder() {
    notify("Log files are in " + viewModel.logDirectory());
    folderOpener.accept(viewModel.logDirectory());
  }

  /** How "Log Folder" shows a folder: the desktop's file manager, in the app. */
  void folderOpener(Consumer<Path> opener) {
    this.folderOpener = opener;
  }

  /** The split and the tab, for the next start. */
  double divider() {
    return split.getDividerPositions()[0];
  }

  int tab() {
    return detailTabs.getSelectionModel().getSelectedIndex();
  }

  void restore(double divider, int tab) {
    split.setDividerPositions(divider);
    detailTabs
        .getSelectionModel()
        .select(Math.max(0, Math.min(tab, detailTabs.getTabs().size() - 1)));
  }

  private void follow() {
    if (followBox.isSelected() && !logList.getItems().isEmpty()) {
      logList.scrollTo(logList.getItems().size() - 1);
    }
  }

  private ContextMenu contextMenu() {
    MenuItem start = new MenuItem("Start", new FontIcon("fth-play"));
    start.setOnAction(e -> onStart());
    MenuItem stop = new MenuItem("Stop", new FontIcon("fth-square"));
    stop.setOnAction(e -> onStop());
    MenuItem restart = new MenuItem("Restart", new FontIcon("fth-rotate-cw"));
    restart.setOnAction(e -> onRestart());
    MenuItem reload = new MenuItem("Reload", new FontIcon("fth-refresh-cw"));
    reload.setOnAction(e -> onReload());
    MenuItem delete = new MenuItem("Delete", new FontIcon("fth-trash-2"));
    delete.setOnAction(e -> onDelete());
    contextItems = List.of(start, stop, restart, reload, delete);
    return new ContextMenu(start, stop, restart, reload, delete);
  }

  // ---------------------------------------------------------------- actions

  private void onSelected(Consumer<Row> action) {
    selectedRow()
        .ifPresent(
            row -> {
              action.accept(row);
              refresh();
            });
  }

  /** Reloads the row and shows its progress. */
  private void reload(Row row) {
    select(row.target());
    detailTabs.getSelectionModel().select(progressTab);
    viewModel.reload(row);
  }

  @FXML
  private void onStart() {
    onSelected(viewModel::start);
  }

  @FXML
  private void onStop() {
    onSelected(viewModel::stop);
  }

  @FXML
  private void onRestart() {
    onSelected(viewModel::restart);
  }

  @FXML
  private void onReload() {
    onSelected(this::reload);
  }

  @FXML
  private void onDelete() {
    onSelected(viewModel::delete);
  }

  @FXML
  private void onStartAll() {
    viewModel.startAll();
  }

  @FXML
  private void onStopAll() {
    viewModel.stopAll();
  }

  @FXML
  private void onRestartAll() {
    viewModel.restartAll();
  }

  @FXML
  private void onDashboard() {
    showDashboard(dashboardItem.isSelected());
  }

  @FXML
  private void onDashboardButton() {
    showDashboard(dashboardButton.isSelected());
  }

  /** View → Sample Every: how often CPU and memory are measured, remembered. */
  private void sampleMenu() {
    javafx.scene.control.ToggleGroup group = new javafx.scene.control.ToggleGroup();
    for (int seconds : MainWindowViewModel.SAMPLE_SECONDS) {
      javafx.scene.control.RadioMenuItem item =
          new javafx.scene.control.RadioMenuItem(seconds == 1 ? "1 second" : seconds + " seconds");
      item.setToggleGroup(group);
      item.setSelected(seconds == viewModel.sampleSeconds());
      item.setOnAction(e -> viewModel.sampleSeconds(seconds));
      sampleMenu.getItems().add(item);
    }
  }

  /** Every app at a glance instead of the table and its detail pane, or back. */
  void showDashboard(boolean on) {
    dashboardItem.setSelected(on);
    dashboardButton.setSelected(on);
    dashboard.setVisible(on);
    split.setVisible(!on);
    if (!on) {
      metricsPane.refresh();
    }
  }

  /** A card clicked on the dashboard: back to the table, on that app. */
  private void openFromDashboard(AppItem app) {
    showDashboard(false);
    select(app.target());
  }

  @FXML
  private void onDark() {
    darkTheme.accept(darkItem.isSelected());
  }

  void showDark(boolean dark) {
    darkItem.setSelected(dark);
  }

  private void fillRecentMenu() {
    recentMenu
        .getItems()
        .setAll(
            viewModel.recentFiles().stream()
                .map(
                    path -> {
                      MenuItem item = new MenuItem(path.toString());
                      item.setMnemonicParsing(false);
                      item.setOnAction(e -> viewModel.open(path));
                      return item;
                    })
                .toList());
    recentMenu.setDisable(viewModel.recentFiles().isEmpty());
  }

  @FXML
  private void onOpen() {
    FileChooser chooser = new FileChooser();
    chooser.setTitle("Open Ecosystem Files");
    chooser
        .getExtensionFilters()
        .addAll(
            new FileChooser.ExtensionFilter(
                "Ecosystem files", "*.js", "*.cjs", "*.mjs", "*.json", "*.yaml", "*.yml"),
            new FileChooser.ExtensionFilter("All files", "*"));
    Path current = viewModel.fileProperty().get();
    if (current != null
        && current.getParent() != null
        && current.getParent().toFile().isDirectory()) {
      chooser.setInitialDirectory(current.getParent().toFile());
    }
    List<File> chosen = chooser.showOpenMultipleDialog(root.getScene().getWindow());
    if (chosen != null) {
      chosen.forEach(f -> viewModel.open(f.toPath()));
    }
  }

  @FXML
  private void onOpenDemo() {
    viewModel.openDemo();
  }

  @FXML
  private void onRetry() {
    fileOfSelection().ifPresentOrElse(viewModel::open, viewModel::retry);
  }

  /** Closes the file of the selected app, or the one opened last. */
  @FXML
  private void onCloseFile() {
    fileOfSelection()
        .or(() -> Optional.ofNullable(viewModel.fileProperty().get()))
        .ifPresent(viewModel::close);
  }

  @FXML
  private void onCloseFailedFile() {
    Optional.ofNullable(viewModel.fileProperty().get()).ifPresent(viewModel::close);
  }

  private Optional<Path> fileOfSelection() {
    if (viewModel.failedProperty().get()) {
      return Optional.empty(); // the errors on screen are the current file's
    }
    return selectedRow()
        .map(row -> row instanceof WorkerItem w ? w.status().name() : ((AppItem) row).name())
        .flatMap(viewModel::fileOf);
  }

  /** The status bar's list of open files: the path of one, the names of several. */
  private String openFilesText() {
    List<Path> files = viewModel.openFiles();
    return switch (files.size()) {
      case 0 -> "";
      case 1 -> files.getFirst().toString();
      default ->
          files.size()
              + " files: "
              + String.join(", ", files.stream().map(f -> f.getFileName().toString()).toList());
    };
  }

  @FXML
  private void onQuit() {
    root.getScene()
        .getWindow()
        .fireEvent(
            new javafx.stage.WindowEvent(
                root.getScene().getWindow(), javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST));
  }

  @FXML
  private void onAbout() {
    Alert about = new Alert(Alert.AlertType.INFORMATION);
    about.initOwner(root.getScene().getWindow());
    about.setTitle("About pmfx");
    about.setHeaderText("pmfx " + Version.current());
    about.setContentText(
        "A desktop process manager with PM2's model: ecosystem files, fork and cluster mode, "
            + "zero-downtime reload and scale.\n\nJava "
            + Runtime.version()
            + ", JavaFX "
            + System.getProperty("javafx.runtime.version"));
    about.show();
  }

  private void onDragOver(DragEvent event) {
    if (event.getDragboard().hasFiles()) {
      event.acceptTransferModes(TransferMode.COPY_OR_MOVE);
    }
    event.consume();
  }

  private void onDragDropped(DragEvent event) {
    boolean opened = false;
    if (event.getDragboard().hasFiles() && !event.getDragboard().getFiles().isEmpty()) {
      event.getDragboard().getFiles().forEach(f -> viewModel.open(f.toPath()));
      opened = true;
    }
    event.setDropCompleted(opened);
    event.consume();
  }

  // ---------------------------------------------------------------- cells

  /** Start and stop on the row itself, as PM2's dashboard has them; the rest is in the menu. */
  private final class ActionsCell extends TreeTableCell<Row, String> {
    private final Button start = new Button(null, new FontIcon("fth-play"));
    private final Button stop = new Button(null, new FontIcon("fth-square"));
    private final Button restart = new Button(null, new FontIcon("fth-rotate-cw"));
    private final Button reload = new Button(null, new FontIcon("fth-refresh-cw"));
    private final javafx.scene.layout.HBox buttons =
        new javafx.scene.layout.HBox(2, start, stop, restart, reload);

    ActionsCell() {
      for (Button b : List.of(start, stop, restart, reload)) {
        b.getStyleClass()
            .addAll(
                atlantafx.base.theme.Styles.BUTTON_ICON,
                atlantafx.base.theme.Styles.FLAT,
                atlantafx.base.theme.Styles.SMALL);
      }
      start.setTooltip(new javafx.scene.control.Tooltip("Start"));
      stop.setTooltip(new javafx.scene.control.Tooltip("Stop"));
      restart.setTooltip(new javafx.scene.control.Tooltip("Restart"));
      reload.setTooltip(
          new javafx.scene.control.Tooltip("Reload: new workers first, then the old ones go"));
      start.setOnAction(e -> act(viewModel::start));
      stop.setOnAction(e -> act(viewModel::stop));
      restart.setOnAction(e -> act(viewModel::restart));
      reload.setOnAction(e -> act(row -> reload(row)));
    }

    private void act(Consumer<Row> action) {
      Row row = getTableRow() == null ? null : getTableRow().getItem();
      if (row != null) {
        action.accept(row);
        refresh();
      }
    }

    @Override
    protected void updateItem(String item, boolean empty) {
      super.updateItem(item, empty);
      Row row = getTableRow() == null ? null : getTableRow().getItem();
      if (empty || row == null) {
        setGraphic(null);
        return;
      }
      boolean busy = !row.actionProperty().get().isEmpty();
      boolean notStarted = row instanceof AppItem a && !a.knownProperty().get();
      boolean running =
          row instanceof WorkerItem w
              ? w.status().state().running()
              : !notStarted
                  && !((AppItem) row).workers().isEmpty()
                  && ((AppItem) row).workers().stream().allMatch(w -> w.status().state().running());
      start.setDisable(busy || running);
      stop.setDisable(busy || notStarted);
      restart.setDisable(busy || notStarted);
      reload.setDisable(busy || notStarted);
      reload.setVisible(row instanceof AppItem); // a worker is reloaded with its app
      setGraphic(buttons);
    }
  }

  /** CPU as its figure over a bar: full at one core busy. */
  private static final class CpuCell extends TreeTableCell<Row, String> {
    @Override
    protected void updateItem(String text, boolean empty) {
      super.updateItem(text, empty);
      Row row = getTableRow() == null ? null : getTableRow().getItem();
      setText(empty ? null : text);
      double percent = empty || row == null ? 0 : usage(row).map(u -> u.cpuPercent()).orElse(0.0);
      double filled = Math.min(100, Math.max(0, percent));
      setStyle(
          filled < 0.5
              ? ""
              : "-fx-background-color: linear-gradient(to right, -color-accent-subtle "
                  + filled
                  + "%, transparent "
                  + filled
                  + "%);");
    }
  }

  /** The status as a coloured badge. */
  /** The state as a coloured badge; a warning sign beside it when the row's last action failed. */
  private static final class BadgeCell extends TreeTableCell<Row, String> {
    private final Label badge = new Label();
    private final Label failed = new Label(null, new FontIcon("fth-alert-triangle"));
    private final javafx.scene.control.Tooltip why = new javafx.scene.control.Tooltip();
    private final javafx.scene.layout.HBox both = new javafx.scene.layout.HBox(6, badge, failed);

    BadgeCell() {
      failed.getStyleClass().add("action-failed");
      failed.setTooltip(why);
      both.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
    }

    @Override
    protected void updateItem(String status, boolean empty) {
      super.updateItem(status, empty);
      if (empty || status == null || status.isEmpty()) {
        setGraphic(null);
        return;
      }
      badge.setText(status);
      String style =
          status.endsWith("…")
              ? "badge-stopping"
              : status.contains("/") ? "badge-partly" : "badge-" + status.replace(' ', '-');
      badge.getStyleClass().setAll("label", "badge", style);
      Row row = getTableRow() == null ? null : getTableRow().getItem();
      String failure = row == null ? "" : row.failureProperty().get();
      failed.setVisible(!failure.isEmpty());
      failed.setManaged(!failure.isEmpty());
      why.setText(failure);
      setGraphic(both);
    }
  }

  /** One line of output: where from, and the text; stderr in red. */
  private final class LogCell extends ListCell<LogEntry> {
    @Override
    protected void updateItem(LogEntry entry, boolean empty) {
      super.updateItem(entry, empty);
      getStyleClass().removeAll("stderr", "match");
      if (empty || entry == null) {
        setText(null);
        return;
      }
      getStyleClass().remove("earlier");
      if (entry.earlier()) {
        getStyleClass().add("earlier");
      }
      setText(
          (entry.earlier() ? "earlier " : TIME.format(entry.at()))
              + " "
              + entry.source()
              + (entry.error() ? " ! " : " | ")
              + entry.text());
      if (entry.error()) {
        getStyleClass().add("stderr");
      }
      if (matchesSearch(entry)) {
        getStyleClass().add("match");
      }
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

  private static final class HistoryCell extends ListCell<HistoryEntry> {
    @Override
    protected void updateItem(HistoryEntry entry, boolean empty) {
      super.updateItem(entry, empty);
      if (empty || entry == null) {
        setText(null);
        return;
      }
      setText(
          TIME.format(entry.at())
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

  /** A finding as {@code pmfx check} prints it, for a view that already names the file. */
  private static final class DiagnosticCell extends ListCell<Diagnostic> {
    @Override
    protected void updateItem(Diagnostic diagnostic, boolean empty) {
      super.updateItem(diagnostic, empty);
      getStyleClass().removeAll("error", "warning");
      if (empty || diagnostic == null) {
        setText(null);
        return;
      }
      setText(diagnostic.formatInFile());
      setWrapText(true);
      setPrefWidth(0); // wrap at the list's width instead of widening it
      getStyleClass().add(diagnostic.isError() ? "error" : "warning");
    }
  }
}
