package dev.pmfx.config;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The config files under src/test/resources/configs and loaders to read them with. */
final class Fixtures {

  static final int CORES = 8;

  private Fixtures() {}

  static Path config(String relative) {
    try {
      return Path.of(Fixtures.class.getResource("/configs/" + relative).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("no fixture configs/" + relative, e);
    }
  }

  /** Node.js from PATH, as on a developer's machine, and a fixed core count. */
  static EcosystemLoader withNode(Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putAll(extraEnv);
    Optional<Path> node = dev.pmfx.config.SearchPath.find("node", env.getOrDefault("PATH", ""));
    if (node.isEmpty()) {
      fail("these tests need Node.js on PATH (.ci/run installs it)");
    }
    return new EcosystemLoader(node, env, CORES);
  }

  static EcosystemLoader withNode() {
    return withNode(Map.of());
  }

  /** A machine without Node.js. */
  static EcosystemLoader withoutNode() {
    return new EcosystemLoader(Optional.empty(), System.getenv(), CORES);
  }

  static Ecosystem loaded(LoadResult result) {
    if (result instanceof LoadResult.Failed failed) {
      fail(
          "expected "
              + failed.file()
              + " to load, but:\n"
              + String.join("\n", failed.diagnostics().stream().map(Diagnostic::format).toList()));
    }
    return assertInstanceOf(LoadResult.Loaded.class, result).ecosystem();
  }

  static LoadResult.Failed failed(LoadResult result) {
    if (result instanceof LoadResult.Loaded loaded) {
      fail(
          "expected "
              + loaded.file()
              + " to fail, but it loaded "
              + loaded.ecosystem().apps().size()
              + " apps");
    }
    return (LoadResult.Failed) result;
  }
}
