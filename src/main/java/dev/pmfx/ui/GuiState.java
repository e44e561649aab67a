package dev.pmfx.ui;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pmfx.home.PmfxHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the window remembers between starts, in {@code gui.json} in the pmfx home: the files open
 * when it closed, the last file opened, the recent ones (newest first), the theme, the window's
 * place, how often CPU and memory are sampled (seconds; 0 for the default), and the hosts it shows
 * beside this machine.
 */
public record GuiState(
    List<String> openFiles,
    String lastFile,
    List<String> recentFiles,
    boolean dark,
    WindowPlace window,
    int sampleSeconds,
    List<GuiState.HostEntry> hosts) {

  /**
   * A host of the window's Hosts list.
   *
   * @param destination what ssh takes: {@code user@server}, an alias, {@code ssh://…}
   * @param remotePmfx the command that runs pmfx there; null for {@code PMFX_REMOTE_PMFX} or {@code
   *     pmfx}
   */
  public record HostEntry(String destination, String remotePmfx) {}

  /** Where the window was, how big, and how its panes were split, when it last closed. */
  public record WindowPlace(
      double x,
      double y,
      double width,
      double height,
      boolean maximized,
      double divider,
      int tab) {}

  static final int MAX_RECENT = 10;
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public GuiState {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    recentFiles = recentFiles == null ? List.of() : List.copyOf(recentFiles);
    openFiles =
        openFiles == null
            ? (lastFile == null ? List.of() : List.of(lastFile)) // saved before several files
            : List.copyOf(openFiles);
  }

  static GuiState empty() {
    return new GuiState(List.of(), null, List.of(), false, null, 0, List.of());
  }

  static Path file(PmfxHome home) {
    return home.dir().resolve("gui.json");
  }

  /** The saved state, or an empty one when there is none or it cannot be read. */
  static GuiState load(PmfxHome home) {
    Path file = file(home);
    if (!Files.isRegularFile(file)) {
      return empty();
    }
    try {
      return JSON.readValue(file.toFile(), GuiState.class);
    } catch (IOException unreadable) {
      return empty();
    }
  }

  void save(PmfxHome home) throws IOException {
    home.createDirectories();
    Path file = file(home);
    Path temporary = file.resolveSibling("gui.json.tmp");
    JSON.writeValue(temporary.toFile(), this);
    Files.move(
        temporary,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  GuiState withDark(boolean dark) {
    return new GuiState(openFiles, lastFile, recentFiles, dark, window, sampleSeconds, hosts);
  }

  GuiState withSampleSeconds(int seconds) {
    return new GuiState(openFiles, lastFile, recentFiles, dark, window, seconds, hosts);
  }

  GuiState withWindow(WindowPlace place) {
    return new GuiState(openFiles, lastFile, recentFiles, dark, place, sampleSeconds, hosts);
  }

  GuiState withOpenFiles(List<Path> files) {
    return new GuiState(
        files.stream().map(Path::toString).toList(),
        lastFile,
        recentFiles,
        dark,
        window,
        sampleSeconds,
        hosts);
  }

  GuiState withHosts(List<HostEntry> hosts) {
    return new GuiState(openFiles, lastFile, recentFiles, dark, window, sampleSeconds, hosts);
  }

  Optional<Path> last() {
    return Optional.ofNullable(lastFile).map(Path::of);
  }

  List<Path> openPaths() {
    return openFiles.stream().map(Path::of).toList();
  }

  GuiState opened(Path file) {
    String path = file.toAbsolutePath().toString();
    List<String> recent = new ArrayList<>(recentFiles);
    recent.remove(path);
    recent.addFirst(path);
    return new GuiState(
        openFiles,
        path,
        recent.subList(0, Math.min(recent.size(), MAX_RECENT)),
        dark,
        window,
        sampleSeconds,
        hosts);
  }
}
