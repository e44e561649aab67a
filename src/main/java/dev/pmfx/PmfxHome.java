package dev.pmfx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** pmfx's own folder: {@code PMFX_HOME}, or {@code ~/.pmfx}, as PM2 keeps {@code ~/.pm2}. */
public record PmfxHome(Path dir) {

  public static PmfxHome fromEnvironment(Map<String, String> env) {
    String configured = env.get("PMFX_HOME");
    return new PmfxHome(
        configured != null && !configured.isBlank()
            ? Path.of(configured).toAbsolutePath()
            : Path.of(System.getProperty("user.home"), ".pmfx"));
  }

  public static PmfxHome current() {
    return fromEnvironment(System.getenv());
  }

  public Path createDirectories() throws IOException {
    return Files.createDirectories(dir);
  }
}
