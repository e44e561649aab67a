package dev.pmfx.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutations of every valid config fixture, in every format pmfx reads: each one either loads or
 * fails with errors that name the file, a line and a column, and say what is wrong in words; none
 * throws, prints a stack trace or hangs.
 *
 * <p>The mutations come from a fixed seed, so a run is repeatable; {@code -Dpmfx.fuzz.seed=N} tries
 * others and {@code -Dpmfx.fuzz.cases=N} sets how many mutations a fixture gets (its default keeps
 * the test within seconds, Node's evaluations included). A failure names the seed and keeps the
 * mutated file.
 */
class ConfigFuzzTest {

  private static final long SEED = Long.getLong("pmfx.fuzz.seed", 20_261_207L);
  private static final int CASES = Integer.getInteger("pmfx.fuzz.cases", 120);

  /** Longer than any load takes here, much shorter than "hangs". */
  private static final Duration LIMIT = Duration.ofSeconds(20);

  private static final ExecutorService LOADS = Executors.newVirtualThreadPerTaskExecutor();

  /** What configs hold, and what breaks their readers: syntax, YAML's tags and JS's code. */
  private static final List<String> TOKENS =
      List.of(
          "{",
          "}",
          "[",
          "]",
          "\"",
          "'",
          ":",
          ",",
          "\n",
          "\t",
          "- ",
          "#",
          "&a ",
          "*a",
          "<<: *a",
          "!!binary ",
          "!!python/object ",
          "? ",
          "|",
          ">",
          "---\n",
          "...\n",
          "%YAML 1.2\n",
          "\\",
          "\\u",
          "\\x",
          "\u0000",
          "\uFEFF",
          "\u201C",
          "\u2028",
          "\uD83D",
          "1e999",
          "-0",
          "0x1F",
          "NaN",
          "Infinity",
          "null",
          "true",
          "~",
          "undefined",
          "//",
          "/*",
          "*/",
          "`",
          "${",
          "${process.env.HOME}",
          "module.exports = ",
          "export default ",
          "require('fs')",
          "throw new Error('boom')",
          "process.exit(3)",
          "apps",
          "\"apps\": ",
          "instances: ",
          "-1",
          "4294967296",
          "max",
          "cluster",
          "\"exec_mode\": \"cluster\"",
          "script: ",
          "name: ",
          "env: ",
          "=",
          ";",
          "(",
          ")",
          "=>",
          "function",
          "return",
          "new ");

  @TempDir static Path dir;

  @AfterAll
  static void stop() {
    LOADS.shutdownNow();
  }

  static Stream<String> fixtures() throws IOException {
    try (Stream<Path> files = Files.list(Fixtures.config("valid"))) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches(".*\\.(json|ya?ml|js|cjs|mjs)") && !n.equals("server.js"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void everyMutationLoadsOrNamesItsFileLineAndColumn(String fixture) throws Exception {
    String original = Files.readString(Fixtures.config("valid/" + fixture));
    boolean javascript = fixture.matches(".*\\.(js|cjs|mjs)");
    // Node runs an eighth of the .js mutations (a process each); the literal reader the rest
    EcosystemLoader withNode = Fixtures.withNode().withNodeTimeout(Duration.ofSeconds(5));
    EcosystemLoader withoutNode = Fixtures.withoutNode();
    // a config that only Node.js can evaluate gets fewer mutations, all of them evaluated
    boolean needsNode =
        withoutNode.load(Fixtures.config("valid/" + fixture)) instanceof LoadResult.Failed;
    int cases = needsNode ? CASES / 4 : CASES;
    Random random = new Random(SEED ^ fixture.hashCode());
    int loaded = 0;
    java.util.Map<String, String> problems = new java.util.TreeMap<>();
    for (int i = 0; i < cases; i++) {
      byte[] mutated = mutate(original, random);
      Path file = Files.createDirectories(dir.resolve(fixture + "-" + i)).resolve(fixture);
      Files.write(file, mutated);
      EcosystemLoader loader = needsNode || javascript && i % 8 == 0 ? withNode : withoutNode;
      if (check(file, i, load(loader, file, i), problems)) {
        loaded++;
      }
    }
    assertTrue(
        problems.isEmpty(),
        problems.size()
            + " kinds of error say too little:\n\n"
            + String.join("\n\n", problems.values()));
    // a fuzz that never gets a config through is only testing the first error
    assertTrue(loaded > 0 || cases < 20, fixture + ": no mutation loaded");
  }

  private static LoadResult load(EcosystemLoader loader, Path file, int i) throws Exception {
    Future<LoadResult> result = LOADS.submit(() -> loader.load(file));
    try {
      return result.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      throw new AssertionError(reproduce(file, i) + ": no answer in " + LIMIT.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw new AssertionError(reproduce(file, i) + ": threw", e.getCause());
    }
  }

  /**
   * True when the mutation loaded; otherwise adds to {@code problems} what its errors lack, one
   * line for each, keyed by the message so that one flaw is reported once with an example.
   */
  private static boolean check(
      Path file, int i, LoadResult result, java.util.Map<String, String> problems) {
    if (result instanceof LoadResult.Loaded) {
      return true;
    }
    LoadResult.Failed failed = (LoadResult.Failed) result;
    List<Diagnostic> errors = failed.diagnostics().stream().filter(Diagnostic::isError).toList();
    String where = reproduce(file, i);
    if (errors.isEmpty()) {
      problems.putIfAbsent(
          "no error", where + ": failed without an error: " + failed.diagnostics());
    }
    for (Diagnostic error : errors) {
      String text = error.format();
      String kind = error.message().replaceAll("[0-9]+", "N");
      if (!error.file().equals(file)) {
        problems.putIfAbsent("file " + kind, where + ": names another file:\n" + text);
      }
      if (!error.location().known() || error.location().column() < 1) {
        problems.putIfAbsent("location " + kind, where + ": no line and column:\n" + text);
      }
      if (error.message().isBlank()) {
        problems.putIfAbsent("blank", where + ": no message:\n" + text);
      }
      for (String trace : List.of("Exception", "\tat ", "at java.", "at dev.pmfx", "NullPointer")) {
        if (text.contains(trace)) {
          problems.putIfAbsent(
              "trace " + kind, where + ": a stack trace or an exception:\n" + text);
        }
      }
    }
    return false;
  }

  private static String reproduce(Path file, int i) {
    return file + " (mutation " + i + " of seed " + SEED + ")";
  }

  /** One to three edits of the text, now and then of its bytes (not UTF-8 any more). */
  static byte[] mutate(String original, Random random) {
    StringBuilder text = new StringBuilder(original);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
      switch (random.nextInt(10)) {
        case 0 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(20)));
        case 1, 2 -> text.insert(at, TOKENS.get(random.nextInt(TOKENS.size())));
        case 3 -> {
          List<String> lines = new ArrayList<>(text.toString().lines().toList());
          if (!lines.isEmpty()) {
            int line = random.nextInt(lines.size());
            lines.add(line, lines.get(line));
            text.setLength(0);
            text.append(String.join("\n", lines));
          }
        }
        case 4 -> {
          List<String> lines = new ArrayList<>(text.toString().lines().toList());
          if (lines.size() > 1) {
            java.util.Collections.swap(
                lines, random.nextInt(lines.size()), random.nextInt(lines.size()));
            text.setLength(0);
            text.append(String.join("\n", lines));
          }
        }
        case 5 -> text.setLength(at);
        case 6 -> {
          if (at < text.length()) {
            text.setCharAt(at, (char) (32 + random.nextInt(95)));
          }
        }
        case 7 -> text.insert(at, " ".repeat(1 + random.nextInt(4)));
        case 8 -> {
          // deep nesting or a very long value
          String open = random.nextBoolean() ? "[" : "{\"a\":";
          text.insert(at, random.nextBoolean() ? open.repeat(5_000) : "x".repeat(200_000));
        }
        default -> {
          // a digit where a word was, or the other way round
          if (at < text.length()) {
            char c = text.charAt(at);
            text.setCharAt(at, Character.isDigit(c) ? 'q' : (char) ('0' + random.nextInt(10)));
          }
        }
      }
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    if (random.nextInt(20) == 0 && bytes.length > 0) {
      bytes[random.nextInt(bytes.length)] = (byte) 0xC3; // a lead byte without its follower
    }
    return bytes;
  }
}
