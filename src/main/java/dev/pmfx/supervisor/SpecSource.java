package dev.pmfx.supervisor;

import dev.pmfx.config.LoadResult;
import java.nio.file.Path;

/**
 * Reads an app's ecosystem file again, for a reload. The supervisor loads no file itself: the
 * composition root that makes it says how, with the loader of this machine.
 */
@FunctionalInterface
public interface SpecSource {
  LoadResult load(Path file);
}
