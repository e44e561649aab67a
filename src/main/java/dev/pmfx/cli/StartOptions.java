package dev.pmfx.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options a script's app takes on {@code pmfx start} and {@code pmfx run}, with PM2's names and
 * short forms ({@code lib/binaries/CLI.js}); each becomes the ecosystem key of the same meaning.
 */
final class StartOptions {

  @Option(
      names = {"-n", "--name"},
      paramLabel = "NAME",
      description = "a script's app name (default: the script's)")
  String name;

  @Option(
      names = {"-i", "--instances"},
      paramLabel = "N",
      description = "a script's workers in cluster mode: N, max (one a core) or -N")
  String instances;

  @Option(
      names = {"-x", "--execute-command"},
      description = "fork mode, even with -i (PM2's: execute a program using fork)")
  boolean fork;

  @Option(
      names = {"-f", "--force"},
      description = "an app of that name that runs is deleted first, and started as asked")
  boolean force;

  @Option(names = "--watch", description = "restart a script's app when its folder changes")
  boolean watch;

  @Option(
      names = "--ignore-watch",
      split = "[ ,]+",
      paramLabel = "PATHS",
      description = "paths --watch ignores, space- or comma-separated ('node_modules logs')")
  List<String> ignoreWatch = List.of();

  @Option(names = "--watch-delay", paramLabel = "MS", description = "wait after a change")
  String watchDelay;

  @Option(names = "--namespace", paramLabel = "NS", description = "a script's app namespace")
  String namespace;

  @Option(names = "--cwd", paramLabel = "DIR", description = "the folder it runs in")
  Path cwd;

  @Option(names = "--interpreter", paramLabel = "PROGRAM", description = "what runs the script")
  String interpreter;

  @Option(
      names = {"--interpreter-args", "--node-args"},
      paramLabel = "ARGS",
      description = "arguments to the interpreter (node), space-separated")
  String interpreterArgs;

  @Option(names = "--max-memory-restart", paramLabel = "SIZE", description = "e.g. 300M")
  String maxMemory;

  @Option(
      names = {"-c", "--cron", "--cron-restart"},
      paramLabel = "CRON",
      description = "restart on a schedule")
  String cron;

  @Option(names = "--no-autorestart", description = "do not restart it when it exits")
  boolean noAutorestart;

  @Option(
      names = "--no-autostart",
      description = "add the app without starting it ('pmfx start NAME' starts it)")
  boolean noAutostart;

  @Option(names = "--max-restarts", paramLabel = "N", description = "unstable restarts allowed")
  Integer maxRestarts;

  @Option(names = "--restart-delay", paramLabel = "MS", description = "wait before a restart")
  String restartDelay;

  @Option(
      names = "--exp-backoff-restart-delay",
      paramLabel = "MS",
      description = "first restart delay, growing ×1.5 up to 15 s")
  String expBackoff;

  @Option(
      names = "--stop-exit-codes",
      arity = "1..*",
      paramLabel = "CODE",
      description = "exit codes after which it is not restarted")
  List<Integer> stopExitCodes = List.of();

  @Option(names = "--wait-ready", description = "online once it sends ready")
  boolean waitReady;

  @Option(names = "--listen-timeout", paramLabel = "MS", description = "how long to wait for ready")
  String listenTimeout;

  @Option(
      names = {"-k", "--kill-timeout"},
      paramLabel = "MS",
      description = "SIGKILL after that")
  String killTimeout;

  @Option(
      names = "--shutdown-with-message",
      description = "ask it to stop with process.send('shutdown') rather than a signal")
  boolean shutdownWithMessage;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "its stdout's log file")
  Path outFile;

  @Option(
      names = {"-e", "--error"},
      paramLabel = "FILE",
      description = "its stderr's log file")
  Path errorFile;

  @Option(
      names = {"-l", "--log"},
      arity = "0..1",
      paramLabel = "FILE",
      fallbackValue = "",
      description = "a combined log of stdout and stderr: FILE, or NAME.log in pmfx's logs")
  String combinedLog;

  @Option(
      names = "--log-type",
      paramLabel = "TYPE",
      description = "json: each line as PM2's JSON logs (log_type)")
  String logType;

  @Option(names = "--disable-logs", description = "no log files (disable_logs)")
  boolean disableLogs;

  @Option(names = "--merge-logs", description = "one log for all its instances")
  boolean mergeLogs;

  @Option(
      names = "--log-date-format",
      paramLabel = "FORMAT",
      description = "prefix its log lines with the time, e.g. 'YYYY-MM-DD HH:mm:ss'")
  String logDateFormat;

  @Option(
      names = "--time",
      description = "prefix its log lines with the date and time, as time: true does")
  boolean time;

  /**
   * Writes the script's app (a file's absolute path, or a command as given) as an ecosystem file of
   * its own in the home's apps folder, which a reload reads again, as these options name it.
   */
  Path write(String script, String app, List<String> scriptArgs) throws java.io.IOException {
    ObjectNode spec = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    spec.put("name", app);
    spec.put("script", script);
    spec.put("cwd", Path.of("").toAbsolutePath().toString());
    strings(spec, "args", scriptArgs);
    putInto(spec);
    ObjectNode root = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    root.putArray("apps").add(spec);
    Path dir =
        java.nio.file.Files.createDirectories(
            dev.pmfx.home.PmfxHome.current().dir().resolve("apps"));
    Path written = dir.resolve(app.replaceAll("[^A-Za-z0-9._-]", "_") + ".config.json");
    dev.pmfx.engine.EngineJson.mapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(written.toFile(), root);
    return written;
  }

  /** The app's keys, as an ecosystem file would hold them, put into {@code spec}. */
  void putInto(ObjectNode spec) {
    if (cwd != null) {
      spec.put("cwd", cwd.toAbsolutePath().normalize().toString());
    }
    if (instances != null) {
      if (instances.matches("-?\\d+")) {
        spec.put("instances", Integer.parseInt(instances));
      } else {
        spec.put("instances", instances);
      }
      spec.put("exec_mode", "cluster");
    }
    if (fork) {
      spec.put("exec_mode", "fork");
    }
    if (watch) {
      spec.put("watch", true);
    }
    strings(spec, "ignore_watch", ignoreWatch);
    number(spec, "watch_delay", watchDelay);
    text(spec, "namespace", namespace);
    text(spec, "interpreter", interpreter);
    text(spec, "interpreter_args", interpreterArgs);
    text(spec, "max_memory_restart", maxMemory);
    text(spec, "cron_restart", cron);
    if (noAutorestart) {
      spec.put("autorestart", false);
    }
    if (noAutostart) {
      spec.put("autostart", false);
    }
    if (maxRestarts != null) {
      spec.put("max_restarts", maxRestarts);
    }
    number(spec, "restart_delay", restartDelay);
    number(spec, "exp_backoff_restart_delay", expBackoff);
    if (!stopExitCodes.isEmpty()) {
      ArrayNode codes = spec.putArray("stop_exit_codes");
      stopExitCodes.forEach(codes::add);
    }
    if (waitReady) {
      spec.put("wait_ready", true);
    }
    number(spec, "listen_timeout", listenTimeout);
    number(spec, "kill_timeout", killTimeout);
    if (shutdownWithMessage) {
      spec.put("shutdown_with_message", true);
    }
    path(spec, "out_file", outFile);
    path(spec, "error_file", errorFile);
    if (combinedLog != null) {
      if (combinedLog.isEmpty()) {
        spec.put("log_file", true);
      } else {
        spec.put("log_file", Path.of(combinedLog).toAbsolutePath().toString());
      }
    }
    text(spec, "log_type", logType);
    if (disableLogs) {
      spec.put("disable_logs", true);
    }
    if (mergeLogs) {
      spec.put("merge_logs", true);
    }
    if (time) {
      spec.put("time", true);
    }
    text(spec, "log_date_format", logDateFormat);
  }

  private static void text(ObjectNode spec, String key, String value) {
    if (value != null) {
      spec.put(key, value);
    }
  }

  /** A duration: PM2's milliseconds as a number, or pmfx's text with a unit ({@code 2s}). */
  private static void number(ObjectNode spec, String key, String value) {
    if (value == null) {
      return;
    }
    if (value.matches("\\d+")) {
      spec.put(key, Long.parseLong(value));
    } else {
      spec.put(key, value);
    }
  }

  private static void path(ObjectNode spec, String key, Path value) {
    if (value != null) {
      spec.put(key, value.toAbsolutePath().toString());
    }
  }

  private static void strings(ObjectNode spec, String key, List<String> values) {
    if (!values.isEmpty()) {
      ArrayNode list = spec.putArray(key);
      values.forEach(list::add);
    }
  }
}
