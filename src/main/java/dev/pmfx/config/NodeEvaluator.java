package dev.pmfx.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a .js ecosystem file through Node.js, as PM2 does, so configs that compute values ({@code
 * instances: os.cpus().length - 1}, {@code process.env.PORT || 3000}) load as they would under PM2.
 * What Node.js says when the file is broken becomes a {@link Diagnostic} at its line.
 */
final class NodeEvaluator {

  sealed interface Outcome {
    record Value(ConfigNode root) implements Outcome {}

    record Failure(Diagnostic diagnostic) implements Outcome {}
  }

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEADER = Pattern.compile("^(?:file://)?(.+?):(\\d+)$");
  private static final Pattern FRAME =
      Pattern.compile("^\\s*at (?:[^(]*\\()?(.+?):(\\d+):(\\d+)\\)?$", Pattern.MULTILINE);

  private final Path node;
  private final Map<String, String> environment;
  private final Duration timeout;

  NodeEvaluator(Path node, Map<String, String> environment, Duration timeout) {
    this.node = node;
    this.environment = environment;
    this.timeout = timeout;
  }

  Outcome evaluate(SourceText source) {
    Path file = source.file();
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("pmfx-config-", ".json");
      err = Files.createTempFile("pmfx-config-", ".err");
      Process process =
          start(
              List.of(node.toString(), Loader.path().toString(), file.toString(), out.toString()),
              file,
              err);
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return failure(
            source,
            Location.UNKNOWN,
            "Node.js did not finish evaluating the config within " + timeout.toSeconds() + " s",
            "does the file wait for something, such as a server or a prompt?");
      }
      String result = Files.readString(out);
      if (result.isBlank()) {
        String stderr = lastLines(Files.readString(err), 5);
        return failure(
            source,
            Location.UNKNOWN,
            "Node.js exited (code " + process.exitValue() + ") before the config exported anything",
            stderr);
      }
      JsonNode report;
      try {
        report = JSON.readTree(result);
      } catch (com.fasterxml.jackson.core.JsonProcessingException tooDeep) {
        return failure(
            source,
            Location.UNKNOWN,
            "the config's value cannot be read: " + tooDeep.getOriginalMessage(),
            "");
      }
      if (report.path("ok").asBoolean()) {
        return new Outcome.Value(TreeReader.fromEvaluated(report.path("value")));
      }
      return explain(
          source,
          report.path("name").asText(),
          report.path("message").asText(),
          report.path("stack").asText());
    } catch (IOException e) {
      return failure(
          source, Location.UNKNOWN, "could not run Node.js (" + node + "): " + e.getMessage(), "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failure(
          source, Location.UNKNOWN, "interrupted while Node.js evaluated the config", "");
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private Process start(List<String> command, Path file, Path err) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(file.getParent().toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return builder.start();
  }

  private Outcome explain(SourceText source, String name, String message, String stack) {
    Path file = source.file();
    Optional<Location> at = locate(stack, file);
    if (at.isEmpty() && name.equals("SyntaxError")) {
      at = syntaxCheck(file);
    }
    String hint = "";
    if (message.contains("module is not defined in ES module scope")
        || message.contains("require is not defined in ES module scope")) {
      hint = esModuleHint(file);
    } else if (message.contains("Cannot use import statement outside a module")) {
      hint = "use require(...), or rename the file to .mjs so Node.js reads it as an ES module";
    } else if (at.isEmpty()) {
      Matcher elsewhere = FRAME.matcher(stack);
      if (elsewhere.find()) {
        hint =
            "raised at " + elsewhere.group(1) + ":" + elsewhere.group(2) + ":" + elsewhere.group(3);
      }
    }
    return failure(
        source,
        at.orElse(Location.UNKNOWN),
        "Node.js could not evaluate the config: " + name + ": " + message,
        hint);
  }

  /** The place in this file where the error happened, from Node.js's stack text. */
  static Optional<Location> locate(String stack, Path file) {
    String[] lines = stack.split("\n");
    if (lines.length >= 3) {
      Matcher header = HEADER.matcher(lines[0].strip());
      if (header.matches() && samePath(header.group(1), file)) {
        int caret = lines[2].indexOf('^');
        return Optional.of(new Location(Integer.parseInt(header.group(2)), Math.max(1, caret + 1)));
      }
    }
    // Stack frames name the file as a path or a file: URL; paths may hold spaces and brackets.
    for (String name : namesOf(file)) {
      Matcher frame = Pattern.compile(Pattern.quote(name) + ":(\\d+):(\\d+)").matcher(stack);
      if (frame.find()) {
        return Optional.of(
            new Location(Integer.parseInt(frame.group(1)), Integer.parseInt(frame.group(2))));
      }
    }
    return Optional.empty();
  }

  private static List<String> namesOf(Path file) {
    List<String> names = new ArrayList<>(List.of(file.toString(), file.toUri().toString()));
    try {
      Path real = file.toRealPath();
      names.add(real.toString());
      names.add(real.toUri().toString());
    } catch (IOException | RuntimeException gone) {
      // the file was there a moment ago; its written name has to do
    }
    return names;
  }

  /** Why Node.js read the file as an ES module, where {@code module.exports} does not exist. */
  private static String esModuleHint(Path file) {
    if (file.toString().endsWith(".mjs")) {
      return "a .mjs file is an ES module: write 'export default {...}', or rename it to .cjs";
    }
    for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
      Path manifest = dir.resolve("package.json");
      if (Files.isRegularFile(manifest)) {
        try {
          if (JSON.readTree(manifest.toFile()).path("type").asText().equals("module")) {
            return manifest
                + " says \"type\": \"module\": write 'export default {...}', or rename the file"
                + " to .cjs";
          }
        } catch (IOException unreadable) {
          // not the reason, then
        }
        break;
      }
    }
    return "the file uses import or export, so Node.js reads it as an ES module, where"
        + " module.exports does not exist: use export default {...} throughout";
  }

  /** ES modules' syntax errors carry no place; {@code node --check} prints it. */
  private Optional<Location> syntaxCheck(Path file) {
    Path err = null;
    try {
      err = Files.createTempFile("pmfx-check-", ".err");
      Process process = start(List.of(node.toString(), "--check", file.toString()), file, err);
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      return locate(Files.readString(err), file);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      deleteQuietly(err);
    }
  }

  private static boolean samePath(String written, Path file) {
    String decoded = URLDecoder.decode(written.replace("+", "%2B"), StandardCharsets.UTF_8);
    try {
      return Path.of(decoded).toRealPath().equals(file.toRealPath());
    } catch (IOException | RuntimeException e) {
      return Path.of(decoded).normalize().equals(file.normalize());
    }
  }

  /** A failure at {@code at}; where Node.js named no place, at the config's export. */
  private static Outcome failure(SourceText source, Location at, String message, String hint) {
    return new Outcome.Failure(
        source.error(at.known() ? at : source.exportAt(), "", message, hint));
  }

  private static String lastLines(String text, int count) {
    List<String> lines = text.strip().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  private static void deleteQuietly(Path path) {
    if (path != null) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // a temporary file; the OS cleans its temp folder
      }
    }
  }

  /** The evaluation script, written once per run to a temporary file Node.js can load. */
  private static final class Loader {
    private static final Path PATH = extract();

    static Path path() {
      return PATH;
    }

    private static Path extract() {
      try (InputStream in = NodeEvaluator.class.getResourceAsStream("evaluate-ecosystem.cjs")) {
        if (in == null) {
          throw new IllegalStateException(
              "evaluate-ecosystem.cjs is missing from pmfx's resources");
        }
        Path dir = Files.createTempDirectory("pmfx-");
        Path script = dir.resolve("evaluate-ecosystem.cjs");
        Files.copy(in, script);
        script.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return script;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
