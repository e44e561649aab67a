package dev.pmfx.ui;

import dev.pmfx.config.AppOption;
import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Diagnostic;
import dev.pmfx.config.Ecosystem;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.home.Demo;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.HistoryEntry;
import dev.pmfx.ui.ProcessItems.LogEntry;
import dev.pmfx.ui.ProcessItems.RolloutItem;
import dev.pmfx.ui.ProcessItems.Row;
import dev.pmfx.ui.ProcessItems.WorkerItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The main window's state: the opened file and the findings of its last load, its apps with their
 * workers as the engine reports them, and the commands on them. Plain observable properties, so
 * tests drive it without a window.
 */
public final class MainWindowViewModel {

  // Properties
  private final ReadOnlyObjectWrapper<Path> file = new ReadOnlyObjectWrapper<>();
  private final ObservableList<AppItem> apps = FXCollections.observableArrayList();
  private final javafx.beans.property.StringProperty filter =
      new javafx.beans.property.SimpleStringProperty("");
  private final javafx.collections.transformation.FilteredList<AppItem> visibleApps =
      new javafx.collections.transformation.FilteredList<>(apps);
  private final ObservableList<Diagnostic> diagnostics = FXCollections.observableArrayList();
  private final ObservableList<Path> recentFiles = FXCollections.observableArrayList();
  private final ReadOnlyBooleanWrapper failed = new ReadOnlyBooleanWrapper();
  private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper();
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
  private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper("");
  private final ReadOnlyBooleanWrapper quitting = new ReadOnlyBooleanWrapper();
  private final javafx.beans.property.ReadOnlyDoubleWrapper quitProgress =
      new javafx.beans.property.ReadOnlyDoubleWrapper();
  private final ReadOnlyStringWrapper quitText = new ReadOnlyStringWrapper("");
  private int quitTotal;
  private final dev.pmfx.metrics.History history = new dev.pmfx.metrics.History();

  /** The time of the last event applied: history older than that was seen already. */
  private long seenUntil = Long.MIN_VALUE;

  private final javafx.beans.property.ReadOnlyLongWrapper samples =
      new javafx.beans.property.ReadOnlyLongWrapper();
  private final javafx.beans.property.ReadOnlyLongWrapper revision =
      new javafx.beans.property.ReadOnlyLongWrapper();

  private final EcosystemLoader loader;
  private final Engine engine;
  private final Background background;
  private final PmfxHome home;
  private GuiState state;

  /** The open files in the order they were opened, with what their last load gave. */
  private final ObservableList<Path> openFiles = FXCollections.observableArrayList();

  private final Map<Path, LoadResult> results = new java.util.HashMap<>();
  private int loads;

  /** Each open file's apps as last loaded; a file that never loaded has none. */
  private final Map<Path, Ecosystem> ecosystems = new java.util.HashMap<>();

  public MainWindowViewModel(
      EcosystemLoader loader, Engine engine, Background background, PmfxHome home) {
    this.loader = loader;
    this.engine = engine;
    this.background = background;
    this.home = home;
    this.state = GuiState.load(home);
    filter.addListener((o, was, now) -> visibleApps.setPredicate(app -> matches(app, now)));
    state.recentFiles().stream().map(Path::of).forEach(recentFiles::add);
    if (sampleSeconds() != 1) {
      engine.sampleEvery(java.time.Duration.ofSeconds(sampleSeconds()));
    }
  }

  public ReadOnlyObjectProperty<Path> fileProperty() {
    return file.getReadOnlyProperty();
  }

  /** The apps of the opened file and those the engine runs, in file order. */
  public ObservableList<AppItem> apps() {
    return apps;
  }

  /**
   * What the filter box holds: apps whose name, namespace, script or a worker's name contain it.
   */
  public javafx.beans.property.StringProperty filterProperty() {
    return filter;
  }

  /** The apps the filter lets through, in file order. */
  public ObservableList<AppItem> visibleApps() {
    return visibleApps;
  }

  static boolean matches(AppItem app, String filter) {
    String wanted = filter == null ? "" : filter.strip().toLowerCase(java.util.Locale.ROOT);
    if (wanted.isEmpty()) {
      return true;
    }
    AppSpec spec = app.specProperty().get();
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(app.name(), spec.namespace(), spec.script()),
            app.workers().stream().map(w -> w.status().name() + "-" + w.status().instance()))
        .anyMatch(text -> text.toLowerCase(java.util.Locale.ROOT).contains(wanted));
  }

  /** One line of the Config tab: a resolved option, masked when its name looks secret. */
  public record ConfigEntry(String key, String value, boolean secret) {}

  private static final java.util.regex.Pattern SECRET =
      java.util.regex.Pattern.compile("(?i).*(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL).*");

  /** The app's resolved options, as PM2 names them, then its environment. */
  public static List<ConfigEntry> describe(AppSpec spec) {
    List<ConfigEntry> entries = new ArrayList<>();
    for (AppOption<?> option : AppOption.all()) {
      option.shown(spec).ifPresent(v -> entries.add(new ConfigEntry(option.key(), v, false)));
    }
    spec.env()
        .forEach(
            (key, value) ->
                entries.add(new ConfigEntry("env." + key, value, SECRET.matcher(key).matches())));
    spec.envByName()
        .forEach(
            (envName, vars) ->
                vars.forEach(
                    (key, value) ->
                        entries.add(
                            new ConfigEntry(
                                "env_" + envName + "." + key,
                                value,
                                SECRET.matcher(key).matches()))));
    return entries;
  }

  /** The errors and warnings of the last load, in file order. */
  public ObservableList<Diagnostic> diagnostics() {
    return diagnostics;
  }

  public ObservableList<Path> recentFiles() {
    return recentFiles;
  }

  /** True while the opened file failed to load: its errors show instead of its apps. */
  public ReadOnlyBooleanProperty failedProperty() {
    return failed.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty loadingProperty() {
    return loading.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }

  /** Every app's and worker's figures over the last minutes, as the charts draw them. */
  public dev.pmfx.metrics.History history() {
    return history;
  }

  /** Counts the metrics samples taken in: charts redraw when it moves. */
  public javafx.beans.property.ReadOnlyLongProperty samplesProperty() {
    return samples.getReadOnlyProperty();
  }

  /** Counts the batches of engine events applied: views redraw when it moves. */
  public javafx.beans.property.ReadOnlyLongProperty revisionProperty() {
    return revision.getReadOnlyProperty();
  }

  /** Shows {@code words} as a problem, in the notification where failed commands show. */
  public void tell(String words) {
    problem.set(""); // the same words again are news again
    problem.set(words);
  }

  /** The last command that failed, in words; the window shows it as a notification. */
  public ReadOnlyStringProperty problemProperty() {
    return problem.getReadOnlyProperty();
  }

  // Commands: files

  /** The open files, in the order they were opened; their apps appear together. */
  public ObservableList<Path> openFiles() {
    return openFiles;
  }

  /**
   * Opens what the window should show first: the given file; else the files open when it last
   * closed; else the demo.
   */
  public void openAtStart(Optional<Path> requested) {
    if (requested.isPresent()) {
      open(requested.get());
      return;
    }
    List<Path> last = state.openPaths().stream().filter(Files::isRegularFile).toList();
    if (last.isEmpty()) {
      open(Demo.install(home));
    } else {
      last.forEach(this::open);
    }
  }

  public void openDemo() {
    open(Demo.install(home));
  }

  /**
   * Loads {@code path} in the background and shows its apps beside those of the files already open
   * (or again, when it is open already); nothing that runs is touched, whatever it holds.
   */
  public void open(Path path) {
    Path target = path.toAbsolutePath().normalize();
    if (!openFiles.contains(target)) {
      openFiles.add(target); // in the order asked, however the loads finish
    }
    loads++;
    loading.set(true);
    status.set("Loading " + target.getFileName() + "…");
    background.run(() -> loader.load(target), result -> show(target, result));
  }

  /** Loads the current file again, after its errors were fixed. */
  public void retry() {
    if (file.get() != null) {
      open(file.get());
    }
  }

  /**
   * Closes a file: its apps leave the table, except those running, which stay until stopped or
   * deleted. The file is no longer reopened at start.
   */
  public void close(Path path) {
    if (!openFiles.remove(path)) {
      return;
    }
    results.remove(path);
    ecosystems.remove(path);
    if (path.equals(file.get())) {
      Path next = openFiles.isEmpty() ? null : openFiles.getLast();
      file.set(next);
      LoadResult result = next == null ? null : results.get(next);
      diagnostics.setAll(result == null ? List.of() : result.diagnostics());
      failed.set(result instanceof LoadResult.Failed);
    }
    arrange();
    summarize();
    rememberOpenFiles();
  }

  /** The open file that declares the app, if one does. */
  public Optional<Path> fileOf(String app) {
    return openFiles.stream()
        .filter(f -> ecosystems.containsKey(f) && ecosystems.get(f).app(app).isPresent())
        .findFirst();
  }

  private void show(Path opened, LoadResult result) {
    loads--;
    loading.set(loads > 0);
    if (!openFiles.contains(opened)) {
      return; // closed while it loaded
    }
    file.set(opened);
    results.put(opened, result);
    switch (result) {
      case LoadResult.Loaded loaded -> {
        ecosystems.put(opened, loaded.ecosystem());
        List<Diagnostic> found = new ArrayList<>(loaded.diagnostics());
        found.addAll(nameClashes(loaded.ecosystem()));
        diagnostics.setAll(found);
        failed.set(false);
        arrange();
        summarize();
        remember(opened);
      }
      case LoadResult.Failed failure -> {
        diagnostics.setAll(result.diagnostics());
        failed.set(true);
        int errors = failure.errors().size();
        status.set(
            errors
                + (errors == 1 ? " error" : " errors")
                + " in "
                + opened.getFileName()
                + "; nothing was started or stopped");
      }
    }
  }

  /** Apps of this file whose names an earlier open file has: the earlier one wins. */
  private List<Diagnostic> nameClashes(Ecosystem ecosystem) {
    List<Diagnostic> clashes = new ArrayList<>();
    for (AppSpec spec : ecosystem.apps()) {
      fileOf(spec.name())
          .filter(other -> !other.equals(ecosystem.file()))
          .ifPresent(
              other ->
                  clashes.add(
                      new Diagnostic(
                          Diagnostic.Severity.WARNING,
                          ecosystem.file(),
                          spec.location(),
                          "name",
                          "app '"
                              + spec.name()
                              + "' is also in "
                              + other
                              + ", which was open first",
                          "",
                          "pmfx shows and starts the one from "
                              + other.getFileName()
                              + "; rename one of them to have both")));
    }
    return clashes;
  }

  /** Orders the table: each open file's apps in file order, then apps only the engine knows. */
  private void arrange() {
    List<AppItem> ordered = new ArrayList<>();
    java.util.Set<String> placed = new java.util.HashSet<>();
    for (Path open : openFiles) {
      Ecosystem ecosystem = ecosystems.get(open);
      if (ecosystem == null) {
        continue;
      }
      for (AppSpec spec : ecosystem.apps()) {
        if (!placed.add(spec.name())) {
          continue;
        }
        AppItem item = item(spec.name()).orElseGet(() -> new AppItem(spec));
        if (!item.knownProperty().get()) {
          item.specProperty().set(spec);
        }
        ordered.add(item);
      }
    }
    apps.stream()
        .filter(a -> a.knownProperty().get() && !placed.contains(a.name()))
        .forEach(ordered::add);
    apps.setAll(ordered);
  }

  private void summarize() {
    long online =
        apps.stream()
            .flatMap(a -> a.workers().stream())
            .filter(w -> w.status().state() == WorkerState.ONLINE)
            .count();
    long workers = apps.stream().mapToLong(a -> a.workers().size()).sum();
    long warnings = diagnostics.size();
    String text =
        workers == 0
            ? apps.size() + (apps.size() == 1 ? " app" : " apps") + ", not started"
            : apps.size()
                + (apps.size() == 1 ? " app" : " apps")
                + ", "
                + online
                + " of "
                + workers
                + " workers online";
    status.set(
        text + (warnings > 0 ? " · " + warnings + (warnings == 1 ? " warning" : " warnings") : ""));
  }

  public boolean darkTheme() {
    return state.dark();
  }

  /** Where workers' log files are written. */
  public Path logDirectory() {
    return dev.pmfx.logs.LogPaths.folder(home);
  }

  public Optional<GuiState.WindowPlace> windowPlace() {
    return Optional.ofNullable(state.window());
  }

  /** Remembers where the window was, for the next start. */
  public void windowPlace(GuiState.WindowPlace place) {
    state = state.withWindow(place);
    save();
  }

  /** The sampling intervals the View menu offers, in seconds. */
  public static final List<Integer> SAMPLE_SECONDS = List.of(1, 2, 5);

  /** How often CPU and memory are sampled, in seconds: 1 unless chosen otherwise. */
  public int sampleSeconds() {
    return SAMPLE_SECONDS.contains(state.sampleSeconds()) ? state.sampleSeconds() : 1;
  }

  /** Samples every {@code seconds} from now on, and remembers it for the next start. */
  public void sampleSeconds(int seconds) {
    engine.sampleEvery(java.time.Duration.ofSeconds(seconds));
    state = state.withSampleSeconds(seconds);
    save();
  }

  /** Remembers the theme for the next start. */
  public void darkTheme(boolean dark) {
    state = state.withDark(dark);
    save();
  }

  private void save() {
    try {
      state.save(home);
    } catch (IOException e) {
      status.set(status.get() + " · could not save " + GuiState.file(home) + ": " + e.getMessage());
    }
  }

  private void remember(Path opened) {
    state = state.opened(opened).withOpenFiles(openFiles);
    recentFiles.setAll(state.recentFiles().stream().map(Path::of).toList());
    save();
  }

  private void rememberOpenFiles() {
    state = state.withOpenFiles(openFiles);
    save();
  }

  // Commands: processes

  public void start(Row row) {
    Optional<Ecosystem> file =
        row instanceof AppItem app && !app.knownProperty().get()
            ? fileOf(app.name()).map(ecosystems::get)
            : Optional.empty();
    if (file.isPresent()) {
      AppItem app = (AppItem) row;
      act(row, "starting", () -> engine.start(file.get(), Optional.empty(), Set.of(app.name())));
    } else {
      act(row, "starting", () -> engine.start(row.target()));
    }
  }

  public void stop(Row row) {
    act(row, "stopping", () -> engine.stop(row.target()));
  }

  public void restart(Row row) {
    act(row, "restarting", () -> engine.restart(row.target()));
  }

  public void reload(Row row) {
    act(row, "reloading", () -> engine.reload(row.target()));
  }

  /** Scales the app to {@code instances} workers through the engine's visible steps. */
  public void scale(AppItem app, int instances) {
    act(app, "scaling", () -> engine.scale(app.name(), dev.pmfx.engine.Scale.to(instances)));
  }

  public void delete(Row row) {
    act(row, "deleting", () -> engine.delete(row.target()));
  }

  /** Starts every app of the open files that is not running, and every stopped worker. */
  public void startAll() {
    Map<Path, Set<String>> fresh = new LinkedHashMap<>();
    for (AppItem app : apps) {
      if (!app.knownProperty().get()) {
        fileOf(app.name())
            .ifPresent(
                f -> fresh.computeIfAbsent(f, k -> new java.util.HashSet<>()).add(app.name()));
      }
    }
    fresh.forEach(
        (f, names) ->
            command("start all", () -> engine.start(ecosystems.get(f), Optional.empty(), names)));
    command("start all", () -> engine.start("all"));
  }

  public void stopAll() {
    command("stop all", () -> engine.stop("all"));
  }

  public void restartAll() {
    command("restart all", () -> engine.restart("all"));
  }

  /** Lines read back from an app's log files, at most, when its logs are first shown. */
  static final int EARLIER_LINES = 200;

  /**
   * Shows what the app's log files hold from before this session, once, when its log pane opens
   * with nothing in it yet: a crash at 3 a.m. can still be read after pmfx was restarted.
   */
  public void showEarlierLogs(AppItem app) {
    if (app.earlierLogsAsked || !app.logs().isEmpty()) {
      return;
    }
    app.earlierLogsAsked = true;
    engine
        .logHistory(app.specProperty().get(), EARLIER_LINES)
        .thenAccept(
            lines ->
                background.later(
                    () -> {
                      if (lines.isEmpty()) {
                        return;
                      }
                      List<LogEntry> earlier = new ArrayList<>();
                      earlier.add(
                          new LogEntry(
                              lines.getFirst().at(),
                              "pmfx",
                              false,
                              "── the last lines of "
                                  + app.name()
                                  + "'s log files, from before this session ──",
                              true));
                      for (EngineEvent.LogLine line : lines) {
                        LogEntry entry = ProcessItems.entry(line);
                        earlier.add(
                            new LogEntry(
                                entry.at(), entry.source(), entry.error(), entry.text(), true));
                      }
                      app.addEarlierLogs(earlier);
                    }));
  }

  // Quitting

  /** True once the window began to close and the workers are stopping. */
  public ReadOnlyBooleanProperty quittingProperty() {
    return quitting.getReadOnlyProperty();
  }

  /** The share of the workers that had a process when quitting began and have stopped since. */
  public javafx.beans.property.ReadOnlyDoubleProperty quitProgressProperty() {
    return quitProgress.getReadOnlyProperty();
  }

  /** How far quitting is, in words: how many stopped, and which are still stopping. */
  public ReadOnlyStringProperty quitTextProperty() {
    return quitText.getReadOnlyProperty();
  }

  /** Marks the start of quitting; the engine's stop events move the progress from here. */
  public void beginQuit() {
    quitTotal = (int) runningWorkers().count();
    quitting.set(true);
    showQuitProgress();
  }

  private void showQuitProgress() {
    List<String> left =
        runningWorkers().map(w -> w.status().name() + "-" + w.status().instance()).toList();
    int stopped = Math.max(0, quitTotal - left.size());
    quitProgress.set(quitTotal == 0 ? 1 : (double) stopped / quitTotal);
    String waiting =
        left.isEmpty()
            ? ""
            : " · waiting for "
                + String.join(", ", left.subList(0, Math.min(4, left.size())))
                + (left.size() > 4 ? " and " + (left.size() - 4) + " more" : "");
    quitText.set(stopped + " of " + quitTotal + " stopped" + waiting);
  }

  private java.util.stream.Stream<WorkerItem> runningWorkers() {
    return apps.stream()
        .flatMap(a -> a.workers().stream())
        .filter(w -> w.status().state().running() || w.status().state() == WorkerState.CRASHED);
  }

  /** Whether any worker has a process: closing the window would leave it running. */
  public boolean anyRunning() {
    return runningWorkers().findAny().isPresent();
  }

  private void act(Row row, String doing, Supplier<CompletableFuture<CommandResult>> command) {
    row.actionProperty().set(doing + "…");
    row.failureProperty().set("");
    command(doing + " " + row.target(), command)
        .whenComplete(
            (result, error) ->
                background.later(
                    () -> {
                      row.actionProperty().set("");
                      row.failureProperty().set(failure(doing, result, error));
                    }));
  }

  /** Why a command failed, in words; empty when it did not. */
  private static String failure(String doing, CommandResult result, Throwable error) {
    if (error != null) {
      return doing + " failed: " + error.getMessage();
    }
    return String.join(
        "\n", result.problems().stream().map(p -> p.app() + ": " + p.message()).toList());
  }

  private CompletableFuture<CommandResult> command(
      String what, Supplier<CompletableFuture<CommandResult>> command) {
    return command
        .get()
        .whenComplete(
            (result, error) ->
                background.later(
                    () -> {
                      String failed = failure(what, result, error);
                      if (!failed.isEmpty()) {
                        problem.set(""); // the same words again are news again
                        problem.set(failed);
                      }
                    }));
  }

  // Engine events, in batches on the FX thread

  /** Applies what the engine reported since the last batch. */
  public void apply(EngineBridge.Batch batch) {
    if (batch.snapshot() != null) {
      java.util.Set<String> names = new java.util.HashSet<>();
      for (AppStatus app : batch.snapshot()) {
        names.add(app.name());
        known(app);
      }
      // A snapshot is all the engine knows: a new daemon's, after the window lost the old one.
      apps.stream()
          .filter(a -> a.knownProperty().get() && !names.contains(a.name()))
          .map(AppItem::name)
          .toList()
          .forEach(this::removed);
    }
    for (EngineEvent event : batch.past()) {
      // Only what this window has not seen yet: it may have seen some, before a reconnection.
      if (event.at().toEpochMilli() <= seenUntil) {
        continue;
      }
      switch (event) {
        case EngineEvent.MetricsSample sample ->
            history.add(sample.at().toEpochMilli(), readings(sample));
        case EngineEvent.WorkerChanged changed -> remember(changed);
        default -> {}
      }
    }
    Map<Row, List<LogEntry>> lines = new LinkedHashMap<>();
    for (EngineEvent event : batch.events()) {
      switch (event) {
        case EngineEvent.AppAdded added -> known(added.app());
        case EngineEvent.AppRemoved removed -> removed(removed.app());
        case EngineEvent.WorkerChanged changed -> changed(changed);
        case EngineEvent.MetricsSample sample -> measured(sample);
        case EngineEvent.AppUpdated updated -> known(updated.app());
        case EngineEvent.WorkerRemoved gone ->
            item(gone.app())
                .ifPresent(app -> app.workers().removeIf(w -> w.id() == gone.workerId()));
        case EngineEvent.RolloutChanged rollout -> rollout(rollout);
        case EngineEvent.RolloutStep step ->
            item(step.app())
                .map(app -> app.rolloutProperty().get())
                .filter(r -> r.id() == step.rollout())
                .ifPresent(r -> r.step(step));
        case EngineEvent.LogLine line -> {
          AppItem app = item(line.app()).orElse(null);
          if (app != null) {
            LogEntry entry = ProcessItems.entry(line);
            lines.computeIfAbsent(app, k -> new ArrayList<>()).add(entry);
            WorkerItem worker = app.worker(line.workerId());
            if (worker != null) {
              lines.computeIfAbsent(worker, k -> new ArrayList<>()).add(entry);
            }
          }
        }
      }
    }
    lines.forEach(Row::addLogs);
    for (EngineEvent event : batch.events()) {
      seenUntil = Math.max(seenUntil, event.at().toEpochMilli());
    }
    if (!batch.events().isEmpty() || batch.snapshot() != null) {
      if (quitting.get()) {
        showQuitProgress();
      }
      summarize();
      revision.set(revision.get() + 1);
    }
  }

  private Optional<AppItem> item(String name) {
    return apps.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  private void known(AppStatus status) {
    AppItem item =
        item(status.name())
            .orElseGet(
                () -> {
                  AppItem created = new AppItem(status.spec());
                  apps.add(created);
                  return created;
                });
    item.knownProperty().set(true);
    item.specProperty().set(status.spec());
    java.util.Set<Integer> ids = new java.util.HashSet<>();
    status.workers().forEach(w -> ids.add(w.id()));
    item.workers().removeIf(w -> !ids.contains(w.id())); // the engine's word is the whole truth
    for (WorkerStatus worker : status.workers()) {
      WorkerItem existing = item.worker(worker.id());
      if (existing == null) {
        join(item, new WorkerItem(worker));
      } else {
        existing.statusProperty().set(worker);
      }
    }
  }

  private void removed(String name) {
    history.forget(name);
    item(name)
        .ifPresent(
            item -> {
              item.workers().clear();
              item.knownProperty().set(false);
              Optional<AppSpec> inFile = fileOf(name).flatMap(f -> ecosystems.get(f).app(name));
              if (inFile.isPresent()) {
                item.specProperty().set(inFile.get());
              } else {
                apps.remove(item);
              }
            });
  }

  private void measured(EngineEvent.MetricsSample sample) {
    Map<Integer, EngineEvent.MetricsSample.WorkerRequests> counted = new java.util.HashMap<>();
    for (EngineEvent.MetricsSample.WorkerRequests requests : sample.requests()) {
      counted.put(requests.workerId(), requests);
      item(requests.app())
          .map(app -> app.worker(requests.workerId()))
          .ifPresent(worker -> worker.requestsProperty().set(requests));
    }
    for (EngineEvent.MetricsSample.WorkerUsage usage : sample.workers()) {
      item(usage.app())
          .map(app -> app.worker(usage.workerId()))
          .ifPresent(worker -> worker.usageProperty().set(usage));
    }
    history.add(sample.at().toEpochMilli(), readings(sample));
    samples.set(samples.get() + 1);
  }

  /** A sample as the charts' history keeps it. */
  private static List<dev.pmfx.metrics.History.Reading> readings(EngineEvent.MetricsSample sample) {
    Map<Integer, EngineEvent.MetricsSample.WorkerRequests> counted = new java.util.HashMap<>();
    sample.requests().forEach(r -> counted.put(r.workerId(), r));
    List<dev.pmfx.metrics.History.Reading> readings = new ArrayList<>();
    for (EngineEvent.MetricsSample.WorkerUsage usage : sample.workers()) {
      EngineEvent.MetricsSample.WorkerRequests r = counted.get(usage.workerId());
      readings.add(
          new dev.pmfx.metrics.History.Reading(
              usage.app(),
              usage.workerId(),
              usage.instance(),
              usage.cpuPercent(),
              usage.memoryBytes(),
              r != null,
              r == null ? 0 : r.requests(),
              r == null ? 0 : r.errors(),
              r == null ? 0 : r.p50Millis(),
              r == null ? 0 : r.p99Millis()));
    }
    return readings;
  }

  /**
   * Adds a worker's row after the rows of its instance number and below: a reload's new worker
   * shows right under the one it replaces.
   */
  private static void join(AppItem app, WorkerItem worker) {
    int at = 0;
    while (at < app.workers().size()
        && app.workers().get(at).status().instance() <= worker.status().instance()) {
      at++;
    }
    app.workers().add(at, worker);
  }

  private void rollout(EngineEvent.RolloutChanged changed) {
    AppItem app = item(changed.app()).orElse(null);
    if (app == null) {
      return;
    }
    RolloutItem shown = app.rolloutProperty().get();
    if (shown != null && shown.id() == changed.rollout()) {
      shown.stateProperty().set(changed);
    } else if (shown == null
        || shown.over()
        || changed.phase() != EngineEvent.RolloutChanged.Phase.QUEUED) {
      // A queued one waits its turn behind the one shown; it shows once it runs.
      app.rolloutProperty().set(new RolloutItem(changed));
    }
    String what = changed.kind().name().toLowerCase(java.util.Locale.ROOT);
    if (changed.phase() == EngineEvent.RolloutChanged.Phase.FAILED) {
      problem.set(""); // the same words again are news again
      problem.set(changed.app() + " " + what + " failed: " + changed.detail());
    }
  }

  /**
   * Adds a state change to its app's and worker's history (the Events tab), without touching their
   * state; returns the worker's name.
   */
  private String remember(EngineEvent.WorkerChanged changed) {
    WorkerStatus status = changed.worker();
    String source = status.name() + "-" + status.instance();
    HistoryEntry entry =
        new HistoryEntry(
            changed.at(), source, changed.from().label(), status.state().label(), changed.reason());
    item(status.name())
        .ifPresent(
            app -> {
              app.addHistory(entry);
              WorkerItem worker = app.worker(status.id());
              if (worker != null) {
                worker.addHistory(entry);
              }
            });
    return source;
  }

  private void changed(EngineEvent.WorkerChanged changed) {
    WorkerStatus status = changed.worker();
    AppItem app = item(status.name()).orElse(null);
    if (app == null) {
      return;
    }
    WorkerItem worker = app.worker(status.id());
    if (worker == null) {
      worker = new WorkerItem(status);
      join(app, worker);
    } else {
      worker.statusProperty().set(status);
    }
    if (!status.state().running()) {
      worker.usageProperty().set(null);
      worker.requestsProperty().set(null); // its counts start again when it rejoins
    }
    String source = remember(changed);
    if (status.state() == WorkerState.ERRORED || status.state() == WorkerState.CRASHED) {
      problem.set(""); // the same words again are news again
      problem.set(source + " " + status.state().label() + ": " + changed.reason());
    }
  }
}
