package dev.pmfx.config;

import dev.pmfx.config.ConfigNode.ArrayNode;
import dev.pmfx.config.ConfigNode.ComputedNode;
import dev.pmfx.config.ConfigNode.Member;
import dev.pmfx.config.ConfigNode.ObjectNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Loads ecosystem files: {@code .js}, {@code .cjs}, {@code .mjs} (through Node.js when it is
 * installed, as PM2 does; plain object literals without it), {@code .json}, {@code .yaml} and
 * {@code .yml}. A file either loads whole or fails with every error it has, each at its line.
 */
public final class EcosystemLoader {

  /** The names PM2 looks for when given a folder, in its order. */
  public static final List<String> DEFAULT_NAMES =
      List.of(
          "ecosystem.config.js",
          "ecosystem.config.cjs",
          "ecosystem.config.mjs",
          "ecosystem.json",
          "ecosystem.yaml",
          "ecosystem.yml",
          "ecosystem.config.json",
          "ecosystem.config.yaml",
          "ecosystem.config.yml");

  private final Optional<Path> node;
  private final Map<String, String> environment;
  private final int cores;
  private final Duration nodeTimeout;

  /**
   * @param node the Node.js executable for .js configs; empty to read only literal .js configs
   * @param environment what a .js config sees as {@code process.env}
   * @param cores what {@code instances: 'max'} means
   */
  public EcosystemLoader(Optional<Path> node, Map<String, String> environment, int cores) {
    this(node, environment, cores, NodeEvaluator.DEFAULT_TIMEOUT);
  }

  private EcosystemLoader(
      Optional<Path> node, Map<String, String> environment, int cores, Duration nodeTimeout) {
    this.node = node;
    this.environment = Map.copyOf(environment);
    this.cores = cores;
    this.nodeTimeout = nodeTimeout;
  }

  /**
   * The same loader, giving up on a .js config that Node.js has not finished after {@code timeout}.
   */
  EcosystemLoader withNodeTimeout(Duration timeout) {
    return new EcosystemLoader(node, environment, cores, timeout);
  }

  /** Node.js from PATH, the user's environment and this machine's cores. */
  public static EcosystemLoader forThisMachine() {
    Map<String, String> env = System.getenv();
    return new EcosystemLoader(
        SearchPath.find("node", env.getOrDefault("PATH", "")),
        env,
        Runtime.getRuntime().availableProcessors());
  }

  /** Loads {@code file} with {@link #forThisMachine}'s loader, made for this one call. */
  public static LoadResult loadOnThisMachine(Path file) {
    return forThisMachine().load(file);
  }

  /**
   * Loads {@code file} as {@link #loadOnThisMachine(Path)} does, a .js file seeing {@code
   * environment} as {@code process.env} when given (the environment of the shell its apps were
   * started from), this process's when not.
   */
  public static LoadResult loadOnThisMachine(Path file, Optional<Map<String, String>> environment) {
    EcosystemLoader here = forThisMachine();
    return environment
        .map(env -> new EcosystemLoader(here.node, env, here.cores, here.nodeTimeout))
        .orElse(here)
        .load(file);
  }

  /** The environment configs are evaluated in, whose PATH finds what runs the apps. */
  public Map<String, String> environment() {
    return environment;
  }

  public int cores() {
    return cores;
  }

  public LoadResult load(Path given) {
    Path file = given.toAbsolutePath().normalize();
    if (Files.isDirectory(file)) {
      Optional<Path> found =
          DEFAULT_NAMES.stream().map(file::resolve).filter(Files::isRegularFile).findFirst();
      if (found.isEmpty()) {
        return fail(
            file,
            "no ecosystem file in this folder",
            "looked for " + String.join(", ", DEFAULT_NAMES));
      }
      file = found.get();
    }
    if (!Files.exists(file)) {
      return fail(file, "file not found", "");
    }
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      try {
        text =
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        return notUtf8(file, bytes);
      }
    } catch (IOException e) {
      return fail(file, "cannot read: " + e.getMessage(), "");
    }
    SourceText source = SourceText.of(file, text);
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
    return switch (extension) {
      case "json" -> structured(source, TreeReader.read(source));
      case "yaml", "yml" -> structured(source, YamlReader.read(source));
      case "js", "cjs", "mjs" -> javascript(source);
      default ->
          fail(
              file,
              "pmfx does not know this kind of file",
              "ecosystem files end in .js, .cjs, .mjs, .json, .yaml or .yml");
    };
  }

  private LoadResult structured(SourceText source, TreeReader.Result read) {
    if (read.root().isEmpty() && source.file().toString().endsWith(".json")) {
      // A typographic quote makes JSON fail at the first one; say what the real trouble is.
      List<Diagnostic> quotes = JsLiteralReader.typographicQuotes(source);
      if (!quotes.isEmpty()) {
        return new LoadResult.Failed(source.file(), quotes);
      }
    }
    if (read.root().isEmpty()) {
      return new LoadResult.Failed(source.file(), read.errors());
    }
    return resolve(source, read.root().get(), read.errors());
  }

  private LoadResult javascript(SourceText source) {
    JsLiteralReader.Result literal = JsLiteralReader.read(source);
    if (!literal.quoteErrors().isEmpty()) {
      return new LoadResult.Failed(source.file(), literal.quoteErrors());
    }
    if (node.isPresent()) {
      NodeEvaluator.Outcome outcome =
          new NodeEvaluator(node.get(), environment, nodeTimeout).evaluate(source);
      return switch (outcome) {
        case NodeEvaluator.Outcome.Failure failure ->
            new LoadResult.Failed(source.file(), List.of(failure.diagnostic()));
        case NodeEvaluator.Outcome.Value value ->
            resolve(
                source,
                literal
                    .exported()
                    .map(l -> overlay(value.root(), l))
                    .orElseGet(() -> everywhere(value.root(), source.exportAt())),
                List.of());
      };
    }
    if (!literal.problems().isEmpty()) {
      return new LoadResult.Failed(source.file(), literal.problems());
    }
    if (literal.changedAfterExport().isPresent()) {
      return new LoadResult.Failed(
          source.file(),
          List.of(
              source.error(
                  literal.changedAfterExport().get(),
                  "",
                  "the config is changed here after it is written, and only Node.js can run that:"
                      + " 'node' is not on PATH",
                  "install Node.js (package nodejs), or write the final values into the object")));
    }
    if (literal.exported().isEmpty()) {
      return new LoadResult.Failed(
          source.file(),
          List.of(
              source.error(
                  source.end(),
                  "",
                  "nothing is exported: no 'module.exports =' or 'export default' at the top"
                      + " level",
                  "an ecosystem file ends in module.exports = {apps: [...]}")));
    }
    Optional<ComputedNode> computed = firstComputed(literal.exported().get());
    if (computed.isPresent()) {
      return new LoadResult.Failed(
          source.file(),
          List.of(
              source.error(
                  computed.get().location(),
                  "",
                  "'"
                      + computed.get().source()
                      + "' is computed, and only Node.js can evaluate it: 'node' is not on PATH",
                  "install Node.js (package nodejs), write the value itself, or use a .json or .yaml config")));
    }
    return resolve(source, literal.exported().get(), List.of());
  }

  private LoadResult resolve(SourceText source, ConfigNode root, List<Diagnostic> earlier) {
    EcosystemReader.Result read = EcosystemReader.read(root, source, cores);
    List<Diagnostic> all = new ArrayList<>(earlier);
    all.addAll(read.diagnostics());
    all.sort(
        Comparator.comparingInt((Diagnostic d) -> d.location().line())
            .thenComparingInt(d -> d.location().column()));
    if (all.stream().anyMatch(Diagnostic::isError)) {
      return new LoadResult.Failed(source.file(), all);
    }
    return new LoadResult.Loaded(new Ecosystem(source.file(), read.apps(), read.deploy(), all));
  }

  /**
   * Puts the places of the literal onto the evaluated values: a key keeps its line, and a value
   * computed by an expression takes the expression's line, down to everything it produced.
   */
  static ConfigNode overlay(ConfigNode evaluated, ConfigNode literal) {
    if (literal instanceof ComputedNode) {
      return everywhere(evaluated, literal.location());
    }
    if (evaluated instanceof ObjectNode object && literal instanceof ObjectNode written) {
      List<Member> members = new ArrayList<>();
      for (Member m : object.members()) {
        Optional<Member> source = written.member(m.key());
        members.add(
            source
                .map(s -> new Member(m.key(), s.keyLocation(), overlay(m.value(), s.value())))
                .orElseGet(
                    () ->
                        new Member(
                            m.key(),
                            written.location(),
                            everywhere(m.value(), written.location()))));
      }
      return new ObjectNode(written.location(), members);
    }
    if (evaluated instanceof ArrayNode array && literal instanceof ArrayNode written) {
      // Items written before the first spread pair from the start, those after the last from the
      // end.
      List<ConfigNode> from = written.items();
      int head = 0;
      while (head < from.size() && !JsLiteralReader.isSpread(from.get(head))) {
        head++;
      }
      int tail = 0;
      while (tail < from.size() - head
          && !JsLiteralReader.isSpread(from.get(from.size() - 1 - tail))) {
        tail++;
      }
      int n = array.items().size();
      boolean spreads = head < from.size();
      if (!spreads && n != from.size()) {
        head = 0; // the lists differ in a way the literal cannot explain: pair nothing
      }
      List<ConfigNode> items = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ConfigNode item = array.items().get(i);
        int fromEnd = n - 1 - i;
        if (i < head) {
          items.add(overlay(item, from.get(i)));
        } else if (spreads && fromEnd < tail) {
          items.add(overlay(item, from.get(from.size() - 1 - fromEnd)));
        } else {
          items.add(everywhere(item, written.location()));
        }
      }
      return new ArrayNode(written.location(), items, true);
    }
    return everywhere(evaluated, literal.location());
  }

  private static ConfigNode everywhere(ConfigNode node, Location at) {
    return switch (node) {
      case ObjectNode o ->
          new ObjectNode(
              at,
              o.members().stream()
                  .map(m -> new Member(m.key(), at, everywhere(m.value(), at)))
                  .toList());
      case ArrayNode a ->
          new ArrayNode(at, a.items().stream().map(i -> everywhere(i, at)).toList(), true);
      default -> node.at(at);
    };
  }

  private static Optional<ComputedNode> firstComputed(ConfigNode node) {
    return switch (node) {
      case ComputedNode c -> Optional.of(c);
      case ObjectNode o ->
          o.members().stream()
              .map(m -> firstComputed(m.value()))
              .flatMap(Optional::stream)
              .findFirst();
      case ArrayNode a ->
          a.items().stream()
              .map(EcosystemLoader::firstComputed)
              .flatMap(Optional::stream)
              .findFirst();
      default -> Optional.empty();
    };
  }

  /** The error for a file that is not UTF-8, at its first byte that is not. */
  private static LoadResult notUtf8(Path file, byte[] bytes) {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer read = java.nio.CharBuffer.allocate(bytes.length);
    StandardCharsets.UTF_8.newDecoder().decode(in, read, true);
    int bad = Byte.toUnsignedInt(bytes[Math.min(in.position(), bytes.length - 1)]);
    // the whole text, its bad bytes shown as U+FFFD, so that the error quotes the line
    SourceText lenient = SourceText.of(file, new String(bytes, StandardCharsets.UTF_8));
    // just after the part that decoded (its own text, a byte order mark taken off)
    SourceText good = SourceText.of(file, read.flip().toString());
    Location at = good.locationOf(good.text().length());
    return new LoadResult.Failed(
        file,
        List.of(
            lenient.error(
                at,
                "",
                String.format(
                    "not a UTF-8 text file: byte 0x%02X here is not UTF-8 (Latin-1 or"
                        + " Windows-1252?)",
                    bad),
                "save the config as UTF-8")));
  }

  private static LoadResult fail(Path file, String message, String hint) {
    return new LoadResult.Failed(
        file,
        List.of(
            new Diagnostic(
                Diagnostic.Severity.ERROR, file, Location.UNKNOWN, "", message, "", hint)));
  }
}
