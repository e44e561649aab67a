package dev.pmfx.ui;

import dev.pmfx.engine.Engine;
import dev.pmfx.home.PmfxHome;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * What the window remembers between starts ({@link GuiState}): the theme, the window's place, the
 * sampling interval, the recent and the open files.
 */
final class Preferences {

  /** The sampling intervals the View menu offers, in seconds. */
  static final List<Integer> SAMPLE_SECONDS = List.of(1, 2, 5);

  private final PmfxHome home;
  private final Engine engine;
  private final Hosts hosts;
  private final WindowStatus status;
  private final ObservableList<Path> recentFiles = FXCollections.observableArrayList();
  private GuiState state;

  Preferences(PmfxHome home, Engine engine, Hosts hosts, WindowStatus status) {
    this.home = home;
    this.engine = engine;
    this.hosts = hosts;
    this.status = status;
    this.state = GuiState.load(home);
    state.recentFiles().stream().map(Path::of).forEach(recentFiles::add);
    if (sampleSeconds() != 1) {
      engine.sampleEvery(Duration.ofSeconds(sampleSeconds()));
      hosts.sampleEvery(Duration.ofSeconds(sampleSeconds()));
    }
  }

  ObservableList<Path> recentFiles() {
    return recentFiles;
  }

  /** The files open when the window last closed. */
  List<Path> openPaths() {
    return state.openPaths();
  }

  boolean dark() {
    return state.dark();
  }

  /** Remembers the theme for the next start. */
  void dark(boolean dark) {
    state = state.withDark(dark);
    save();
  }

  Optional<GuiState.WindowPlace> windowPlace() {
    return Optional.ofNullable(state.window());
  }

  /** Remembers where the window was, for the next start. */
  void windowPlace(GuiState.WindowPlace place) {
    state = state.withWindow(place);
    save();
  }

  /** How often CPU and memory are sampled, in seconds: 1 unless chosen otherwise. */
  int sampleSeconds() {
    return SAMPLE_SECONDS.contains(state.sampleSeconds()) ? state.sampleSeconds() : 1;
  }

  /** Samples every {@code seconds} from now on, and remembers it for the next start. */
  void sampleSeconds(int seconds) {
    engine.sampleEvery(Duration.ofSeconds(seconds));
    hosts.sampleEvery(Duration.ofSeconds(seconds));
    state = state.withSampleSeconds(seconds);
    save();
  }

  /** The hosts of the Hosts list when the window last closed. */
  List<GuiState.HostEntry> hosts() {
    return state.hosts();
  }

  /** Remembers the Hosts list. */
  void hosts(List<GuiState.HostEntry> list) {
    state = state.withHosts(list);
    save();
  }

  /** Remembers a file just loaded, as recent and open, with the files open now. */
  void opened(Path file, List<Path> open) {
    state = state.opened(file).withOpenFiles(open);
    recentFiles.setAll(state.recentFiles().stream().map(Path::of).toList());
    save();
  }

  /** Remembers the files open now, to open them at the next start. */
  void openFiles(List<Path> open) {
    state = state.withOpenFiles(open);
    save();
  }

  private void save() {
    try {
      state.save(home);
    } catch (IOException e) {
      status.status(
          status.status() + " · could not save " + GuiState.file(home) + ": " + e.getMessage());
    }
  }
}
