package dev.pmfx.ui;

import dev.pmfx.Demo;
import dev.pmfx.PmfxHome;
import dev.pmfx.config.Diagnostic;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The main window's state: the opened file, its apps, and the findings of its last load. Plain
 * observable properties, so tests drive it without a window.
 */
public final class MainWindowViewModel {

  // Properties
  private final ReadOnlyObjectWrapper<Path> file = new ReadOnlyObjectWrapper<>();
  private final ObservableList<AppRow> apps = FXCollections.observableArrayList();
  private final ObservableList<Diagnostic> diagnostics = FXCollections.observableArrayList();
  private final ObservableList<Path> recentFiles = FXCollections.observableArrayList();
  private final ReadOnlyBooleanWrapper failed = new ReadOnlyBooleanWrapper();
  private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper();
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");

  private final EcosystemLoader loader;
  private final Background background;
  private final PmfxHome home;
  private GuiState state;

  public MainWindowViewModel(EcosystemLoader loader, Background background, PmfxHome home) {
    this.loader = loader;
    this.background = background;
    this.home = home;
    this.state = GuiState.load(home);
    state.recentFiles().stream().map(Path::of).forEach(recentFiles::add);
  }

  public ReadOnlyObjectProperty<Path> fileProperty() {
    return file.getReadOnlyProperty();
  }

  public ObservableList<AppRow> apps() {
    return apps;
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

  // Commands

  /** Opens what the window should show first: the given file, else the last one, else the demo. */
  public void openAtStart(Optional<Path> requested) {
    Optional<Path> last = state.last().filter(Files::isRegularFile);
    open(requested.or(() -> last).orElseGet(() -> Demo.install(home)));
  }

  public void openDemo() {
    open(Demo.install(home));
  }

  /** Loads {@code path} in the background; the apps it had stay listed until it loads. */
  public void open(Path path) {
    Path target = path.toAbsolutePath().normalize();
    loading.set(true);
    status.set("Loading " + target.getFileName() + "…");
    background.run(() -> loader.load(target), result -> show(target, result));
  }

  /** Loads the opened file again, after its errors were fixed. */
  public void retry() {
    if (file.get() != null) {
      open(file.get());
    }
  }

  private void show(Path requested, LoadResult result) {
    loading.set(false);
    file.set(result.file());
    diagnostics.setAll(result.diagnostics());
    switch (result) {
      case LoadResult.Loaded loaded -> {
        failed.set(false);
        apps.setAll(loaded.ecosystem().apps().stream().map(AppRow::notStarted).toList());
        long warnings = result.diagnostics().size();
        status.set(
            apps.size()
                + (apps.size() == 1 ? " app" : " apps")
                + ", not started"
                + (warnings > 0
                    ? " · " + warnings + (warnings == 1 ? " warning" : " warnings")
                    : ""));
        remember(result.file());
      }
      case LoadResult.Failed failure -> {
        failed.set(true);
        apps.clear();
        int errors = failure.errors().size();
        status.set(
            errors
                + (errors == 1 ? " error" : " errors")
                + " in "
                + requested.getFileName()
                + "; nothing was started or stopped");
      }
    }
  }

  private void remember(Path opened) {
    state = state.opened(opened);
    recentFiles.setAll(state.recentFiles().stream().map(Path::of).toList());
    try {
      state.save(home);
    } catch (IOException e) {
      status.set(status.get() + " · could not save " + GuiState.file(home) + ": " + e.getMessage());
    }
  }
}
