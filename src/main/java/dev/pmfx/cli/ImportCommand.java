package dev.pmfx.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmfx.engine.EngineJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Turns PM2's saved process list (pm2 save's dump.pm2) into an ecosystem file, starts the"
          + " apps that were online, and says what it could not carry over.",
      "Each app keeps the variables it set itself; those of the shell that ran pm2, as this"
          + " shell has them, and PM2's own are left out (pmfx gives its apps this shell's)."
    })
final class ImportCommand implements Callable<Integer> {

  /** Keys of a dump entry that only PM2's bookkeeping reads: nothing to carry, nothing to say. */
  private static final Set<String> BOOKKEEPING =
      Set.of(
          "status",
          "pm_id",
          "NODE_APP_INSTANCE",
          "pm_uptime",
          "created_at",
          "restart_time",
          "unstable_restarts",
          "unique_id",
          "axm_actions",
          "axm_monitor",
          "axm_options",
          "axm_dynamic",
          "km_link",
          "vizion_running",
          "version",
          "node_version",
          "username",
          "pm_pid_path",
          "windowsHide",
          "kill_retry_time",
          "filter_env",
          "automation",
          "pmx",
          "vizion",
          "prev_restart_delay",
          "exit_code",
          "pm_exec_path",
          "pm_cwd",
          "pm_out_log_path",
          "pm_err_log_path",
          "pm_log_path",
          "exec_interpreter",
          "exec_mode",
          "node_args",
          "instances",
          "name",
          "env",
          "args",
          "namespace");

  /** Keys pmfx reads as PM2 does, copied as they are. */
  private static final List<String> CARRIED =
      List.of(
          "watch",
          "ignore_watch",
          "watch_delay",
          "autorestart",
          "autostart",
          "max_restarts",
          "min_uptime",
          "restart_delay",
          "exp_backoff_restart_delay",
          "kill_timeout",
          "kill_signal",
          "listen_timeout",
          "wait_ready",
          "shutdown_with_message",
          "max_memory_restart",
          "cron_restart",
          "merge_logs",
          "log_date_format",
          "time",
          "stop_exit_codes",
          "instance_var",
          "increment_var",
          "treekill");

  /** Variables PM2 or the shell set for their own use, never the app's. */
  private static final Set<String> NOT_THE_APPS =
      Set.of(
          "PM2_HOME",
          "PM2_USAGE",
          "PM2_JSON_PROCESSING",
          "PM2_INTERACTOR_PROCESSING",
          "PM2_DISCRETE_MODE",
          "PM2_PROGRAMMATIC",
          "unique_id",
          "pm_id",
          "NODE_APP_INSTANCE",
          "PWD",
          "OLDPWD",
          "_",
          "SHLVL");

  /**
   * The login session's variables, which the shell that ran pm2 had: the shell that starts pmfx's
   * apps gives its own.
   */
  private static final Set<String> SESSION =
      Set.of(
          "PATH",
          "HOME",
          "USER",
          "LOGNAME",
          "SHELL",
          "TERM",
          "LANG",
          "MAIL",
          "HOSTNAME",
          "SSH_CLIENT",
          "SSH_CONNECTION",
          "SSH_TTY",
          "XDG_RUNTIME_DIR",
          "XDG_SESSION_ID",
          "DBUS_SESSION_BUS_ADDRESS");

  @Parameters(
      arity = "0..1",
      paramLabel = "DUMP",
      description = "PM2's dump (default: $PM2_HOME/dump.pm2, or ~/.pm2/dump.pm2)")
  Path dump;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "the ecosystem file to write (default: ecosystem.config.json here)")
  Path out = Path.of("ecosystem.config.json");

  @Option(names = "--no-start", description = "only write the file")
  boolean noStart;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path from = dump != null ? dump : defaultDump();
    if (!Files.isRegularFile(from)) {
      return fail(err, from + ": no such file; 'pm2 save' writes PM2's process list there");
    }
    Path target = out.toAbsolutePath().normalize();
    if (Files.exists(target)) {
      return fail(err, target + ": exists already; name another file with --out");
    }
    JsonNode list;
    try {
      list = EngineJson.mapper().readTree(from.toFile());
    } catch (IOException e) {
      return fail(err, from + ": not PM2's dump (a JSON list of processes): " + e.getMessage());
    }
    if (list == null || !list.isArray()) {
      return fail(err, from + ": not PM2's dump: it holds no JSON list of processes");
    }
    Path pm2Home = from.toAbsolutePath().getParent();
    Map<String, ObjectNode> apps = new LinkedHashMap<>();
    Map<String, Integer> workers = new LinkedHashMap<>();
    List<String> online = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (JsonNode entry : list) {
      String name = entry.path("name").asText("");
      if (name.isEmpty() || !entry.path("pm_exec_path").isTextual()) {
        notes.add("a process without name or pm_exec_path: not an app PM2 saved; left out");
        continue;
      }
      workers.merge(name, 1, Integer::sum);
      if (apps.containsKey(name)) {
        continue; // another worker of the app: counted
      }
      ObjectNode app = app(entry, pm2Home, notes);
      if (app == null) {
        workers.remove(name);
        continue;
      }
      apps.put(name, app);
      String status = entry.path("status").asText("");
      if (status.equals("online") || status.equals("launching")) {
        online.add(name);
      }
    }
    apps.forEach(
        (name, app) -> {
          int count = workers.get(name);
          if (count > 1 || app.path("exec_mode").asText().equals("cluster")) {
            app.put("instances", count);
          }
        });
    if (apps.isEmpty()) {
      notes.forEach(n -> err.println("pmfx: " + n));
      return fail(err, from + ": no app to import");
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    apps.values().forEach(root.withArray("apps")::add);
    // It holds the apps' environment, tokens included, as dump.pm2 did in PM2's private home.
    Files.deleteIfExists(target);
    Files.createFile(
        target,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    EngineJson.mapper().writerWithDefaultPrettyPrinter().writeValue(target.toFile(), root);
    stdout.println(
        "pmfx: wrote "
            + target
            + " with "
            + apps.size()
            + " app"
            + (apps.size() == 1 ? "" : "s")
            + " of "
            + from
            + ": "
            + String.join(", ", apps.keySet()));
    notes.forEach(n -> stdout.println("pmfx: not carried over: " + n));
    List<String> stopped = new ArrayList<>(apps.keySet());
    stopped.removeAll(online);
    if (!stopped.isEmpty()) {
      stdout.println(
          "pmfx: stopped in PM2, so not started: "
              + String.join(", ", stopped)
              + " ('pmfx start "
              + target
              + " --only NAME' starts one)");
    }
    stdout.flush();
    if (noStart || online.isEmpty()) {
      return Client.OK;
    }
    return PmfxCommand.commandLine()
        .setOut(stdout)
        .setErr(err)
        .execute("start", target.toString(), "--only", String.join(",", online));
  }

  /** The app of a dump entry, or null (said in {@code notes}) when it cannot run here. */
  private static ObjectNode app(JsonNode entry, Path pm2Home, List<String> notes) {
    String name = entry.path("name").asText();
    ObjectNode app = JsonNodeFactory.instance.objectNode();
    app.put("name", name);
    String script = entry.path("pm_exec_path").asText();
    String cwd = entry.path("pm_cwd").asText("");
    if (!cwd.isEmpty() && !Files.isDirectory(Path.of(cwd))) {
      notes.add("app " + name + ": its cwd " + cwd + " does not exist here; app left out");
      return null;
    }
    if (Path.of(script).isAbsolute() && !Files.exists(Path.of(script))) {
      notes.add("app " + name + ": its script " + script + " does not exist here; app left out");
      return null;
    }
    app.put("script", script);
    if (!cwd.isEmpty()) {
      app.put("cwd", cwd);
    }
    if (entry.path("args").isArray() && !entry.path("args").isEmpty()) {
      app.set("args", entry.path("args"));
    }
    if (entry.path("node_args").isArray() && !entry.path("node_args").isEmpty()) {
      app.set("interpreter_args", entry.path("node_args"));
    }
    String interpreter = entry.path("exec_interpreter").asText("");
    if (!interpreter.isEmpty() && !(interpreter.equals("node") && script.matches(".*\\.[cm]?js"))) {
      app.put("interpreter", interpreter);
    }
    String mode = entry.path("exec_mode").asText("fork_mode");
    app.put("exec_mode", mode.startsWith("cluster") ? "cluster" : "fork");
    String namespace = entry.path("namespace").asText("default");
    if (!namespace.equals("default")) {
      app.put("namespace", namespace);
    }
    for (String key : CARRIED) {
      JsonNode value = entry.get(key);
      if (value != null && !value.isNull()) {
        app.set(key, value);
      }
    }
    logs(entry, app, pm2Home, notes);
    env(entry, app, notes);
    Set<String> unknown = new TreeSet<>();
    entry
        .fieldNames()
        .forEachRemaining(
            key -> {
              boolean flattenedEnv = entry.path("env").has(key); // PM2 copies env up here
              if (!flattenedEnv
                  && !key.startsWith("env_")
                  && !key.equals(name)
                  && !BOOKKEEPING.contains(key)
                  && !CARRIED.contains(key)
                  && !entry.get(key).isNull()) {
                unknown.add(key);
              }
            });
    if (!unknown.isEmpty()) {
      notes.add(
          "app "
              + name
              + ": "
              + String.join(", ", unknown)
              + " (PM2 options pmfx does not act on); left out");
    }
    return app;
  }

  /** Log files: those in PM2's own folder are PM2's; pmfx writes its own in its home. */
  private static void logs(JsonNode entry, ObjectNode app, Path pm2Home, List<String> notes) {
    Map<String, String> keys =
        Map.of(
            "pm_out_log_path",
            "out_file",
            "pm_err_log_path",
            "error_file",
            "pm_log_path",
            "log_file");
    List<String> pm2s = new ArrayList<>();
    for (var key : List.of("pm_out_log_path", "pm_err_log_path", "pm_log_path")) {
      JsonNode value = entry.get(key);
      if (value == null || !value.isTextual() || value.asText().isEmpty()) {
        continue;
      }
      Path log = Path.of(value.asText());
      if (log.toAbsolutePath().startsWith(pm2Home)) {
        pm2s.add(log.toString());
      } else {
        app.put(keys.get(key), value.asText());
      }
    }
    if (!pm2s.isEmpty()) {
      notes.add(
          "app "
              + app.path("name").asText()
              + ": PM2's own log files ("
              + String.join(", ", pm2s)
              + "); pmfx writes its own in its home's logs folder");
    }
  }

  /** The app's own variables, and its env_NAME blocks; what was the shell's is left out. */
  private static void env(JsonNode entry, ObjectNode app, List<String> notes) {
    String name = app.path("name").asText();
    Map<String, String> shell = System.getenv();
    ObjectNode env = JsonNodeFactory.instance.objectNode();
    Set<String> shells = new TreeSet<>();
    Set<String> pm2s = new TreeSet<>();
    Set<String> session = new TreeSet<>();
    entry
        .path("env")
        .properties()
        .forEach(
            field -> {
              String key = field.getKey();
              String value = field.getValue().asText();
              if (key.equals(name) || NOT_THE_APPS.contains(key) || key.startsWith("PM2_")) {
                pm2s.add(key);
              } else if (value.equals(shell.get(key))) {
                shells.add(key);
              } else if (SESSION.contains(key)) {
                session.add(key); // another login's, such as a PATH with PM2's folder in it
              } else if (field.getValue().isValueNode()) {
                env.set(key, field.getValue());
              }
            });
    if (!env.isEmpty()) {
      app.set("env", env);
    }
    entry
        .properties()
        .forEach(
            field -> {
              if (field.getKey().startsWith("env_") && field.getValue().isObject()) {
                app.set(field.getKey(), field.getValue());
              }
            });
    if (!shells.isEmpty()) {
      notes.add(
          "app "
              + name
              + ": "
              + shells.size()
              + " variables of the shell that ran pm2, as this shell has them ("
              + few(shells)
              + "): pmfx gives its apps the environment of the shell that starts them");
    }
    if (!session.isEmpty()) {
      notes.add(
          "app "
              + name
              + ": "
              + String.join(", ", session)
              + " of the session that ran pm2: pmfx gives its apps the ones of the shell that"
              + " starts them");
    }
    if (!pm2s.isEmpty()) {
      notes.add("app " + name + ": PM2's own variables (" + String.join(", ", pm2s) + ")");
    }
  }

  /** The first few names, and how many more. */
  private static String few(Set<String> names) {
    List<String> first = names.stream().limit(6).toList();
    return String.join(", ", first)
        + (names.size() > first.size() ? " and " + (names.size() - first.size()) + " more" : "");
  }

  private static Path defaultDump() {
    String home = System.getenv("PM2_HOME");
    return (home != null && !home.isBlank()
            ? Path.of(home)
            : Path.of(System.getProperty("user.home"), ".pm2"))
        .resolve("dump.pm2");
  }

  private static int fail(PrintWriter err, String message) {
    err.println("pmfx: " + message);
    err.flush();
    return Client.FAILED;
  }
}
