package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Watches an app's {@code watch} paths recursively (directory-watcher: inotify on Linux, FSEvents
 * on macOS) and reports changed files that {@code ignore_watch} does not exclude. As in PM2,
 * dot-files and {@code node_modules} are ignored too, and so is pmfx's own home, where the logs are
 * written.
 */
final class AppWatch implements AutoCloseable {

  private final Path cwd;
  private final List<Path> excluded;
  private final List<PathMatcher> globs = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final List<Path> folders = new ArrayList<>();
  private final List<Path> files = new ArrayList<>();
  private final DirectoryWatcher watcher;

  private AppWatch(AppSpec app, List<Path> excluded, Consumer<Path> onChange) throws IOException {
    this.cwd = app.cwd();
    this.excluded = excluded;
    for (String pattern : app.ignoreWatch()) {
      if (pattern.chars().anyMatch(c -> "*?[{".indexOf(c) >= 0)) {
        globs.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
      } else {
        names.add(pattern.replaceAll("^\\./", "").replaceAll("/$", ""));
      }
    }
    List<Path> roots = new ArrayList<>();
    for (String path : app.watch()) {
      Path root = cwd.resolve(path).normalize();
      if (Files.isDirectory(root)) {
        folders.add(root);
        roots.add(root);
      } else {
        // a single file: its folder is watched, and only its own changes count
        files.add(root);
        if (!roots.contains(root.getParent())) {
          roots.add(root.getParent());
        }
      }
    }
    this.watcher =
        DirectoryWatcher.builder()
            .paths(roots)
            .fileHashing(false)
            .listener(
                event -> {
                  if (event.eventType() != DirectoryChangeEvent.EventType.OVERFLOW
                      && event.path() != null
                      && !ignored(event.path())) {
                    onChange.accept(event.path());
                  }
                })
            .build();
    watcher.watchAsync(task -> Thread.ofVirtual().name("pmfx-watch-" + app.name()).start(task));
  }

  /** Starts watching; changes arrive on a watcher thread. */
  static AppWatch start(AppSpec app, List<Path> excluded, Consumer<Path> onChange)
      throws IOException {
    return new AppWatch(app, excluded, onChange);
  }

  boolean ignored(Path changed) {
    Path path = changed.toAbsolutePath().normalize();
    if (excluded.stream().anyMatch(path::startsWith)) {
      return true;
    }
    if (!files.contains(path) && folders.stream().noneMatch(path::startsWith)) {
      return true; // beside a watched file, not watched itself
    }
    Path relative = path.startsWith(cwd) ? cwd.relativize(path) : path;
    for (Path segment : relative) {
      String name = segment.toString();
      if (name.startsWith(".") || name.equals("node_modules")) {
        return true;
      }
    }
    String text = relative.toString();
    for (String name : names) {
      if (text.equals(name) || text.startsWith(name + "/")) {
        return true;
      }
      for (Path segment : relative) {
        if (segment.toString().equals(name)) {
          return true;
        }
      }
    }
    return globs.stream().anyMatch(g -> g.matches(relative) || g.matches(relative.getFileName()));
  }

  Path relative(Path changed) {
    Path path = changed.toAbsolutePath().normalize();
    return path.startsWith(cwd) ? cwd.relativize(path) : path;
  }

  @Override
  public void close() {
    try {
      watcher.close();
    } catch (IOException e) {
      // closing
    }
  }
}
