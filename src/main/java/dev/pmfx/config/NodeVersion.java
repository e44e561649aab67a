package dev.pmfx.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Node.js version, as {@code node --version} prints it, and what it can run: TypeScript by type
 * stripping from 22.6 with {@code --experimental-strip-types}, without the flag from 23.6 and
 * 22.18.
 */
record NodeVersion(int major, int minor, int patch) {

  private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)");

  /** Asked once per executable (and again when the file changes): a worker start asks often. */
  private static final Map<String, NodeVersion> ASKED = new ConcurrentHashMap<>();

  static Optional<NodeVersion> parse(String text) {
    Matcher m = VERSION.matcher(text.strip());
    return m.matches()
        ? Optional.of(
            new NodeVersion(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3))))
        : Optional.empty();
  }

  /** What {@code node --version} says, or empty when it says nothing readable within 10 s. */
  static Optional<NodeVersion> of(Path node) {
    String key;
    try {
      Path real = node.toRealPath();
      key = real + "@" + Files.getLastModifiedTime(real).toMillis();
    } catch (IOException e) {
      return Optional.empty();
    }
    NodeVersion known = ASKED.get(key);
    if (known != null) {
      return Optional.of(known);
    }
    try {
      Process process =
          new ProcessBuilder(node.toString(), "--version")
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        return Optional.empty();
      }
      Optional<NodeVersion> version = parse(output);
      version.ifPresent(v -> ASKED.put(key, v));
      return version;
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Node.js strips TypeScript's types by itself: 23.6 and later, 22.18 and later. */
  boolean stripsTypesByDefault() {
    return major > 23 || (major == 23 && minor >= 6) || (major == 22 && minor >= 18);
  }

  /** Node.js strips types when asked with {@code --experimental-strip-types}: 22.6 and later. */
  boolean stripsTypes() {
    return major > 22 || (major == 22 && minor >= 6);
  }

  @Override
  public String toString() {
    return "v" + major + "." + minor + "." + patch;
  }
}
