package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How one worker of an app is started: the command line (interpreter from the script's extension,
 * as PM2 picks it), its folder and its environment.
 */
record Launch(List<String> command, Path cwd, Map<String, String> environment, boolean node) {

  /** Interpreters by script extension; {@code java} means the runtime pmfx runs on. */
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
          Map.entry("pl", List.of("perl")));

  /**
   * @param home the pmfx home that supervises the worker, named to it in {@code PMFX_HOME}
   * @param userEnvironment the environment pmfx itself got, which workers inherit
   * @param nodeShim the preload that gives Node.js apps {@code process.send}
   * @param privatePort in cluster mode, the loopback port the worker listens on
   * @param privateSocket in cluster mode, a Unix socket a Node worker listens on instead, which
   *     costs the balancer less per request than loopback TCP
   */
  static Launch plan(
      AppSpec app,
      int instance,
      int workerId,
      Optional<String> envName,
      Path home,
      Map<String, String> userEnvironment,
      Path nodeShim,
      java.util.OptionalInt privatePort,
      Optional<Path> privateSocket)
      throws LaunchException {
    Path cwd = app.cwd();
    if (!Files.isDirectory(cwd)) {
      throw new LaunchException("cwd " + cwd + " is not a folder");
    }
    String path = userEnvironment.getOrDefault("PATH", "");
    List<String> command = new ArrayList<>();
    String extension = extension(app.script());
    List<String> interpreter =
        app.interpreter()
            .map(i -> i.equals("none") ? List.<String>of() : List.of(i))
            .orElse(INTERPRETERS.getOrDefault(extension, List.of()));
    boolean node = false;
    if (interpreter.isEmpty()) {
      command.add(executable(app.script(), cwd, path));
    } else {
      command.add(program(interpreter.getFirst(), cwd, path));
      command.addAll(interpreter.subList(1, interpreter.size()));
      command.addAll(app.interpreterArgs());
      if (app.runsOnNode()) {
        node = true;
        command.add("--require");
        command.add(nodeShim.toString());
      }
      Path script = cwd.resolve(app.script()).normalize();
      if (!Files.isRegularFile(script)) {
        throw new LaunchException("script " + script + " does not exist");
      }
      command.add(script.toString());
    }
    command.addAll(app.args());

    Map<String, String> env = new LinkedHashMap<>(userEnvironment);
    env.putAll(app.environment(envName));
    env.put(app.instanceVar(), String.valueOf(instance));
    env.put("pm_id", String.valueOf(workerId));
    env.put("name", app.name());
    // Which pmfx supervises it: a daemon that takes over after one died finds its workers by
    // these, recorded or not. PMFX_HOME also makes a pmfx command the worker runs reach the same
    // daemon, as PM2 gives its apps PM2_HOME.
    env.put("PMFX_HOME", home.toString());
    env.put("PMFX_SUPERVISOR", String.valueOf(ProcessHandle.current().pid()));
    app.incrementVar().ifPresent(var -> env.put(var, incremented(env.get(var), instance)));
    if (privatePort.isPresent()) {
      // Cluster mode: the app's PORT is the public one, which pmfx's balancer serves; each
      // worker listens on a private loopback port of its own. Node apps keep PORT: the shim
      // moves whatever port they listen on. Other programs get the private one as PORT.
      env.put("PMFX_PRIVATE_PORT", String.valueOf(privatePort.getAsInt()));
      if (node) {
        privateSocket.ifPresent(socket -> env.put("PMFX_PRIVATE_SOCKET", socket.toString()));
      } else {
        app.environment(envName).entrySet().stream()
            .filter(e -> e.getKey().equals("PORT"))
            .findFirst()
            .ifPresent(e -> env.put("PMFX_PUBLIC_PORT", e.getValue()));
        env.put("PORT", String.valueOf(privatePort.getAsInt()));
      }
    }
    return new Launch(List.copyOf(command), cwd, env, node);
  }

  /**
   * This launch with its channel named to the worker: Node's own IPC channel on descriptor 3
   * ({@code NODE_CHANNEL_FD}, JSON lines, as {@code child_process.fork} gives it), or else the
   * private socket {@code ipcSocket} in {@code PMFX_IPC}. A channel pmfx itself was given is never
   * passed on.
   */
  Launch withChannel(Optional<Path> ipcSocket) {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.remove("NODE_CHANNEL_FD");
    env.remove("NODE_CHANNEL_SERIALIZATION_MODE");
    env.remove("NODE_UNIQUE_ID");
    env.remove("PMFX_IPC");
    if (ipcSocket.isPresent()) {
      env.put("PMFX_IPC", ipcSocket.get().toString());
    } else {
      env.put("NODE_CHANNEL_FD", String.valueOf(NodeChannel.CHILD_FD));
      env.put("NODE_CHANNEL_SERIALIZATION_MODE", "json");
    }
    return new Launch(command, cwd, env, node);
  }

  private static String incremented(String base, int instance) {
    try {
      return String.valueOf(Long.parseLong(base == null ? "0" : base.strip()) + instance);
    } catch (NumberFormatException notANumber) {
      return String.valueOf(instance);
    }
  }

  /** An interpreter: {@code java} is pmfx's own runtime; others come from PATH or a path. */
  private static String program(String name, Path cwd, String path) throws LaunchException {
    if (name.equals("java")) {
      return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
    if (name.contains("/")) {
      Path file = cwd.resolve(name);
      if (Files.isExecutable(file)) {
        return file.toString();
      }
      throw new LaunchException("interpreter " + file + " is not an executable file");
    }
    return dev.pmfx.config.SearchPath.find(name, path)
        .map(Path::toString)
        .orElseThrow(
            () -> new LaunchException("interpreter '" + name + "' is not installed (not on PATH)"));
  }

  /** A script run directly: a file in cwd that may be executed, or a command on PATH. */
  private static String executable(String script, Path cwd, String path) throws LaunchException {
    Path file = cwd.resolve(script).normalize();
    if (Files.isRegularFile(file)) {
      if (!Files.isExecutable(file)) {
        throw new LaunchException(
            "script " + file + " is not executable: chmod +x it, or set an interpreter");
      }
      return file.toString();
    }
    if (!script.contains("/")) {
      Optional<Path> command = dev.pmfx.config.SearchPath.find(script, path);
      if (command.isPresent()) {
        return command.get().toString();
      }
    }
    throw new LaunchException(
        "script " + file + " does not exist, and no command of that name is on PATH");
  }

  private static String extension(String script) {
    String file = Path.of(script).getFileName().toString();
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }
}
