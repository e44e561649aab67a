package dev.pmfx.ui;

import dev.pmfx.Version;
import dev.pmfx.config.Diagnostic;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * The main window's controller: binds the view to {@link MainWindowViewModel} and delegates to it.
 */
public final class MainWindow {

  @FXML private BorderPane root;
  @FXML private Menu recentMenu;
  @FXML private TableView<AppRow> appTable;
  @FXML private TableColumn<AppRow, String> nameColumn;
  @FXML private TableColumn<AppRow, String> namespaceColumn;
  @FXML private TableColumn<AppRow, String> modeColumn;
  @FXML private TableColumn<AppRow, String> instancesColumn;
  @FXML private TableColumn<AppRow, String> statusColumn;
  @FXML private TableColumn<AppRow, String> scriptColumn;
  @FXML private VBox problemPane;
  @FXML private Label problemTitle;
  @FXML private ListView<Diagnostic> problemList;
  @FXML private Label fileLabel;
  @FXML private Label statusLabel;

  private final MainWindowViewModel viewModel;

  MainWindow(MainWindowViewModel viewModel) {
    this.viewModel = viewModel;
  }

  /** Loads {@code MainWindow.fxml} with a controller bound to {@code viewModel}. */
  public static Parent load(MainWindowViewModel viewModel) {
    FXMLLoader loader = new FXMLLoader(MainWindow.class.getResource("/fxml/MainWindow.fxml"));
    loader.setControllerFactory(type -> new MainWindow(viewModel));
    try {
      return loader.load();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the main window's FXML", e);
    }
  }

  @FXML
  private void initialize() {
    column(nameColumn, AppRow::name);
    column(namespaceColumn, AppRow::namespace);
    column(modeColumn, AppRow::mode);
    column(instancesColumn, AppRow::instances);
    column(scriptColumn, AppRow::script);
    column(statusColumn, AppRow::status);
    statusColumn.setCellFactory(c -> new BadgeCell());
    appTable.setItems(viewModel.apps());

    problemList.setItems(viewModel.diagnostics());
    problemList.setCellFactory(list -> new DiagnosticCell());
    problemPane.visibleProperty().bind(viewModel.failedProperty());
    problemPane.managedProperty().bind(viewModel.failedProperty());
    appTable.visibleProperty().bind(viewModel.failedProperty().not());
    problemTitle
        .textProperty()
        .bind(viewModel.fileProperty().map(f -> f.getFileName() + " did not load"));

    fileLabel.textProperty().bind(viewModel.fileProperty().map(Path::toString).orElse(""));
    statusLabel.textProperty().bind(viewModel.statusProperty());
    viewModel.recentFiles().addListener((ListChangeListener<Path>) change -> fillRecentMenu());
    fillRecentMenu();

    root.setOnDragOver(this::onDragOver);
    root.setOnDragDropped(this::onDragDropped);
  }

  private static void column(TableColumn<AppRow, String> column, Function<AppRow, String> value) {
    column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
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
    chooser.setTitle("Open Ecosystem File");
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
    File chosen = chooser.showOpenDialog(root.getScene().getWindow());
    if (chosen != null) {
      viewModel.open(chosen.toPath());
    }
  }

  @FXML
  private void onOpenDemo() {
    viewModel.openDemo();
  }

  @FXML
  private void onRetry() {
    viewModel.retry();
  }

  @FXML
  private void onQuit() {
    Platform.exit();
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
      viewModel.open(event.getDragboard().getFiles().getFirst().toPath());
      opened = true;
    }
    event.setDropCompleted(opened);
    event.consume();
  }

  /** The status as a coloured badge. */
  private static final class BadgeCell extends TableCell<AppRow, String> {
    private final Label badge = new Label();

    @Override
    protected void updateItem(String status, boolean empty) {
      super.updateItem(status, empty);
      if (empty || status == null) {
        setGraphic(null);
        return;
      }
      badge.setText(status);
      badge.getStyleClass().setAll("label", "badge", "badge-" + status.replace(' ', '-'));
      setGraphic(badge);
    }
  }

  /** A finding as {@code pmfx check} prints it: headline, offending line, caret, hint. */
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
