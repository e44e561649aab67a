package dev.pmfx.ui;

import dev.pmfx.home.Version;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.Row;
import dev.pmfx.ui.ProcessItems.WorkerItem;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.input.KeyCode;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.stage.WindowEvent;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The window's menus and toolbar: files (open, recent, reload, close), the commands on the selected
 * row and on every app, the view (dashboard, sampling, theme) and the filter box.
 */
final class WindowActions implements RowCommands {

  @FXML private MenuBar menuBar;
  @FXML private ToolBar toolBar;
  @FXML private Menu recentMenu;
  @FXML private MenuItem closeFileItem;
  @FXML private MenuItem startItem;
  @FXML private MenuItem stopItem;
  @FXML private MenuItem restartItem;
  @FXML private MenuItem reloadItem;
  @FXML private MenuItem deleteItem;
  @FXML private MenuItem reloadEverywhereItem;
  @FXML private Menu hostsMenu;
  @FXML private javafx.scene.control.ComboBox<String> hostFilter;
  @FXML private CheckMenuItem dashboardItem;
  @FXML private Menu sampleMenu;
  @FXML private CheckMenuItem darkItem;
  @FXML private Button startButton;
  @FXML private Button stopButton;
  @FXML private Button restartButton;
  @FXML private Button reloadButton;
  @FXML private Button deleteButton;
  @FXML private Button startAllButton;
  @FXML private Button stopAllButton;
  @FXML private ToggleButton dashboardButton;
  @FXML private TextField filterField;

  private final MainWindowViewModel viewModel;
  private final Consumer<Boolean> darkTheme;
  private MainWindow window;

  WindowActions(MainWindowViewModel viewModel, Consumer<Boolean> darkTheme) {
    this.viewModel = viewModel;
    this.darkTheme = darkTheme;
  }

  @FXML
  private void initialize() {
    startButton.setGraphic(new FontIcon("fth-play"));
    stopButton.setGraphic(new FontIcon("fth-square"));
    restartButton.setGraphic(new FontIcon("fth-rotate-cw"));
    reloadButton.setGraphic(new FontIcon("fth-refresh-cw"));
    deleteButton.setGraphic(new FontIcon("fth-trash-2"));
    startAllButton.setGraphic(new FontIcon("fth-fast-forward"));
    stopAllButton.setGraphic(new FontIcon("fth-stop-circle"));
    dashboardButton.setGraphic(new FontIcon("fth-grid"));
    filterField.textProperty().bindBidirectional(viewModel.filterProperty());
    filterField.setOnKeyPressed(
        key -> {
          if (key.getCode() == KeyCode.ESCAPE) {
            filterField.clear();
          }
        });
    sampleMenu();
    closeFileItem.disableProperty().bind(Bindings.isEmpty(viewModel.openFiles()));
    menuBar.disableProperty().bind(viewModel.quittingProperty());
    toolBar.disableProperty().bind(viewModel.quittingProperty());
    viewModel.recentFiles().addListener((ListChangeListener<Path>) change -> fillRecentMenu());
    fillRecentMenu();
    hostsMenu.setOnShowing(e -> fillHostsMenu());
    fillHostsMenu();
    viewModel.hosts().addListener((ListChangeListener<Hosts.HostItem>) change -> hostFilter());
    hostFilter.setOnAction(e -> filterHost());
    hostFilter();
  }

  /** "All hosts" in the host filter; each host by its name, this machine as {@code LOCAL_LABEL}. */
  static final String ALL_HOSTS = "All hosts";

  /** The host filter lists the hosts, and shows while there is one besides this machine. */
  private void hostFilter() {
    List<String> choices = new java.util.ArrayList<>();
    choices.add(ALL_HOSTS);
    choices.add(Hosts.LOCAL_LABEL);
    choices.addAll(viewModel.hostNames());
    String shown = viewModel.hostFilterProperty().get();
    hostFilter.getItems().setAll(choices);
    hostFilter.setValue(shown == null ? ALL_HOSTS : Hosts.label(shown));
    boolean hosts = !viewModel.hosts().isEmpty();
    hostFilter.setVisible(hosts);
    hostFilter.setManaged(hosts);
    allTooltips();
  }

  /** What Start All and Stop All act on: this machine, or the one host the table shows. */
  private void allTooltips() {
    String shown = viewModel.hostFilterProperty().get();
    String where =
        viewModel.hosts().isEmpty()
            ? ""
            : " on "
                + Hosts.label(shown == null ? Hosts.LOCAL : shown)
                + " (the host filter picks the host)";
    startAllButton.setTooltip(
        new javafx.scene.control.Tooltip("Starts every app and stopped worker" + where));
    stopAllButton.setTooltip(new javafx.scene.control.Tooltip("Stops every worker" + where));
  }

  private void filterHost() {
    String chosen = hostFilter.getValue();
    viewModel
        .hostFilterProperty()
        .set(
            chosen == null || chosen.equals(ALL_HOSTS)
                ? null
                : chosen.equals(Hosts.LOCAL_LABEL) ? Hosts.LOCAL : chosen);
    allTooltips();
  }

  /** Add Host…, then each host with where its connection is: show it alone, reconnect, remove. */
  private void fillHostsMenu() {
    hostsMenu.getItems().remove(1, hostsMenu.getItems().size());
    if (viewModel.hosts().isEmpty()) {
      return;
    }
    hostsMenu.getItems().add(new javafx.scene.control.SeparatorMenuItem());
    for (Hosts.HostItem host : viewModel.hosts()) {
      Menu item = new Menu(host.describe());
      String state =
          host.stateProperty().get() == null
              ? "connecting"
              : host.stateProperty().get().kind().name().toLowerCase(java.util.Locale.ROOT);
      FontIcon icon = new FontIcon("fth-server");
      item.setGraphic(icon);
      item.getStyleClass().add("host-" + state);
      MenuItem only = new MenuItem("Show Only This Host");
      only.setOnAction(e -> showOnly(host.name()));
      MenuItem reconnect = new MenuItem("Reconnect Now");
      reconnect.setDisable(host.online());
      reconnect.setOnAction(e -> viewModel.reconnect(host.name()));
      MenuItem remove = new MenuItem("Remove from the List");
      remove.setOnAction(e -> viewModel.removeHost(host.name()));
      item.getItems().addAll(only, reconnect, remove);
      hostsMenu.getItems().add(item);
    }
  }

  private void showOnly(String host) {
    viewModel.hostFilterProperty().set(host);
    hostFilter();
  }

  @FXML
  private void onAddHost() {
    javafx.scene.control.Dialog<javafx.scene.control.ButtonType> dialog =
        new javafx.scene.control.Dialog<>();
    dialog.initOwner(owner());
    dialog.setTitle("Add Host");
    dialog.setHeaderText(
        "Its daemon is reached over your ssh, as 'pmfx --host' reaches it: your keys, agent and"
            + " ~/.ssh/config apply.");
    TextField destination = new TextField();
    destination.setId("hostDestination");
    destination.setPromptText("user@server, an alias of ~/.ssh/config, ssh://user@server:2222");
    destination.setPrefColumnCount(32);
    TextField remote = new TextField();
    remote.setId("hostRemotePmfx");
    remote.setPromptText("pmfx (on the host's PATH)");
    javafx.scene.layout.GridPane form = new javafx.scene.layout.GridPane();
    form.setHgap(8);
    form.setVgap(8);
    form.addRow(0, new javafx.scene.control.Label("Host:"), destination);
    form.addRow(1, new javafx.scene.control.Label("pmfx there:"), remote);
    dialog.getDialogPane().setContent(form);
    javafx.scene.control.ButtonType add =
        new javafx.scene.control.ButtonType(
            "Add", javafx.scene.control.ButtonBar.ButtonData.OK_DONE);
    dialog.getDialogPane().getButtonTypes().setAll(add, javafx.scene.control.ButtonType.CANCEL);
    dialog
        .getDialogPane()
        .lookupButton(add)
        .disableProperty()
        .bind(destination.textProperty().map(String::isBlank));
    dialog.setOnShown(e -> destination.requestFocus());
    if (dialog.showAndWait().filter(add::equals).isEmpty()) {
      return;
    }
    try {
      viewModel.addHost(
          destination.getText(), Optional.of(remote.getText().strip()).filter(r -> !r.isEmpty()));
    } catch (IllegalArgumentException refused) {
      Alert alert = new Alert(Alert.AlertType.ERROR, refused.getMessage());
      alert.initOwner(owner());
      alert.setHeaderText("Cannot add " + destination.getText().strip());
      alert.show();
    }
  }

  /** The window whose selection the commands act on, and whose views they change. */
  void window(MainWindow window) {
    this.window = window;
  }

  /** Enables the commands for what the selected row allows. */
  void show(Actions actions) {
    List<Boolean> on =
        List.of(
            actions.start(), actions.stop(), actions.restart(), actions.reload(), actions.delete());
    List<Button> buttons =
        List.of(startButton, stopButton, restartButton, reloadButton, deleteButton);
    List<MenuItem> items = List.of(startItem, stopItem, restartItem, reloadItem, deleteItem);
    for (int i = 0; i < on.size(); i++) {
      buttons.get(i).setDisable(!on.get(i));
      items.get(i).setDisable(!on.get(i));
    }
    ProcessItems.FleetItem fleet = viewModel.fleetProperty().get();
    reloadEverywhereItem.setDisable(
        !actions.reload()
            || (fleet != null && !fleet.over())
            || window
                .selectedRow()
                .filter(r -> r instanceof AppItem a && viewModel.hostsRunning(a.name()) > 1)
                .isEmpty());
  }

  void focusFilter() {
    filterField.requestFocus();
  }

  /** Shows the dashboard's state in the View menu and on the toolbar. */
  void showDashboard(boolean on) {
    dashboardItem.setSelected(on);
    dashboardButton.setSelected(on);
  }

  void showDark(boolean dark) {
    darkItem.setSelected(dark);
  }

  // Commands on a row

  @Override
  public void start(Row row) {
    act(row, viewModel::start);
  }

  @Override
  public void stop(Row row) {
    act(row, viewModel::stop);
  }

  @Override
  public void restart(Row row) {
    act(row, viewModel::restart);
  }

  @Override
  public void reload(Row row) {
    window.select(row.key());
    window.details().showProgress();
    act(row, viewModel::reload);
  }

  @Override
  public void delete(Row row) {
    act(row, viewModel::delete);
  }

  private void act(Row row, Consumer<Row> command) {
    command.accept(row);
    window.refresh();
  }

  @FXML
  private void onStart() {
    window.selectedRow().ifPresent(this::start);
  }

  @FXML
  private void onStop() {
    window.selectedRow().ifPresent(this::stop);
  }

  @FXML
  private void onRestart() {
    window.selectedRow().ifPresent(this::restart);
  }

  @FXML
  private void onReload() {
    window.selectedRow().ifPresent(this::reload);
  }

  @FXML
  private void onReloadEverywhere() {
    window
        .selectedRow()
        .filter(AppItem.class::isInstance)
        .ifPresent(
            row -> {
              window.details().showProgress();
              String app = ((AppItem) row).name();
              viewModel.reloadEverywhere(app);
              // the table follows the host reloading, so that the Progress tab shows its steps
              viewModel
                  .fleetProperty()
                  .get()
                  .hosts()
                  .forEach(
                      host ->
                          host.phaseProperty()
                              .addListener(
                                  (o, was, now) -> {
                                    if (now == ProcessItems.FleetItem.Phase.RELOADING) {
                                      window.select(ProcessItems.Row.key(host.host(), app));
                                    }
                                  }));
              viewModel.fleetProperty().get().hosts().stream()
                  .filter(h -> h.phaseProperty().get() == ProcessItems.FleetItem.Phase.RELOADING)
                  .findFirst()
                  .ifPresent(h -> window.select(ProcessItems.Row.key(h.host(), app)));
              window.refresh();
            });
  }

  @FXML
  private void onDelete() {
    window.selectedRow().ifPresent(this::delete);
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

  // View

  @FXML
  private void onDashboard() {
    window.showDashboard(dashboardItem.isSelected());
  }

  @FXML
  private void onDashboardButton() {
    window.showDashboard(dashboardButton.isSelected());
  }

  @FXML
  private void onDark() {
    darkTheme.accept(darkItem.isSelected());
  }

  /** View → Sample Every: how often CPU and memory are measured, remembered. */
  private void sampleMenu() {
    ToggleGroup group = new ToggleGroup();
    for (int seconds : MainWindowViewModel.SAMPLE_SECONDS) {
      RadioMenuItem item = new RadioMenuItem(seconds == 1 ? "1 second" : seconds + " seconds");
      item.setToggleGroup(group);
      item.setSelected(seconds == viewModel.sampleSeconds());
      item.setOnAction(e -> viewModel.sampleSeconds(seconds));
      sampleMenu.getItems().add(item);
    }
  }

  // Files

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
  void onOpen() {
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
    List<File> chosen = chooser.showOpenMultipleDialog(owner());
    if (chosen != null) {
      chosen.forEach(f -> viewModel.open(f.toPath()));
    }
  }

  @FXML
  private void onOpenDemo() {
    viewModel.openDemo();
  }

  /** Loads the selected app's file again, or the current one. */
  @FXML
  void onRetry() {
    fileOfSelection().ifPresentOrElse(viewModel::open, viewModel::retry);
  }

  /** Closes the file of the selected app, or the one opened last. */
  @FXML
  private void onCloseFile() {
    fileOfSelection()
        .or(() -> Optional.ofNullable(viewModel.fileProperty().get()))
        .ifPresent(viewModel::close);
  }

  /** Closes the file whose errors show. */
  void closeFailedFile() {
    Optional.ofNullable(viewModel.fileProperty().get()).ifPresent(viewModel::close);
  }

  private Optional<Path> fileOfSelection() {
    if (viewModel.failedProperty().get()) {
      return Optional.empty(); // the errors on screen are the current file's
    }
    return window
        .selectedRow()
        .filter(row -> row.host().equals(Hosts.LOCAL)) // another host's apps are in its files
        .map(row -> row instanceof WorkerItem w ? w.status().name() : ((AppItem) row).name())
        .flatMap(viewModel::fileOf);
  }

  // The window

  @FXML
  private void onQuit() {
    owner().fireEvent(new WindowEvent(owner(), WindowEvent.WINDOW_CLOSE_REQUEST));
  }

  @FXML
  private void onAbout() {
    Alert about = new Alert(Alert.AlertType.INFORMATION);
    about.initOwner(owner());
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

  private Window owner() {
    return menuBar.getScene().getWindow();
  }
}
