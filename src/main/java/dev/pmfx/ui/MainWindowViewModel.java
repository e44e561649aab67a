package dev.pmfx.ui;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Diagnostic;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.engine.Engine;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.logs.LogPaths;
import dev.pmfx.metrics.History;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.Row;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;

/**
 * The main window's state, over its parts: the {@link OpenFiles}, the {@link TableProjection} of
 * the engine's events, the {@link Commands} sent to the engine, the {@link Preferences} kept
 * between starts, and {@link Quitting}. Plain observable properties, so tests drive it without a
 * window.
 */
public final class MainWindowViewModel {

  /** The sampling intervals the View menu offers, in seconds. */
  public static final List<Integer> SAMPLE_SECONDS = Preferences.SAMPLE_SECONDS;

  private final PmfxHome home;
  private final WindowStatus status = new WindowStatus();
  private final Preferences preferences;
  private final TableProjection table;
  private final OpenFiles files;
  private final Commands commands;
  private final Quitting quitting;
  private final Hosts hosts;
  private final javafx.beans.property.ObjectProperty<ProcessItems.FleetItem> fleet =
      new javafx.beans.property.SimpleObjectProperty<>();

  /** With hosts reached as {@code PMFX_SSH} and {@code PMFX_REMOTE_PMFX} say. */
  public MainWindowViewModel(
      EcosystemLoader loader, Engine engine, Background background, PmfxHome home) {
    this(
        loader,
        engine,
        background,
        home,
        entry ->
            dev.pmfx.daemon.SshHost.of(
                entry.destination(), Optional.ofNullable(entry.remotePmfx()), System.getenv()));
  }

  /**
   * @param ssh how a host of the Hosts list is reached
   */
  public MainWindowViewModel(
      EcosystemLoader loader,
      Engine engine,
      Background background,
      PmfxHome home,
      java.util.function.Function<GuiState.HostEntry, dev.pmfx.daemon.SshHost> ssh) {
    this.home = home;
    this.table = new TableProjection(status, this::declared);
    this.hosts = new Hosts(ssh, background, table, status, this::hostRevised);
    this.preferences = new Preferences(home, engine, hosts, status);
    this.files = new OpenFiles(loader, background, home, preferences, status, table);
    this.commands = new Commands(engine, hosts::engine, background, status, table, files);
    this.quitting = new Quitting(table);
    for (GuiState.HostEntry entry : preferences.hosts()) {
      try {
        hosts.add(entry);
      } catch (IllegalArgumentException unreadable) {
        status.tell("Hosts: " + unreadable.getMessage());
      }
    }
  }

  private void hostRevised() {
    files.summarize();
    table.revised();
  }

  // Hosts

  /** The hosts shown beside this machine, in the order they were added. */
  public ObservableList<Hosts.HostItem> hosts() {
    return hosts.list();
  }

  /** Their names. */
  public List<String> hostNames() {
    return hosts.names();
  }

  /**
   * Adds a host (an SSH destination) to the Hosts list and remembers it; its apps join the table
   * once its daemon answers.
   *
   * @param remotePmfx the command that runs pmfx there; empty for the default
   * @throws IllegalArgumentException why it cannot be added
   */
  public void addHost(String destination, Optional<String> remotePmfx) {
    hosts.add(new GuiState.HostEntry(destination.strip(), remotePmfx.orElse(null)));
    preferences.hosts(hosts.list().stream().map(Hosts.HostItem::entry).toList());
  }

  /** Takes a host off the list; its daemon and workers run on there. */
  public void removeHost(String name) {
    if (name.equals(hostFilterProperty().get())) {
      hostFilterProperty().set(null);
    }
    hosts.remove(name);
    preferences.hosts(hosts.list().stream().map(Hosts.HostItem::entry).toList());
  }

  /** Tries to reach the host again now. */
  public void reconnect(String name) {
    hosts.host(name).ifPresent(Hosts.HostItem::reconnect);
  }

  /** The one host whose apps the table shows ({@link Hosts#LOCAL}: this machine); null: all. */
  public javafx.beans.property.ObjectProperty<String> hostFilterProperty() {
    return table.hostFilterProperty();
  }

  /** Applies what a host's engine reported since the last batch. */
  public void apply(String host, EngineBridge.Batch batch) {
    if (table.apply(host, batch)) {
      hostRevised();
    }
  }

  /** The latest reload on every host, running or over; null before the first. */
  public javafx.beans.property.ReadOnlyObjectProperty<ProcessItems.FleetItem> fleetProperty() {
    return fleet;
  }

  /**
   * Reloads the app on every host that runs it, host after host, stopping at the first host whose
   * reload fails.
   */
  public void reloadEverywhere(String app) {
    commands.reloadEverywhere(app, hosts.names(), fleet);
  }

  /** How many hosts run the app: Reload on Every Host is offered from two. */
  public long hostsRunning(String app) {
    return table.running(app).count();
  }

  /** Disconnects from every host; their daemons run on. */
  public void closeHosts() {
    hosts.close();
  }

  // Open files

  public ReadOnlyObjectProperty<Path> fileProperty() {
    return files.fileProperty();
  }

  /** The open files, in the order they were opened; their apps appear together. */
  public ObservableList<Path> openFiles() {
    return files.openFiles();
  }

  /** The errors and warnings of the last load, in file order. */
  public ObservableList<Diagnostic> diagnostics() {
    return files.diagnostics();
  }

  /** True while the opened file failed to load: its errors show instead of its apps. */
  public ReadOnlyBooleanProperty failedProperty() {
    return files.failedProperty();
  }

  public ReadOnlyBooleanProperty loadingProperty() {
    return files.loadingProperty();
  }

  /**
   * Opens what the window should show first: the given file; else the files open when it last
   * closed; else the demo.
   */
  public void openAtStart(Optional<Path> requested) {
    files.openAtStart(requested);
  }

  public void openDemo() {
    files.openDemo();
  }

  /**
   * Loads {@code path} in the background and shows its apps beside those of the files already open
   * (or again, when it is open already); nothing that runs is touched, whatever it holds.
   */
  public void open(Path path) {
    files.open(path);
  }

  /** Loads the current file again, after its errors were fixed. */
  public void retry() {
    files.retry();
  }

  /**
   * Closes a file: its apps leave the table, except those running, which stay until stopped or
   * deleted. The file is no longer reopened at start.
   */
  public void close(Path path) {
    files.close(path);
  }

  /** The open file that declares the app, if one does. */
  public Optional<Path> fileOf(String app) {
    return files.fileOf(app);
  }

  private Optional<AppSpec> declared(String app) {
    return files.declared(app);
  }

  // The table

  /** The apps of the opened file and those the engine runs, in file order. */
  public ObservableList<AppItem> apps() {
    return table.apps();
  }

  /**
   * What the filter box holds: apps whose name, namespace, script or a worker's name contain it.
   */
  public StringProperty filterProperty() {
    return table.filterProperty();
  }

  /** The apps the filter lets through, in file order. */
  public ObservableList<AppItem> visibleApps() {
    return table.visibleApps();
  }

  /** Every app's and worker's figures over the last minutes, as the charts draw them. */
  public History history() {
    return table.history();
  }

  /** Counts the metrics samples taken in: charts redraw when it moves. */
  public ReadOnlyLongProperty samplesProperty() {
    return table.samplesProperty();
  }

  /** Counts the batches of engine events applied: views redraw when it moves. */
  public ReadOnlyLongProperty revisionProperty() {
    return table.revisionProperty();
  }

  /** Applies what the engine reported since the last batch. */
  public void apply(EngineBridge.Batch batch) {
    if (table.apply(batch)) {
      quitting.update();
      files.summarize();
      table.revised();
    }
  }

  // Status and problems

  public ReadOnlyStringProperty statusProperty() {
    return status.statusProperty();
  }

  /** The last command that failed, in words; the window shows it as a notification. */
  public ReadOnlyStringProperty problemProperty() {
    return status.problemProperty();
  }

  /** Shows {@code words} as a problem, in the notification where failed commands show. */
  public void tell(String words) {
    status.tell(words);
  }

  // Commands

  public void start(Row row) {
    commands.start(row);
  }

  public void stop(Row row) {
    commands.stop(row);
  }

  public void restart(Row row) {
    commands.restart(row);
  }

  public void reload(Row row) {
    commands.reload(row);
  }

  /** Scales the app to {@code instances} workers through the engine's visible steps. */
  public void scale(AppItem app, int instances) {
    commands.scale(app, instances);
  }

  public void delete(Row row) {
    commands.delete(row);
  }

  /** Calls an action the row's workers offer; {@code shown} gets their replies, in words. */
  public void trigger(
      Row row,
      String action,
      java.util.Optional<String> param,
      java.util.function.Consumer<String> shown) {
    commands.trigger(row, action, param, shown);
  }

  /**
   * Starts every app of the open files that is not running, and every stopped worker; with the
   * table on one host alone, that host's.
   */
  public void startAll() {
    commands.startAll(allHost());
  }

  /** Stops every worker of this machine, or of the one host the table shows. */
  public void stopAll() {
    commands.stopAll(allHost());
  }

  public void restartAll() {
    commands.restartAll(allHost());
  }

  /** What the All commands act on: the host the table shows alone, else this machine. */
  private String allHost() {
    String shown = hostFilterProperty().get();
    return shown == null ? Hosts.LOCAL : shown;
  }

  /** Shows what the app's log files hold from before this session, once. */
  public void showEarlierLogs(AppItem app) {
    commands.showEarlierLogs(app);
  }

  /** Where workers' log files are written. */
  public Path logDirectory() {
    return LogPaths.folder(home);
  }

  // Preferences

  public ObservableList<Path> recentFiles() {
    return preferences.recentFiles();
  }

  public boolean darkTheme() {
    return preferences.dark();
  }

  /** Remembers the theme for the next start. */
  public void darkTheme(boolean dark) {
    preferences.dark(dark);
  }

  public Optional<GuiState.WindowPlace> windowPlace() {
    return preferences.windowPlace();
  }

  /** Remembers where the window was, for the next start. */
  public void windowPlace(GuiState.WindowPlace place) {
    preferences.windowPlace(place);
  }

  /** How often CPU and memory are sampled, in seconds: 1 unless chosen otherwise. */
  public int sampleSeconds() {
    return preferences.sampleSeconds();
  }

  /** Samples every {@code seconds} from now on, and remembers it for the next start. */
  public void sampleSeconds(int seconds) {
    preferences.sampleSeconds(seconds);
  }

  // Quitting

  /** True once the window began to close and the workers are stopping. */
  public ReadOnlyBooleanProperty quittingProperty() {
    return quitting.quittingProperty();
  }

  /** The share of the workers that had a process when quitting began and have stopped since. */
  public ReadOnlyDoubleProperty quitProgressProperty() {
    return quitting.progressProperty();
  }

  /** How far quitting is, in words: how many stopped, and which are still stopping. */
  public ReadOnlyStringProperty quitTextProperty() {
    return quitting.textProperty();
  }

  /** Marks the start of quitting; the engine's stop events move the progress from here. */
  public void beginQuit() {
    quitting.begin();
  }

  /** Whether any worker has a process: closing the window would leave it running. */
  public boolean anyRunning() {
    return table.runningWorkers().findAny().isPresent();
  }
}
