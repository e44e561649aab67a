package dev.pmfx.home;

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

  /** {@code PMFX_HOME}; the system property {@code pmfx.home} over it, for one JVM's commands. */
  public static PmfxHome current() {
    String property = System.getProperty("pmfx.home");
    return property != null && !property.isBlank()
        ? new PmfxHome(Path.of(property).toAbsolutePath())
        : fromEnvironment(System.getenv());
  }

  public Path createDirectories() throws IOException {
    return Files.createDirectories(dir);
  }
}
