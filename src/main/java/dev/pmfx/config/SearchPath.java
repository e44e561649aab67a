package dev.pmfx.config;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a program in a {@code PATH}, as a shell would. */
public final class SearchPath {

  private SearchPath() {}

  /** The first executable file named {@code program} in {@code path}'s folders. */
  public static Optional<Path> find(String program, String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
