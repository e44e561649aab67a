package dev.pmfx.config;

import dev.pmfx.config.ConfigNode.ArrayNode;
import dev.pmfx.config.ConfigNode.BoolNode;
import dev.pmfx.config.ConfigNode.ComputedNode;
import dev.pmfx.config.ConfigNode.Member;
import dev.pmfx.config.ConfigNode.NullNode;
import dev.pmfx.config.ConfigNode.NumberNode;
import dev.pmfx.config.ConfigNode.ObjectNode;
import dev.pmfx.config.ConfigNode.TextNode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a config tree into {@link AppSpec}s: checks every key's type and value, fills in PM2's
 * defaults, and reports each problem at its line, with what is allowed. Reads all apps before
 * giving up, so one run of {@code pmfx check} shows every error in the file.
 */
final class EcosystemReader {

  /** The app options pmfx acts on, by PM2's names. */
  static final List<String> APP_KEYS =
      List.of(
          "name",
          "script",
          "args",
          "interpreter",
          "interpreter_args",
          "cwd",
          "instances",
          "exec_mode",
          "env",
          "wait_ready",
          "listen_timeout",
          "kill_timeout",
          "kill_signal",
          "shutdown_with_message",
          "autorestart",
          "autostart",
          "max_restarts",
          "min_uptime",
          "restart_delay",
          "exp_backoff_restart_delay",
          "max_memory_restart",
          "stop_exit_codes",
          "watch",
          "ignore_watch",
          "watch_delay",
          "cron_restart",
          "out_file",
          "error_file",
          "log_file",
          "merge_logs",
          "log_date_format",
          "time",
          "namespace",
          "instance_var",
          "increment_var",
          "treekill",
          "balancer",
          "balancer_strategy",
          "drain_timeout",
          "queue_timeout");

  /** PM2's other spellings of the same options. */
  static final Map<String, String> ALIASES =
      Map.ofEntries(
          Map.entry("exec_interpreter", "interpreter"),
          Map.entry("node_args", "interpreter_args"),
          Map.entry("output", "out_file"),
          Map.entry("out", "out_file"),
          Map.entry("out_log", "out_file"),
          Map.entry("error", "error_file"),
          Map.entry("err", "error_file"),
          Map.entry("err_file", "error_file"),
          Map.entry("err_log", "error_file"),
          Map.entry("log", "log_file"),
          Map.entry("combine_logs", "merge_logs"));

  /** PM2 options that mean nothing to pmfx: accepted, with a warning that they do nothing. */
  static final Set<String> IGNORED_PM2_KEYS =
      Set.of(
          "version",
          "log_type",
          "source_map_support",
          "disable_source_map_support",
          "vizion",
          "pmx",
          "automation",
          "trace",
          "disable_trace",
          "deep_monitoring",
          "filter_env",
          "append_env_to_name",
          "force",
          "post_update",
          "watch_options",
          "uid",
          "gid",
          "user",
          "username",
          "windowsHide",
          "kill_retry_time",
          "pid_file",
          "pid",
          "disable_logs",
          "node_version",
          "execute_command",
          "port");

  static final Set<String> SIGNALS =
      Set.of(
          "SIGHUP",
          "SIGINT",
          "SIGQUIT",
          "SIGILL",
          "SIGTRAP",
          "SIGABRT",
          "SIGBUS",
          "SIGFPE",
          "SIGKILL",
          "SIGUSR1",
          "SIGSEGV",
          "SIGUSR2",
          "SIGPIPE",
          "SIGALRM",
          "SIGTERM",
          "SIGCONT",
          "SIGSTOP",
          "SIGTSTP",
          "SIGTTIN",
          "SIGTTOU",
          "SIGURG",
          "SIGXCPU",
          "SIGXFSZ",
          "SIGVTALRM",
          "SIGPROF",
          "SIGWINCH",
          "SIGIO",
          "SIGPWR",
          "SIGSYS");

  /** More workers than this on one machine is a typo, not a plan. */
  static final int MAX_INSTANCES = 1024;

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> SCRIPT_EXTENSIONS =
      Set.of("js", "cjs", "mjs", "ts", "py", "sh", "jar", "java", "rb", "php", "pl");

  record Result(List<AppSpec> apps, List<Diagnostic> diagnostics) {}

  private final SourceText source;
  private final Path baseDir;
  private final int cores;
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  private EcosystemReader(SourceText source, int cores) {
    this.source = source;
    this.baseDir = source.file().toAbsolutePath().getParent();
    this.cores = cores;
  }

  static Result read(ConfigNode root, SourceText source, int cores) {
    EcosystemReader reader = new EcosystemReader(source, cores);
    List<AppSpec> apps = reader.apps(root);
    return new Result(apps, List.copyOf(reader.diagnostics));
  }

  private List<AppSpec> apps(ConfigNode root) {
    ArrayNode list;
    switch (root) {
      case ArrayNode array -> list = array;
      case ObjectNode object when object.member("apps").isPresent() -> {
        for (Member m : object.members()) {
          if (m.key().equals("deploy")) {
            warn(
                m.keyLocation(),
                "deploy",
                "'deploy' (PM2's deploy tool) is not something pmfx does; ignored");
          } else if (!m.key().equals("apps") && !m.key().startsWith("x-")) {
            // x-... keys hold YAML anchors for apps to share, as in Compose files
            unknownKey(m, "", "", List.of("apps", "deploy"));
          }
        }
        Member apps = object.member("apps").orElseThrow();
        if (!(apps.value() instanceof ArrayNode array)) {
          if (apps.value() instanceof ObjectNode single) {
            list = new ArrayNode(single.location(), List.of(single), true);
          } else {
            error(
                apps.value().location(),
                "apps",
                "'apps' must be a list of apps; found " + found(apps.value()),
                "");
            return List.of();
          }
        } else {
          list = array;
        }
      }
      case ObjectNode single when single.member("script").isPresent() -> {
        // PM2 also takes a JSON file that is one app.
        list = new ArrayNode(single.location(), List.of(single), true);
      }
      case ObjectNode empty when empty.members().isEmpty() -> {
        error(
            root.location(),
            "",
            "the config is empty: it has no apps",
            "a config is {apps: [{name: 'api', script: 'server.js'}]}");
        return List.of();
      }
      default -> {
        String hint =
            root instanceof ObjectNode object && !object.members().isEmpty()
                ? DidYouMean.closest(object.members().getFirst().key(), List.of("apps"))
                    .map(
                        k ->
                            "did you mean 'apps' instead of '"
                                + object.members().getFirst().key()
                                + "'?")
                    .orElse(
                        "a config is {apps: [{name: 'api', script: 'server.js'}]} or a list of such apps")
                : "a config is {apps: [{name: 'api', script: 'server.js'}]} or a list of such apps";
        error(
            root.location(),
            "",
            "no apps: the config must have an 'apps' list; found " + found(root),
            hint);
        return List.of();
      }
    }
    if (list.items().isEmpty()) {
      error(
          list.location(),
          "apps",
          "the 'apps' list is empty: there is nothing to run",
          "add an app: {name: 'api', script: 'server.js'}");
      return List.of();
    }
    List<AppSpec> apps = new ArrayList<>();
    Map<String, AppSpec> byName = new HashMap<>();
    for (int i = 0; i < list.items().size(); i++) {
      ConfigNode item = list.items().get(i);
      if (!(item instanceof ObjectNode object)) {
        error(
            item.location(),
            "apps[" + i + "]",
            "each app must be an object with at least a 'script'; found " + found(item),
            "");
        continue;
      }
      Optional<AppSpec> app = new AppReader(object, i).read();
      if (app.isEmpty()) {
        continue;
      }
      AppSpec other = byName.putIfAbsent(app.get().name(), app.get());
      if (other != null) {
        Location at =
            object
                .member("name")
                .map(Member::value)
                .map(ConfigNode::location)
                .orElse(object.location());
        error(
            at,
            "apps[" + i + "].name",
            "two apps are named '"
                + app.get().name()
                + "' (the other one is on line "
                + other.location().line()
                + ")",
            "names must be unique: commands such as 'pmfx reload "
                + app.get().name()
                + "' pick apps by name");
        continue;
      }
      apps.add(app.get());
    }
    return apps;
  }

  // ---------------------------------------------------------------- one app

  private final class AppReader {
    private final ObjectNode object;
    private final String path;
    private String label;

    private String name;
    private String script;
    private List<String> args = List.of();
    private Optional<String> interpreter = Optional.empty();
    private List<String> interpreterArgs = List.of();
    private Path cwd = baseDir;
    private String instancesSetting = "";
    private int instances = 1;
    private Optional<ExecMode> execMode = Optional.empty();
    private Map<String, String> env = Map.of();
    private final Map<String, Map<String, String>> envByName = new LinkedHashMap<>();
    private boolean waitReady;
    private Duration listenTimeout = AppSpec.DEFAULT_LISTEN_TIMEOUT;
    private Duration killTimeout = AppSpec.DEFAULT_KILL_TIMEOUT;
    private Duration drainTimeout = AppSpec.DEFAULT_DRAIN_TIMEOUT;
    private Duration queueTimeout = AppSpec.DEFAULT_QUEUE_TIMEOUT;
    private String killSignal = AppSpec.DEFAULT_KILL_SIGNAL;
    private boolean shutdownWithMessage;
    private boolean autorestart = true;
    private boolean autostart = true;
    private int maxRestarts = AppSpec.DEFAULT_MAX_RESTARTS;
    private Duration minUptime = AppSpec.DEFAULT_MIN_UPTIME;
    private Duration restartDelay = Duration.ZERO;
    private Duration expBackoffRestartDelay = Duration.ZERO;
    private Optional<ByteSize> maxMemoryRestart = Optional.empty();
    private List<Integer> stopExitCodes = List.of();
    private List<String> watch = List.of();
    private List<String> ignoreWatch = List.of();
    private Duration watchDelay = AppSpec.DEFAULT_WATCH_DELAY;
    private Optional<String> cronRestart = Optional.empty();
    private Optional<String> outFile = Optional.empty();
    private Optional<String> errorFile = Optional.empty();
    private Optional<String> logFile = Optional.empty();
    private boolean mergeLogs;
    private Optional<String> logDateFormat = Optional.empty();
    private boolean time;
    private String namespace = AppSpec.DEFAULT_NAMESPACE;
    private String instanceVar = AppSpec.DEFAULT_INSTANCE_VAR;
    private Optional<String> incrementVar = Optional.empty();
    private boolean treekill = true;
    private String balancer = "";
    private String balancerStrategy = "round-robin";
    private int errorsBefore;

    AppReader(ObjectNode object, int index) {
      this.object = object;
      this.path = "apps[" + index + "]";
      this.label = "app #" + (index + 1);
    }

    Optional<AppSpec> read() {
      errorsBefore = errorCount();
      // The name first, so every later message can say which app it is about.
      object.member("name").ifPresent(this::apply);
      object.member("script").ifPresent(this::apply);
      object.member("cwd").ifPresent(this::apply);
      if (name == null && script != null) {
        label = "app '" + defaultName(script) + "'";
      }
      for (Member m : object.members()) {
        if (!Set.of("name", "script", "cwd").contains(m.key())) {
          apply(m);
        }
      }
      if (script == null && object.member("script").isEmpty()) {
        error(
            object.location(),
            path + ".script",
            label + " has no 'script': pmfx needs to know what to run",
            "add the file or command to run, e.g. script: 'server.js'");
      }
      if (name == null && script != null) {
        name = defaultName(script);
      }
      if (errorCount() > errorsBefore) {
        return Optional.empty();
      }
      if (execMode.isEmpty()) {
        // PM2: an app that says how many instances it wants runs them in cluster mode.
        execMode = Optional.of(instancesSetting.isEmpty() ? ExecMode.FORK : ExecMode.CLUSTER);
      }
      if (time && logDateFormat.isEmpty()) {
        logDateFormat = Optional.of("YYYY-MM-DDTHH:mm:ss");
      }
      checkScriptExists();
      AppSpec spec =
          new AppSpec(
              name,
              script,
              args,
              interpreter,
              interpreterArgs,
              cwd,
              instancesSetting,
              instances,
              execMode.get(),
              env,
              envByName,
              waitReady,
              listenTimeout,
              killTimeout,
              killSignal,
              shutdownWithMessage,
              autorestart,
              autostart,
              maxRestarts,
              minUptime,
              restartDelay,
              expBackoffRestartDelay,
              maxMemoryRestart,
              stopExitCodes,
              watch,
              ignoreWatch,
              watchDelay,
              cronRestart,
              outFile.map(cwd::resolve),
              errorFile.map(cwd::resolve),
              logFile.map(cwd::resolve),
              mergeLogs,
              logDateFormat,
              namespace,
              instanceVar,
              incrementVar,
              treekill,
              balancer,
              balancerStrategy,
              drainTimeout,
              queueTimeout,
              object.location());
      checkClusterPort(spec);
      return Optional.of(spec);
    }

    private void apply(Member m) {
      String key = ALIASES.getOrDefault(m.key(), m.key());
      switch (key) {
        case "name" -> text(m).ifPresent(this::setName);
        case "script" -> nonEmptyText(m).ifPresent(s -> script = s);
        case "args" -> words(m).ifPresent(v -> args = v);
        case "interpreter" -> nonEmptyText(m).ifPresent(v -> interpreter = Optional.of(v));
        case "interpreter_args" -> words(m).ifPresent(v -> interpreterArgs = v);
        case "cwd" -> nonEmptyText(m).ifPresent(v -> setCwd(m, v));
        case "instances" -> instances(m);
        case "exec_mode" ->
            text(m)
                .ifPresent(v -> execMode = oneOf(m, v, ExecMode.parse(v), "'fork' or 'cluster'"));
        case "env" -> env(m).ifPresent(v -> env = v);
        case "wait_ready" -> bool(m).ifPresent(v -> waitReady = v);
        case "listen_timeout" -> duration(m).ifPresent(v -> listenTimeout = v);
        case "kill_timeout" -> duration(m).ifPresent(v -> killTimeout = v);
        case "drain_timeout" -> duration(m).ifPresent(v -> drainTimeout = v);
        case "queue_timeout" -> duration(m).ifPresent(v -> queueTimeout = v);
        case "kill_signal" -> text(m).ifPresent(v -> signal(m, v));
        case "shutdown_with_message" -> bool(m).ifPresent(v -> shutdownWithMessage = v);
        case "autorestart" -> bool(m).ifPresent(v -> autorestart = v);
        case "autostart" -> bool(m).ifPresent(v -> autostart = v);
        case "max_restarts" -> whole(m, 0).ifPresent(v -> maxRestarts = v);
        case "min_uptime" -> duration(m).ifPresent(v -> minUptime = v);
        case "restart_delay" -> duration(m).ifPresent(v -> restartDelay = v);
        case "exp_backoff_restart_delay" -> duration(m).ifPresent(v -> expBackoffRestartDelay = v);
        case "max_memory_restart" -> size(m).ifPresent(v -> maxMemoryRestart = Optional.of(v));
        case "stop_exit_codes" -> exitCodes(m).ifPresent(v -> stopExitCodes = v);
        case "watch" -> watch(m);
        case "ignore_watch" -> textList(m).ifPresent(v -> ignoreWatch = v);
        case "watch_delay" -> duration(m).ifPresent(v -> watchDelay = v);
        case "cron_restart" -> cron(m);
        case "out_file" -> logPath(m).ifPresent(v -> outFile = Optional.of(v));
        case "error_file" -> logPath(m).ifPresent(v -> errorFile = Optional.of(v));
        case "log_file" -> logPath(m).ifPresent(v -> logFile = Optional.of(v));
        case "merge_logs" -> bool(m).ifPresent(v -> mergeLogs = v);
        case "log_date_format" -> nonEmptyText(m).ifPresent(v -> logDateFormat = Optional.of(v));
        case "time" -> bool(m).ifPresent(v -> time = v);
        case "namespace" -> nonEmptyText(m).ifPresent(v -> namespace = v);
        case "instance_var" -> envName(m).ifPresent(v -> instanceVar = v);
        case "increment_var" -> envName(m).ifPresent(v -> incrementVar = Optional.of(v));
        case "treekill" -> bool(m).ifPresent(v -> treekill = v);
        case "balancer" ->
            text(m)
                .flatMap(
                    v ->
                        oneOf(
                            m,
                            v,
                            Optional.of(v).filter(Set.of("http", "tcp", "handoff")::contains),
                            "'handoff' (connections passed to Node workers, their default),"
                                + " 'http' (requests, the default for other programs) or 'tcp'"
                                + " (connections)"))
                .ifPresent(v -> balancer = v);
        case "balancer_strategy" ->
            text(m)
                .flatMap(
                    v ->
                        oneOf(
                            m,
                            v,
                            Optional.of(v)
                                .filter(
                                    Set.of("round-robin", "least-connections", "sticky")::contains),
                            "'round-robin' (the default), 'least-connections' or 'sticky'"))
                .ifPresent(v -> balancerStrategy = v);
        default -> other(m);
      }
    }

    private void other(Member m) {
      String key = m.key();
      if (key.startsWith("env_") && key.length() > 4) {
        env(m).ifPresent(v -> envByName.put(key.substring(4), v));
      } else if (IGNORED_PM2_KEYS.contains(key)) {
        warn(
            m.keyLocation(),
            path + "." + key,
            label + ": '" + key + "' is a PM2 option that pmfx does not use; ignored");
      } else {
        List<String> known = new ArrayList<>(APP_KEYS);
        known.addAll(ALIASES.keySet());
        unknownKey(m, path + ".", label + ": ", known);
      }
    }

    private void setName(String value) {
      if (value.isBlank()) {
        error(
            object.member("name").orElseThrow().value().location(),
            path + ".name",
            label + ": 'name' is empty",
            "");
        return;
      }
      Location at = object.member("name").orElseThrow().value().location();
      if (value.equals("all")) {
        error(
            at,
            path + ".name",
            "an app cannot be named 'all': 'all' targets every app in commands",
            "");
        return;
      }
      if (value.chars().allMatch(Character::isDigit)) {
        warn(
            at,
            path + ".name",
            "app name '" + value + "' is a number, which commands would read as a worker id",
            "");
      }
      name = value;
      label = "app '" + value + "'";
    }

    private void setCwd(Member m, String value) {
      Path resolved;
      try {
        resolved = baseDir.resolve(expandHome(value)).normalize();
      } catch (InvalidPathException e) {
        error(
            m.value().location(),
            path + ".cwd",
            label + ": cwd '" + value + "' is not a valid path",
            "");
        return;
      }
      if (!Files.isDirectory(resolved)) {
        error(
            m.value().location(),
            path + ".cwd",
            label
                + ": cwd '"
                + value
                + "' "
                + (Files.exists(resolved) ? "is not a directory" : "does not exist"),
            "resolved to " + resolved + " (relative paths start at the config file's folder)");
        return;
      }
      cwd = resolved;
    }

    private void instances(Member m) {
      ConfigNode v = m.value();
      String setting = null;
      if (v instanceof NumberNode n && n.whole()) {
        setting = n.value().toBigInteger().toString();
      } else if (v instanceof TextNode t && t.value().strip().matches("max|-?\\d+")) {
        setting = t.value().strip();
      }
      if (setting == null) {
        mustBe(m, "a whole number, 'max', 0 (all cores) or -N (all cores but N)");
        return;
      }
      if (resolveInstances(setting, cores) > MAX_INSTANCES) {
        mustBe(m, "a whole number up to " + MAX_INSTANCES);
        return;
      }
      instancesSetting = setting;
      instances = resolveInstances(setting, cores);
    }

    private void signal(Member m, String value) {
      String upper = value.strip().toUpperCase(Locale.ROOT);
      if (!upper.startsWith("SIG")) {
        upper = "SIG" + upper;
      }
      if (SIGNALS.contains(upper) && !upper.equals("SIGKILL") && !upper.equals("SIGSTOP")) {
        killSignal = upper;
        return;
      }
      String hint =
          upper.equals("SIGKILL") || upper.equals("SIGSTOP")
              ? upper + " cannot be handled; pmfx sends SIGKILL itself when kill_timeout runs out"
              : DidYouMean.closest(upper, SIGNALS).map(s -> "did you mean '" + s + "'?").orElse("");
      error(
          m.value().location(),
          path + ".kill_signal",
          label
              + ": kill_signal must be a signal a program can handle, such as 'SIGINT' or 'SIGTERM'; found "
              + found(m.value()),
          hint);
    }

    private void watch(Member m) {
      switch (m.value()) {
        case BoolNode b -> watch = b.value() ? List.of(".") : List.of();
        case TextNode t -> watch = t.value().isBlank() ? List.of() : List.of(t.value());
        case ArrayNode a -> textList(m).ifPresent(v -> watch = v);
        default -> mustBe(m, "true, false, a path, or a list of paths");
      }
    }

    private void cron(Member m) {
      ConfigNode v = m.value();
      if ((v instanceof NumberNode n && n.value().signum() == 0)
          || (v instanceof TextNode t && t.value().strip().equals("0"))) {
        return; // PM2: 0 turns cron restarts off
      }
      if (!(v instanceof TextNode t)) {
        mustBe(m, "a cron expression such as '0 3 * * *'");
        return;
      }
      String expression = t.value().strip();
      Optional<String> problem = CronSchedule.problem(expression);
      if (problem.isPresent()) {
        error(
            v.location(),
            path + ".cron_restart",
            label
                + ": cron_restart '"
                + expression
                + "' is not a cron expression: "
                + problem.get(),
            "five fields (minute hour day month weekday), or six with seconds first;"
                + " e.g. '0 3 * * *' is 03:00 every day");
        return;
      }
      cronRestart = Optional.of(expression);
    }

    /**
     * Cluster mode balances on the app's public port. A Node app's own listen() call says it; any
     * other program has to name it in env.PORT, or pmfx has nothing to listen on.
     */
    private void checkClusterPort(AppSpec spec) {
      if (spec.execMode() == ExecMode.CLUSTER
          && spec.balancer().equals("handoff")
          && !spec.runsOnNode()) {
        warn(
            object.member("balancer").map(x -> x.value().location()).orElse(object.location()),
            path + ".balancer",
            label
                + ": balancer 'handoff' passes connections to Node workers over Node's IPC"
                + " channel, and this app does not run on Node: pmfx balances its requests"
                + " instead ('http')",
            "");
      }
      if (spec.execMode() != ExecMode.CLUSTER || spec.runsOnNode()) {
        return;
      }
      boolean named =
          spec.env().containsKey("PORT")
              || spec.envByName().values().stream().anyMatch(e -> e.containsKey("PORT"));
      if (!named) {
        Location at =
            object
                .member("exec_mode")
                .or(() -> object.member("instances"))
                .map(x -> x.value().location())
                .orElse(object.location());
        warn(
            at,
            path + ".env",
            label
                + ": cluster mode needs the port to balance, and only a Node app's listen() call"
                + " tells it: set env.PORT (each worker then gets a private PORT of its own)",
            "");
      }
    }

    private void checkScriptExists() {
      boolean looksLikeFile =
          script.contains("/")
              || script.contains("\\")
              || SCRIPT_EXTENSIONS.contains(extension(script).toLowerCase(Locale.ROOT));
      if (!looksLikeFile) {
        return; // a command on PATH, such as 'npm'
      }
      try {
        Path file = cwd.resolve(expandHome(script));
        if (!Files.exists(file)) {
          Location at =
              object.member("script").map(x -> x.value().location()).orElse(object.location());
          warn(
              at,
              path + ".script",
              label + ": script '" + script + "' does not exist yet in " + cwd,
              "");
        }
      } catch (InvalidPathException e) {
        // not a path after all; the launch will say what is wrong
      }
    }

    // ------------------------------------------------------------ typed values

    private Optional<String> text(Member m) {
      if (m.value() instanceof TextNode t) {
        return Optional.of(t.value());
      }
      mustBe(m, "a string");
      return Optional.empty();
    }

    private Optional<String> nonEmptyText(Member m) {
      Optional<String> value = text(m);
      if (value.isPresent() && value.get().isBlank()) {
        error(
            m.value().location(), path + "." + m.key(), label + ": '" + m.key() + "' is empty", "");
        return Optional.empty();
      }
      return value;
    }

    private Optional<Boolean> bool(Member m) {
      if (m.value() instanceof BoolNode b) {
        return Optional.of(b.value());
      }
      mustBe(m, "true or false");
      return Optional.empty();
    }

    private Optional<Integer> whole(Member m, int min) {
      if (m.value() instanceof NumberNode n
          && n.whole()
          && n.value().compareTo(BigDecimal.valueOf(min)) >= 0
          && n.value().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
        return Optional.of(n.value().intValue());
      }
      mustBe(m, "a whole number of at least " + min);
      return Optional.empty();
    }

    private Optional<Duration> duration(Member m) {
      Optional<Duration> value =
          switch (m.value()) {
            case NumberNode n -> DurationText.millis(n.value());
            case TextNode t -> DurationText.parse(t.value());
            default -> Optional.empty();
          };
      if (value.isEmpty()) {
        mustBe(
            m,
            "a duration up to 30 days: milliseconds (1600) or a number with ms, s, m, h or d"
                + " ('1.6s')");
      }
      return value;
    }

    private Optional<ByteSize> size(Member m) {
      Optional<ByteSize> value =
          switch (m.value()) {
            case NumberNode n when n.whole() -> ByteSize.ofBytes(n.value());
            case TextNode t -> ByteSize.parse(t.value());
            default -> Optional.empty();
          };
      if (value.isEmpty()) {
        mustBe(m, "a size: a whole number of bytes, or a number with K, M or G ('500M', '1G')");
      }
      return value;
    }

    private Optional<List<Integer>> exitCodes(Member m) {
      List<ConfigNode> items = m.value() instanceof ArrayNode a ? a.items() : List.of(m.value());
      List<Integer> codes = new ArrayList<>();
      for (ConfigNode item : items) {
        if (item instanceof NumberNode n
            && n.whole()
            && n.value().signum() >= 0
            && n.value().compareTo(BigDecimal.valueOf(255)) <= 0) {
          codes.add(n.value().intValue());
        } else {
          error(
              item.location(),
              path + ".stop_exit_codes",
              label + ": stop_exit_codes must be exit codes from 0 to 255; found " + found(item),
              "");
          return Optional.empty();
        }
      }
      return Optional.of(codes);
    }

    /** A list of strings, or one string that stands for a list of one. */
    private Optional<List<String>> textList(Member m) {
      if (m.value() instanceof TextNode t) {
        return Optional.of(List.of(t.value()));
      }
      if (m.value() instanceof ArrayNode a
          && a.items().stream().allMatch(TextNode.class::isInstance)) {
        return Optional.of(a.items().stream().map(i -> ((TextNode) i).value()).toList());
      }
      mustBe(m, "a string or a list of strings");
      return Optional.empty();
    }

    /** Arguments: a list, or one string split at spaces as a shell would (quotes kept together). */
    private Optional<List<String>> words(Member m) {
      switch (m.value()) {
        case TextNode t -> {
          return Optional.of(splitWords(t.value()));
        }
        case ArrayNode a -> {
          List<String> out = new ArrayList<>();
          for (ConfigNode item : a.items()) {
            switch (item) {
              case TextNode t -> out.add(t.value());
              case NumberNode n -> out.add(n.value().stripTrailingZeros().toPlainString());
              case BoolNode b -> out.add(String.valueOf(b.value()));
              default -> {
                mustBe(m, "a string or a list of strings");
                return Optional.empty();
              }
            }
          }
          return Optional.of(out);
        }
        default -> {
          mustBe(m, "a string or a list of strings");
          return Optional.empty();
        }
      }
    }

    private Optional<Map<String, String>> env(Member m) {
      if (!(m.value() instanceof ObjectNode vars)) {
        mustBe(m, "an object of variables, such as {NODE_ENV: 'production', PORT: 3000}");
        return Optional.empty();
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (Member var : vars.members()) {
        String value =
            switch (var.value()) {
              case TextNode t -> t.value();
              case NumberNode n -> n.value().stripTrailingZeros().toPlainString();
              case BoolNode b -> String.valueOf(b.value());
              default -> null;
            };
        if (value == null) {
          error(
              var.value().location(),
              path + "." + m.key() + "." + var.key(),
              label
                  + ": "
                  + m.key()
                  + "."
                  + var.key()
                  + " must be a string, number or boolean; found "
                  + found(var.value()),
              "");
          continue;
        }
        out.put(var.key(), value);
      }
      return Optional.of(out);
    }

    private Optional<String> envName(Member m) {
      Optional<String> value = text(m);
      if (value.isPresent() && !ENV_NAME.matcher(value.get()).matches()) {
        mustBe(m, "an environment variable name (letters, digits and _)");
        return Optional.empty();
      }
      return value;
    }

    private Optional<String> logPath(Member m) {
      if (m.value() instanceof BoolNode b && !b.value()) {
        return Optional.of("/dev/null"); // PM2: false discards the stream
      }
      return nonEmptyText(m).map(EcosystemReader::expandHome);
    }

    private <T> Optional<T> oneOf(Member m, String value, Optional<T> parsed, String allowed) {
      if (parsed.isEmpty()) {
        error(
            m.value().location(),
            path + "." + m.key(),
            label + ": " + m.key() + " must be " + allowed + "; found " + found(m.value()),
            "");
      }
      return parsed;
    }

    private void mustBe(Member m, String allowed) {
      error(
          m.value().location(),
          path + "." + m.key(),
          label + ": " + m.key() + " must be " + allowed + "; found " + found(m.value()),
          "");
    }
  }

  // ---------------------------------------------------------------- shared

  /** PM2's rule: 'max' or 0 is every core, -N is all cores but N, never fewer than one. */
  static int resolveInstances(String setting, int cores) {
    if (setting.equals("max")) {
      return cores;
    }
    long n;
    try {
      n = Long.parseLong(setting);
    } catch (NumberFormatException tooLarge) {
      return setting.startsWith("-") ? 1 : Integer.MAX_VALUE;
    }
    if (n == 0) {
      return cores;
    }
    if (n < 0) {
      return (int) Math.max(1, cores + n);
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  static List<String> splitWords(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  private static String defaultName(String script) {
    String file = script.replace('\\', '/');
    file = file.substring(file.lastIndexOf('/') + 1);
    String ext = extension(file);
    return ext.isEmpty() ? file : file.substring(0, file.length() - ext.length() - 1);
  }

  private static String extension(String file) {
    int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
    int dot = file.lastIndexOf('.');
    return dot > slash + 1 ? file.substring(dot + 1) : "";
  }

  private static String expandHome(String path) {
    return path.equals("~") || path.startsWith("~/")
        ? System.getProperty("user.home") + path.substring(1)
        : path;
  }

  static String found(ConfigNode value) {
    return switch (value) {
      case TextNode t -> '"' + t.value() + '"';
      case NumberNode n -> n.value().toPlainString();
      case BoolNode b -> String.valueOf(b.value());
      case NullNode x -> "null";
      case ObjectNode o -> "an object";
      case ArrayNode a -> "a list";
      case ComputedNode c -> c.source();
    };
  }

  private void unknownKey(Member m, String pathPrefix, String messagePrefix, List<String> known) {
    Optional<String> suggestion = DidYouMean.closest(m.key(), known);
    warn(
        m.keyLocation(),
        pathPrefix + m.key(),
        messagePrefix
            + "unknown key '"
            + m.key()
            + "'"
            + suggestion.map(s -> ": did you mean '" + s + "'?").orElse(""),
        suggestion.isPresent() ? "" : "pmfx ignores it; see docs/config.md for the keys it knows");
  }

  private int errorCount() {
    return (int) diagnostics.stream().filter(Diagnostic::isError).count();
  }

  private void error(Location at, String key, String message, String hint) {
    diagnostics.add(source.error(at, key, message, hint));
  }

  private void warn(Location at, String key, String message) {
    warn(at, key, message, "");
  }

  private void warn(Location at, String key, String message, String hint) {
    diagnostics.add(source.warning(at, key, message, hint));
  }
}
