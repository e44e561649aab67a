package dev.pmfx.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.cli.PmfxCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docs/from-pm2.md against pmfx itself: every PM2 command and ecosystem key is there, and what it
 * says pmfx does with each is what pmfx's command list and option table do.
 */
class FromPm2DocTest {

  /** PM2 7.0.4's commands (lib/binaries/CLI.js) and the aliases its users type. */
  static final List<String> PM2_COMMANDS =
      List.of(
          "start",
          "trigger",
          "deploy",
          "startOrRestart",
          "startOrReload",
          "pid",
          "create",
          "startOrGracefulReload",
          "stop",
          "restart",
          "scale",
          "profile:mem",
          "profile:cpu",
          "reload",
          "id",
          "inspect",
          "delete",
          "sendSignal",
          "ping",
          "updatePM2",
          "update",
          "install",
          "module:update",
          "module:generate",
          "uninstall",
          "package",
          "publish",
          "set",
          "multiset",
          "get",
          "conf",
          "config",
          "unset",
          "report",
          "link",
          "unlink",
          "monitor",
          "unmonitor",
          "open",
          "plus",
          "login",
          "logout",
          "dump",
          "cleardump",
          "send",
          "attach",
          "resurrect",
          "unstartup",
          "startup",
          "logrotate",
          "ecosystem",
          "reset",
          "describe",
          "desc",
          "info",
          "show",
          "env",
          "l",
          "ps",
          "status",
          "jlist",
          "slist",
          "prettylist",
          "monit",
          "imonit",
          "dashboard",
          "flush",
          "reloadLogs",
          "logs",
          "kill",
          "pull",
          "forward",
          "backward",
          "deepUpdate",
          "serve",
          "autoinstall",
          "examples",
          "install-otel",
          "uninstall-otel",
          "list",
          "ls",
          "save",
          "init");

  /** PM2 7.0.4's ecosystem keys (lib/API/schema.json), {@code env_*} for its pattern. */
  static final List<String> PM2_KEYS =
      List.of(
          "script",
          "name",
          "name_prefix",
          "filter_env",
          "namespace",
          "install_url",
          "cwd",
          "args",
          "exec_interpreter",
          "node_args",
          "out_file",
          "error_file",
          "log_file",
          "disable_logs",
          "log_type",
          "log_date_format",
          "time",
          "env",
          "env_*",
          "max_memory_restart",
          "pid_file",
          "restart_delay",
          "exp_backoff_restart_delay",
          "source_map_support",
          "disable_source_map_support",
          "wait_ready",
          "instances",
          "kill_timeout",
          "shutdown_with_message",
          "listen_timeout",
          "cron_restart",
          "merge_logs",
          "vizion",
          "autorestart",
          "watch_delay",
          "watch",
          "ignore_watch",
          "watch_options",
          "min_uptime",
          "max_restarts",
          "execute_command",
          "exec_mode",
          "force",
          "append_env_to_name",
          "post_update",
          "trace",
          "disable_trace",
          "v8",
          "event_loop_inspector",
          "deep_monitoring",
          "increment_var",
          "instance_var",
          "pmx",
          "automation",
          "treekill",
          "port",
          "username",
          "uid",
          "gid",
          "windowsHide",
          "kill_retry_time",
          "write",
          "io");

  private static final Pattern ROW =
      Pattern.compile("^\\| `([^`]+)`(?: \\(([^)]*)\\))? \\| ([^|]*) \\|(.*)\\|$");

  record Row(String first, List<String> spellings, String pmfx, String notes) {}

  private static String doc() throws Exception {
    return Files.readString(Path.of("docs/from-pm2.md"));
  }

  /** The rows of the table under {@code heading}, by their first cell. */
  private static Map<String, Row> table(String heading) throws Exception {
    String doc = doc();
    int start = doc.indexOf("## " + heading + "\n");
    assertTrue(start >= 0, "docs/from-pm2.md has a section '" + heading + "'");
    int end = doc.indexOf("\n## ", start + 1);
    Map<String, Row> rows = new LinkedHashMap<>();
    for (String line : doc.substring(start, end < 0 ? doc.length() : end).split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        List<String> spellings = new ArrayList<>();
        if (m.group(2) != null) {
          for (String s : m.group(2).split(",")) {
            spellings.add(s.strip().replace("`", ""));
          }
        }
        rows.put(
            m.group(1), new Row(m.group(1), spellings, m.group(3).strip(), m.group(4).strip()));
      }
    }
    return rows;
  }

  @Test
  void everyPm2CommandIsListedWithACommandPmfxHasOrWhyNot() throws Exception {
    Map<String, Row> rows = table("Commands");
    CommandLine pmfx = PmfxCommand.commandLine();
    for (String command : PM2_COMMANDS) {
      Row row = rows.get(command);
      assertTrue(row != null, "pm2 " + command + " is in docs/from-pm2.md");
      if (row.pmfx().equals("—")) {
        assertTrue(!row.notes().isEmpty(), "pm2 " + command + ": the doc says what to do instead");
        continue;
      }
      Matcher named = Pattern.compile("`pmfx ([A-Za-z:-]+)`").matcher(row.pmfx());
      assertTrue(named.matches(), "pm2 " + command + ": " + row.pmfx());
      assertTrue(
          pmfx.getSubcommands().containsKey(named.group(1)),
          "pm2 " + command + " is pmfx " + named.group(1) + ", which pmfx has");
    }
  }

  @Test
  void everyPmfxCommandIsInTheDoc() throws Exception {
    String doc = doc();
    for (Map.Entry<String, CommandLine> sub :
        PmfxCommand.commandLine().getSubcommands().entrySet()) {
      String name = sub.getValue().getCommandName();
      if (!sub.getKey().equals(name) || name.equals("help")) {
        continue; // an alias, or picocli's own help
      }
      assertTrue(doc.contains("`pmfx " + name), "docs/from-pm2.md names pmfx " + name);
    }
  }

  @Test
  void everyPm2KeyIsListedAsPmfxReadsIt() throws Exception {
    Map<String, Row> rows = table("Ecosystem keys");
    for (String key : PM2_KEYS) {
      Row row = rows.get(key);
      assertTrue(row != null, "'" + key + "' is in docs/from-pm2.md");
      List<String> spellings = new ArrayList<>(row.spellings());
      spellings.add(key);
      switch (row.pmfx()) {
        case "yes" -> {
          if (key.equals("env_*")) {
            continue;
          }
          Optional<AppOption<?>> option = AppOption.named(key);
          assertTrue(option.isPresent(), "pmfx acts on '" + key + "', as the doc says");
          for (String spelling : spellings) {
            assertEquals(option, AppOption.named(spelling), spelling + " reads as " + key);
          }
        }
        case "ignored" -> {
          for (String spelling : spellings) {
            assertTrue(
                AppReader.IGNORED_PM2_KEYS.contains(spelling),
                "'" + spelling + "' loads with the warning that pmfx ignores it, as the doc says");
          }
        }
        default -> throw new AssertionError("'" + key + "': yes or ignored, not " + row.pmfx());
      }
    }
  }

  @Test
  void everyKeyAndSpellingPmfxReadsIsInTheDoc() throws Exception {
    String doc = doc();
    for (AppOption<?> option : AppOption.all()) {
      for (String spelling : concat(option.key(), option.aliases())) {
        assertTrue(doc.contains("`" + spelling + "`"), "docs/from-pm2.md names '" + spelling + "'");
      }
    }
    for (String ignored : AppReader.IGNORED_PM2_KEYS) {
      assertTrue(doc.contains("`" + ignored + "`"), "docs/from-pm2.md names '" + ignored + "'");
    }
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>(rest);
    all.addFirst(first);
    return all;
  }
}
