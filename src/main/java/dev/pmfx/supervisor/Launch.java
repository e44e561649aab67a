package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Runner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one worker of an app is started: the command line (what runs the script, as {@link Runner}
 * resolves it), its folder and its environment.
 */
record Launch(List<String> command, Path cwd, Map<String, String> environment, boolean node) {

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
    Map<String, String> env = new LinkedHashMap<>(userEnvironment);
    env.putAll(app.environment(envName));
    Runner runner;
    try {
      runner = Runner.resolve(app, env);
    } catch (Runner.Unavailable e) {
      throw new LaunchException(e.getMessage());
    }
    boolean node = runner.node();
    List<String> command = new ArrayList<>(runner.program());
    if (runner.script().isPresent()) {
      command.addAll(app.interpreterArgs());
      if (node) {
        command.add("--require");
        command.add(nodeShim.toString());
      }
      command.add(runner.script().get().toString());
    }
    command.addAll(runner.args());

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
}
