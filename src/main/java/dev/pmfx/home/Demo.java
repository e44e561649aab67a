package dev.pmfx.home;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The bundled demo: an ecosystem file and three small apps that run on the Java runtime pmfx itself
 * runs on, so a first start shows something real without Node.js. Copied into the pmfx home, where
 * it can be opened, edited and reloaded like any config.
 */
public final class Demo {

  static final List<String> FILES =
      List.of(
          "ecosystem.config.js", "DemoWeb.java", "DemoWorker.java", "DemoFlaky.java", "README.md");

  private Demo() {}

  /** Writes the demo under {@code home/demo} (keeping the user's edits) and returns its config. */
  public static Path install(PmfxHome home) {
    Path dir = home.dir().resolve("demo");
    try {
      Files.createDirectories(dir);
      for (String name : FILES) {
        Path target = dir.resolve(name);
        if (Files.exists(target)) {
          continue;
        }
        try (InputStream in = Demo.class.getResourceAsStream("demo/" + name)) {
          if (in == null) {
            throw new IllegalStateException("demo/" + name + " is missing from pmfx's resources");
          }
          Files.copy(in, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo to " + dir, e);
    }
    return dir.resolve("ecosystem.config.js");
  }
}
