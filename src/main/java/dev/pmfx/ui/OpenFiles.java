package dev.pmfx.ui;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Diagnostic;
import dev.pmfx.config.Ecosystem;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.home.Demo;
import dev.pmfx.home.PmfxHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The ecosystem files open in the window, in the order they were opened, with what their last load
 * gave: apps, or the errors that kept them from loading.
 */
final class OpenFiles {

  private final ReadOnlyObjectWrapper<Path> file = new ReadOnlyObjectWrapper<>();
  private final ObservableList<Path> openFiles = FXCollections.observableArrayList();
  private final ObservableList<Diagnostic> diagnostics = FXCollections.observableArrayList();
  private final ReadOnlyBooleanWrapper failed = new ReadOnlyBooleanWrapper();
  private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper();
  private final Map<Path, LoadResult> results = new HashMap<>();

  /** Each open file's apps as last loaded; a file that never loaded has none. */
  private final Map<Path, Ecosystem> ecosystems = new HashMap<>();

  private int loads;

  private final EcosystemLoader loader;
  private final Background background;
  private final PmfxHome home;
  private final Preferences preferences;
  private final WindowStatus status;
  private final TableProjection table;

  OpenFiles(
      EcosystemLoader loader,
      Background background,
      PmfxHome home,
      Preferences preferences,
      WindowStatus status,
      TableProjection table) {
    this.loader = loader;
    this.background = background;
    this.home = home;
    this.preferences = preferences;
    this.status = status;
    this.table = table;
  }

  /** The file loaded or closed last: the one whose findings show. */
  ReadOnlyObjectProperty<Path> fileProperty() {
    return file.getReadOnlyProperty();
  }

  ObservableList<Path> openFiles() {
    return openFiles;
  }

  ObservableList<Diagnostic> diagnostics() {
    return diagnostics;
  }

  ReadOnlyBooleanProperty failedProperty() {
    return failed.getReadOnlyProperty();
  }

  ReadOnlyBooleanProperty loadingProperty() {
    return loading.getReadOnlyProperty();
  }

  /** The given file; else the files open when the window last closed; else the demo. */
  void openAtStart(Optional<Path> requested) {
    if (requested.isPresent()) {
      open(requested.get());
      return;
    }
    List<Path> last = preferences.openPaths().stream().filter(Files::isRegularFile).toList();
    if (last.isEmpty()) {
      open(Demo.install(home));
    } else {
      last.forEach(this::open);
    }
  }

  void openDemo() {
    open(Demo.install(home));
  }

  /** Loads {@code path} in the background, beside the files already open, or again. */
  void open(Path path) {
    Path target = path.toAbsolutePath().normalize();
    if (!openFiles.contains(target)) {
      openFiles.add(target); // in the order asked, however the loads finish
    }
    loads++;
    loading.set(true);
    status.status("Loading " + target.getFileName() + "…");
    background.run(() -> loader.load(target), result -> show(target, result));
  }

  /** Loads the current file again, after its errors were fixed. */
  void retry() {
    if (file.get() != null) {
      open(file.get());
    }
  }

  /** Closes a file: its apps leave the table, except those the engine runs. */
  void close(Path path) {
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
    preferences.openFiles(openFiles);
  }

  /** The open file that declares the app, if one does. */
  Optional<Path> fileOf(String app) {
    return openFiles.stream()
        .filter(f -> ecosystems.containsKey(f) && ecosystems.get(f).app(app).isPresent())
        .findFirst();
  }

  /** The app as the first open file that declares it has it. */
  Optional<AppSpec> declared(String app) {
    return fileOf(app).flatMap(f -> ecosystems.get(f).app(app));
  }

  /** The apps of an open file as last loaded; none while it never loaded. */
  Optional<Ecosystem> ecosystem(Path file) {
    return Optional.ofNullable(ecosystems.get(file));
  }

  /** Puts the app count and the findings of the last load on the status bar. */
  void summarize() {
    status.status(table.summary(diagnostics.size()));
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
        preferences.opened(opened, openFiles);
      }
      case LoadResult.Failed failure -> {
        diagnostics.setAll(result.diagnostics());
        failed.set(true);
        int errors = failure.errors().size();
        status.status(
            errors
                + (errors == 1 ? " error" : " errors")
                + " in "
                + opened.getFileName()
                + "; nothing was started or stopped");
      }
    }
  }

  private void arrange() {
    table.arrange(openFiles.stream().map(ecosystems::get).filter(Objects::nonNull).toList());
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
}
