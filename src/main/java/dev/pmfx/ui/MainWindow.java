package dev.pmfx.ui;

import dev.pmfx.config.Diagnostic;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.fxml.FXML;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.input.DragEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * The main window: a shell over its parts, the {@link WindowActions}, the {@link ProcessTableView},
 * the {@link DetailTabs}, the {@link DashboardPane} and the {@link Notices}, with the load errors,
 * the quit progress and the status bar.
 */
public final class MainWindow {

  @FXML private BorderPane root;
  @FXML private SplitPane split;
  @FXML private WindowActions actionsController;
  @FXML private ProcessTableView processTableController;
  @FXML private DetailTabs detailTabsController;
  @FXML private VBox problemPane;
  @FXML private Label problemTitle;
  @FXML private ListView<Diagnostic> problemList;
  @FXML private StackPane quitPane;
  @FXML private ProgressBar quitProgress;
  @FXML private Label quitLabel;
  @FXML private Label toast;
  @FXML private Label fileLabel;
  @FXML private Label statusLabel;

  private final MainWindowViewModel viewModel;
  private final DashboardPane dashboard;
  private Notices notices;

  MainWindow(MainWindowViewModel viewModel) {
    this.viewModel = viewModel;
    this.dashboard = new DashboardPane(viewModel, Instant::now, this::openFromDashboard);
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
    loader.setControllerFactory(type -> controller(type, viewModel, darkTheme, loader));
    try {
      Parent root = loader.load();
      return new Loaded(root, loader.getController());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the main window's FXML", e);
    }
  }

  /** The controller of the window or of one of its parts, as the FXML names it. */
  private static Object controller(
      Class<?> type,
      MainWindowViewModel viewModel,
      Consumer<Boolean> darkTheme,
      FXMLLoader loader) {
    if (type == WindowActions.class) {
      return new WindowActions(viewModel, darkTheme);
    } else if (type == ProcessTableView.class) {
      return new ProcessTableView(viewModel);
    } else if (type == DetailTabs.class) {
      return new DetailTabs(viewModel, () -> window(loader).split.isVisible());
    } else if (type == LogPane.class) {
      return new LogPane(viewModel, message -> window(loader).notices.show(message));
    } else if (type == MainWindow.class) {
      return new MainWindow(viewModel);
    }
    throw new IllegalArgumentException("no controller " + type);
  }

  private static MainWindow window(FXMLLoader loader) {
    return loader.getController();
  }

  @FXML
  private void initialize() {
    notices = new Notices(toast);
    actionsController.window(this);
    processTableController.commands(actionsController);
    processTableController.onSelection(this::selected);
    root.addEventFilter(
        KeyEvent.KEY_PRESSED,
        key -> {
          if (key.isShortcutDown() && key.getCode() == KeyCode.F) {
            actionsController.focusFilter();
            key.consume();
          }
        });
    ((StackPane) split.getParent()).getChildren().add(1, dashboard);
    showDashboard(false);
    selected();

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
    quitPane.visibleProperty().bind(viewModel.quittingProperty());
    quitPane.managedProperty().bind(viewModel.quittingProperty());
    quitProgress.progressProperty().bind(viewModel.quitProgressProperty());
    quitLabel.textProperty().bind(viewModel.quitTextProperty());
    split.disableProperty().bind(viewModel.quittingProperty());
    statusLabel.textProperty().bind(viewModel.statusProperty());

    root.setOnDragOver(this::onDragOver);
    root.setOnDragDropped(this::onDragDropped);
    viewModel.problemProperty().addListener((o, was, now) -> notices.show(now));
    viewModel.revisionProperty().addListener((o, was, now) -> refresh());

    // uptime ticks; the table shows the engine's latest state at least once a second
    Timeline tick = new Timeline(new KeyFrame(Duration.seconds(1), e -> refresh()));
    tick.setCycleCount(Timeline.INDEFINITE);
    tick.play();
  }

  /** Called after each batch of engine events, after a command, and every second. */
  void refresh() {
    processTableController.refresh();
    selected();
  }

  /** The actions follow the selected row, and the details show it. */
  private void selected() {
    Optional<Row> row = selectedRow();
    Actions actions = Actions.of(row);
    processTableController.show(actions);
    actionsController.show(actions);
    detailTabsController.show(row);
  }

  Optional<Row> selectedRow() {
    return processTableController.selectedRow();
  }

  /** Selects the row whose {@link Row#key()} this is, scrolled into view. */
  void select(String key) {
    processTableController.reveal(key);
  }

  DetailTabs details() {
    return detailTabsController;
  }

  /** Every app at a glance instead of the table and its detail pane, or back. */
  void showDashboard(boolean on) {
    actionsController.showDashboard(on);
    dashboard.setVisible(on);
    split.setVisible(!on);
    if (!on) {
      detailTabsController.refreshMetrics();
    }
  }

  /** A card clicked on the dashboard: back to the table, on that app. */
  private void openFromDashboard(AppItem app) {
    showDashboard(false);
    select(app.key());
  }

  void showDark(boolean dark) {
    actionsController.showDark(dark);
  }

  /** How "Log Folder" shows a folder: the desktop's file manager, in the app. */
  void folderOpener(Consumer<Path> opener) {
    detailTabsController.logPane().folderOpener(opener);
  }

  /** The split and the tab, for the next start. */
  double divider() {
    return split.getDividerPositions()[0];
  }

  int tab() {
    return detailTabsController.tab();
  }

  void restore(double divider, int tab) {
    split.setDividerPositions(divider);
    detailTabsController.restore(tab);
  }

  @FXML
  private void onRetry() {
    actionsController.onRetry();
  }

  @FXML
  private void onOpen() {
    actionsController.onOpen();
  }

  @FXML
  private void onCloseFailedFile() {
    actionsController.closeFailedFile();
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
