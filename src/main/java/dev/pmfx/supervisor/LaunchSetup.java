package dev.pmfx.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;

/** What a worker's launch is planned from, besides its spec. */
record LaunchSetup(Path home, Map<String, String> userEnvironment, Path nodeShim, Path ipcDir) {

  /** pmfx's private folder for workers' sockets and the Node shim, under its home. */
  static LaunchSetup prepare(Path home, Map<String, String> userEnvironment) throws IOException {
    return new LaunchSetup(
        home,
        Map.copyOf(userEnvironment),
        writeNodeShim(home.resolve("runtime")),
        privateDirectory(home.resolve("ipc")));
  }

  private static Path privateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows keeps a user's folders private already
    }
    return dir;
  }

  private static Path writeNodeShim(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path shim = dir.resolve("node-shim.cjs");
    try (InputStream in = LaunchSetup.class.getResourceAsStream("node-shim.cjs")) {
      if (in == null) {
        throw new IOException("node-shim.cjs is missing from pmfx's resources");
      }
      byte[] content = in.readAllBytes();
      if (!Files.exists(shim) || !Arrays.equals(Files.readAllBytes(shim), content)) {
        Path temporary = Files.createTempFile(dir, "node-shim", ".tmp");
        Files.write(temporary, content);
        Files.move(temporary, shim, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return shim;
  }
}
