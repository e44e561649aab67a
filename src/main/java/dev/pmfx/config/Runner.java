package dev.pmfx.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What runs an app's script on this machine, resolved as PM2 resolves it: a file runs through the
 * interpreter its extension names (or the app's {@code interpreter}), or itself when it is an
 * executable; a word that is no file is a command on PATH; a script with spaces that is no file is
 * a shell command line. TypeScript runs on Node.js's own type stripping where the Node.js version
 * has it, else on Node.js with tsx or ts-node as its loader (unless {@code interpreter_args} name
 * one already).
 *
 * @param program the executable and its own options: what comes before the app's {@code
 *     interpreter_args}
 * @param node whether the worker is a Node.js process, which gets pmfx's shim and Node's channel
 * @param script the script file, after {@code interpreter_args}; empty when the program is the
 *     script itself (a command, an executable file, a shell command line)
 * @param args what follows the script: the app's {@code args}
 * @param summary what runs it, as {@code pmfx check} says it
 */
public record Runner(
    List<String> program, boolean node, Optional<Path> script, List<String> args, String summary) {

  /** Why a script cannot run here: the message names what is missing and what would do. */
  public static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  /** Interpreters by script extension, as PM2 maps them; {@code java} is pmfx's own runtime. */
  static final Map<String, List<String>> INTERPRETERS =
      Map.ofEntries(
          Map.entry("js", List.of("node")),
          Map.entry("cjs", List.of("node")),
          Map.entry("mjs", List.of("node")),
          Map.entry("py", List.of("python3")),
          Map.entry("sh", List.of("bash")),
          Map.entry("jar", List.of("java", "-jar")),
          Map.entry("java", List.of("java")),
          Map.entry("rb", List.of("ruby")),
          Map.entry("php", List.of("php")),
          Map.entry("pl", List.of("perl")),
          Map.entry("coffee", List.of("coffee")));

  /** TypeScript files, which Node.js runs itself (but .tsx) or with a loader. */
  static final Set<String> TYPESCRIPT = Set.of("ts", "mts", "cts", "tsx");

  /** Programs that projects install with npm, found in their node_modules/.bin before PATH. */
  private static final Set<String> NODE_TOOLS = Set.of("tsx", "ts-node", "coffee");

  /** How to get the runners a user may lack. */
  private static final Map<String, String> INSTALL =
      Map.of(
          "tsx", "npm install --save-dev tsx",
          "ts-node", "npm install --save-dev ts-node",
          "coffee", "npm install --save-dev coffeescript",
          "bun", "see https://bun.sh");

  /** Words a shell knows itself, which no PATH holds. */
  private static final Set<String> SHELL_WORDS =
      Set.of(
          ".", ":", "[", "[[", "!", "{", "(", "alias", "builtin", "cd", "command", "echo", "eval",
          "exec", "exit", "export", "false", "for", "if", "printf", "read", "set", "source", "test",
          "time", "trap", "true", "ulimit", "umask", "unset", "until", "wait", "while");

  /**
   * How {@code app} runs here, with {@code environment}'s PATH.
   *
   * @throws Unavailable when the script, its interpreter or a TypeScript runner is missing
   */
  public static Runner resolve(AppSpec app, Map<String, String> environment) throws Unavailable {
    Path cwd = app.cwd();
    String path = environment.getOrDefault("PATH", "");
    String script = app.script();
    Path file = file(cwd, script);
    boolean isFile = file != null && Files.isRegularFile(file);
    Optional<String> interpreter = app.interpreter();
    if (interpreter.isPresent() && !interpreter.get().equals("none")) {
      return interpreted(app, interpreter.get(), List.of(), file, cwd, path);
    }
    boolean none = interpreter.isPresent();
    if (isFile) {
      String extension = extension(file.getFileName().toString());
      if (!none && TYPESCRIPT.contains(extension)) {
        return typeScript(app, file, program("node", cwd, path), cwd, path);
      }
      if (!none && INTERPRETERS.containsKey(extension)) {
        List<String> by = INTERPRETERS.get(extension);
        return interpreted(app, by.getFirst(), by.subList(1, by.size()), file, cwd, path);
      }
      if (!Files.isExecutable(file)) {
        throw new Unavailable(
            "script " + file + " is not executable: chmod +x it, or set an interpreter");
      }
      return new Runner(
          List.of(file.toString()), false, Optional.empty(), app.args(), "the file itself");
    }
    if (file != null && Files.isDirectory(file)) {
      throw new Unavailable("script " + file + " is a folder: name the file to run in it");
    }
    if (script.strip().chars().anyMatch(Character::isWhitespace)) {
      return shell(app, script.strip(), cwd, path);
    }
    String extension = extension(script);
    if (file == null
        || script.contains("/")
        || (!none && (INTERPRETERS.containsKey(extension) || TYPESCRIPT.contains(extension)))) {
      throw new Unavailable("script " + (file == null ? script : file) + " does not exist");
    }
    Path command =
        SearchPath.find(script, path)
            .orElseThrow(
                () ->
                    new Unavailable(
                        "command '"
                            + script
                            + "' is not on PATH ("
                            + path
                            + "), and "
                            + file
                            + " does not exist"));
    return new Runner(
        List.of(command.toString()), false, Optional.empty(), app.args(), "command " + command);
  }

  /** The script file an interpreter runs, through that interpreter. */
  private static Runner interpreted(
      AppSpec app, String interpreter, List<String> implicit, Path file, Path cwd, String path)
      throws Unavailable {
    String program = program(interpreter, cwd, path);
    if ((file == null || !Files.exists(file)) && !app.script().contains("/")) {
      // As PM2 does, a script that is no file may be a program on PATH: node's npm-cli, say.
      file = SearchPath.find(app.script(), path).orElse(file);
    }
    if (file == null || !Files.isRegularFile(file)) {
      throw new Unavailable("script " + (file == null ? app.script() : file) + " does not exist");
    }
    boolean node = AppSpec.isNode(interpreter);
    if (node && TYPESCRIPT.contains(extension(file.getFileName().toString()))) {
      return typeScript(app, file, program, cwd, path);
    }
    List<String> command = new ArrayList<>();
    command.add(program);
    command.addAll(implicit);
    return new Runner(
        List.copyOf(command),
        node,
        Optional.of(file),
        app.args(),
        interpreter.equals("java")
            ? "java (pmfx's own runtime)"
            : interpreter + " (" + program + ")");
  }

  /**
   * A TypeScript file: on Node.js's own type stripping where {@code node} has it, else on Node.js
   * with tsx's or ts-node's loader (the app's own in node_modules, or one on PATH).
   */
  private static Runner typeScript(AppSpec app, Path file, String node, Path cwd, String path)
      throws Unavailable {
    boolean jsx = extension(file.getFileName().toString()).equals("tsx"); // Node.js strips no JSX
    Optional<NodeVersion> version = NodeVersion.of(Path.of(node));
    String nodeName = "Node.js " + version.map(NodeVersion::toString).orElse("(version unknown)");
    if (app.interpreterArgs().stream().anyMatch(a -> a.contains("ts-node") || a.contains("tsx"))) {
      // PM2's recipe: interpreter_args: '--require ts-node/register'. The app has its loader.
      return new Runner(
          List.of(node),
          true,
          Optional.of(file),
          app.args(),
          "node " + version.map(v -> v + " ").orElse("") + "with the loader in interpreter_args");
    }
    if (!jsx && version.isPresent() && version.get().stripsTypes()) {
      boolean flag = !version.get().stripsTypesByDefault();
      return new Runner(
          flag ? List.of(node, "--experimental-strip-types") : List.of(node),
          true,
          Optional.of(file),
          app.args(),
          "node " + version.get() + " (its own type stripping" + (flag ? ", with the flag)" : ")"));
    }
    for (String tool : List.of("tsx", "ts-node")) {
      Optional<Path> bin = nodeModulesBin(tool, cwd).or(() -> SearchPath.find(tool, path));
      if (bin.isPresent()) {
        return loader(tool, bin.get())
            .map(
                preload ->
                    new Runner(
                        List.of(node, preload.getFirst(), preload.getLast()),
                        true,
                        Optional.of(file),
                        app.args(),
                        "node "
                            + version.map(v -> v + " ").orElse("")
                            + "with "
                            + tool
                            + " ("
                            + bin.get()
                            + ")"))
            .orElseGet(
                () ->
                    new Runner(
                        List.of(bin.get().toString()),
                        false,
                        Optional.of(file),
                        app.args(),
                        tool + " (" + bin.get() + ")"));
      }
    }
    throw new Unavailable(
        "script "
            + file
            + " is TypeScript, which "
            + nodeName
            + " ("
            + node
            + ") cannot run by itself ("
            + (jsx ? "no Node.js runs .tsx" : "Node.js 22.6 and later can")
            + "): install tsx ("
            + INSTALL.get("tsx")
            + ") or ts-node in the app's folder or on PATH"
            + (jsx ? "" : ", or a newer Node.js"));
  }

  /**
   * The Node.js option that loads {@code tool} into the worker itself, so the worker is Node.js
   * with pmfx's shim and Node's channel: tsx's ES module loader, ts-node's CommonJS register. Empty
   * when {@code bin} is no npm package pmfx can read (then the tool runs as a program).
   */
  private static Optional<List<String>> loader(String tool, Path bin) {
    try {
      Path dir = bin.toRealPath().getParent();
      ObjectMapper json = new ObjectMapper();
      for (; dir != null; dir = dir.getParent()) {
        Path manifest = dir.resolve("package.json");
        if (!Files.isRegularFile(manifest)) {
          continue;
        }
        JsonNode pkg = json.readTree(manifest.toFile());
        if (!tool.equals(pkg.path("name").asText())) {
          return Optional.empty();
        }
        JsonNode entry = pkg.path("exports").path(tool.equals("tsx") ? "." : "./register");
        if (entry.isObject()) {
          entry = entry.path("import").isTextual() ? entry.path("import") : entry.path("default");
        }
        if (!entry.isTextual()) {
          return Optional.empty();
        }
        Path module = dir.resolve(entry.asText()).normalize();
        return Optional.of(
            tool.equals("tsx")
                ? List.of("--import", module.toUri().toString())
                : List.of("--require", module.toString()));
      }
    } catch (IOException | RuntimeException e) {
      // an unreadable package: the tool runs as a program
    }
    return Optional.empty();
  }

  /**
   * A command line, run by bash (else sh) as PM2 runs one: {@code bash -c 'npm run start'}; the
   * app's args follow it, quoted for the shell.
   */
  private static Runner shell(AppSpec app, String script, Path cwd, String path)
      throws Unavailable {
    String first = script.split("\\s+", 2)[0];
    if (first.matches("[A-Za-z0-9_.+-]+")
        && !SHELL_WORDS.contains(first)
        && SearchPath.find(first, path).isEmpty()
        && !Files.isRegularFile(cwd.resolve(first))) {
      throw new Unavailable(
          "command '"
              + first
              + "' (the first word of script '"
              + script
              + "') is not on PATH ("
              + path
              + ")");
    }
    Path shell =
        SearchPath.find("bash", path)
            .or(() -> SearchPath.find("sh", path))
            .orElse(Path.of("/bin/sh"));
    StringBuilder line = new StringBuilder(script);
    for (String arg : app.args()) {
      line.append(' ').append(quoted(arg));
    }
    return new Runner(
        List.of(shell.toString(), "-c", line.toString()),
        false,
        Optional.empty(),
        List.of(),
        shell.getFileName() + " -c '" + line + "'");
  }

  /** An interpreter: {@code java} is pmfx's own runtime; others come from a path or PATH. */
  static String program(String name, Path cwd, String path) throws Unavailable {
    if (name.equals("java")) {
      return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
    if (name.contains("/")) {
      Path file = cwd.resolve(OptionValues.expandHome(name));
      if (Files.isExecutable(file)) {
        return file.toString();
      }
      throw new Unavailable("interpreter " + file + " is not an executable file");
    }
    Optional<Path> local = NODE_TOOLS.contains(name) ? nodeModulesBin(name, cwd) : Optional.empty();
    return local
        .or(() -> SearchPath.find(name, path))
        .map(Path::toString)
        .orElseThrow(
            () ->
                new Unavailable(
                    "interpreter '"
                        + name
                        + "' is not installed (not on PATH"
                        + (NODE_TOOLS.contains(name) ? " nor in the app's node_modules/.bin" : "")
                        + ")"
                        + (INSTALL.containsKey(name) ? ": " + INSTALL.get(name) : "")));
  }

  /** {@code tool} in node_modules/.bin of {@code cwd} or a folder above it, as npm finds it. */
  private static Optional<Path> nodeModulesBin(String tool, Path cwd) {
    for (Path dir = cwd.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path bin = dir.resolve("node_modules").resolve(".bin").resolve(tool);
      if (Files.isRegularFile(bin) && Files.isExecutable(bin)) {
        return Optional.of(bin);
      }
    }
    return Optional.empty();
  }

  /** An argument as the shell reads it back: in single quotes unless it needs none. */
  static String quoted(String arg) {
    return arg.matches("[A-Za-z0-9_./:=@%+,-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
  }

  private static Path file(Path cwd, String script) {
    try {
      return cwd.resolve(OptionValues.expandHome(script)).normalize();
    } catch (InvalidPathException e) {
      return null;
    }
  }

  static String extension(String file) {
    int slash = file.lastIndexOf('/');
    int dot = file.lastIndexOf('.');
    return dot > slash + 1 ? file.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }
}
