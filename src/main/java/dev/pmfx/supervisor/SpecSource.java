package dev.pmfx.supervisor;

import dev.pmfx.config.LoadResult;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an app's ecosystem file again, for a reload. The supervisor loads no file itself: the
 * composition root that makes it says how, with the loader of this machine.
 */
@FunctionalInterface
public interface SpecSource {
  /**
   * @param environment what a .js file sees as {@code process.env}: the environment the app's
   *     workers start with; empty: this process's own
   */
  LoadResult load(Path file, Optional<Map<String, String>> environment);
}
