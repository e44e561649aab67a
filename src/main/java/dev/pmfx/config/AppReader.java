package dev.pmfx.config;

import static dev.pmfx.config.AppOption.ARGS;
import static dev.pmfx.config.AppOption.AUTORESTART;
import static dev.pmfx.config.AppOption.AUTOSTART;
import static dev.pmfx.config.AppOption.BALANCER;
import static dev.pmfx.config.AppOption.BALANCER_STRATEGY;
import static dev.pmfx.config.AppOption.CRON_RESTART;
import static dev.pmfx.config.AppOption.CWD;
import static dev.pmfx.config.AppOption.DRAIN_TIMEOUT;
import static dev.pmfx.config.AppOption.ENV;
import static dev.pmfx.config.AppOption.ERROR_FILE;
import static dev.pmfx.config.AppOption.EXEC_MODE;
import static dev.pmfx.config.AppOption.EXP_BACKOFF_RESTART_DELAY;
import static dev.pmfx.config.AppOption.HEALTH_CHECK;
import static dev.pmfx.config.AppOption.IGNORE_WATCH;
import static dev.pmfx.config.AppOption.INCREMENT_VAR;
import static dev.pmfx.config.AppOption.INSTANCES;
import static dev.pmfx.config.AppOption.INSTANCE_VAR;
import static dev.pmfx.config.AppOption.INTERPRETER;
import static dev.pmfx.config.AppOption.INTERPRETER_ARGS;
import static dev.pmfx.config.AppOption.KILL_SIGNAL;
import static dev.pmfx.config.AppOption.KILL_TIMEOUT;
import static dev.pmfx.config.AppOption.LISTEN_TIMEOUT;
import static dev.pmfx.config.AppOption.LOG_DATE_FORMAT;
import static dev.pmfx.config.AppOption.LOG_FILE;
import static dev.pmfx.config.AppOption.MAX_MEMORY_RESTART;
import static dev.pmfx.config.AppOption.MAX_RESTARTS;
import static dev.pmfx.config.AppOption.MERGE_LOGS;
import static dev.pmfx.config.AppOption.MIN_UPTIME;
import static dev.pmfx.config.AppOption.NAME;
import static dev.pmfx.config.AppOption.NAMESPACE;
import static dev.pmfx.config.AppOption.OUT_FILE;
import static dev.pmfx.config.AppOption.QUEUE_TIMEOUT;
import static dev.pmfx.config.AppOption.RESTART_DELAY;
import static dev.pmfx.config.AppOption.SCRIPT;
import static dev.pmfx.config.AppOption.SHUTDOWN_WITH_MESSAGE;
import static dev.pmfx.config.AppOption.STOP_EXIT_CODES;
import static dev.pmfx.config.AppOption.TIME;
import static dev.pmfx.config.AppOption.TREEKILL;
import static dev.pmfx.config.AppOption.WAIT_READY;
import static dev.pmfx.config.AppOption.WATCH;
import static dev.pmfx.config.AppOption.WATCH_DELAY;

import dev.pmfx.config.ConfigNode.Member;
import dev.pmfx.config.ConfigNode.ObjectNode;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one app of the {@code apps} list: each member through its {@link AppOption}, then the
 * options that depend on others (the name from the script, the mode from {@code instances}), and
 * the checks that need the whole app.
 */
final class AppReader {

  /** PM2 options that mean nothing to pmfx: accepted, with a warning that they do nothing. */
  static final Set<String> IGNORED_PM2_KEYS =
      Set.of(
          "version",
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
          "node_version",
          "execute_command",
          "v8",
          "event_loop_inspector",
          "io",
          "name_prefix",
          "install_url",
          "write");

  private static final Set<String> SCRIPT_EXTENSIONS =
      Set.of(
          "js", "cjs", "mjs", "ts", "mts", "cts", "tsx", "coffee", "py", "sh", "jar", "java", "rb",
          "php", "pl");

  private final ObjectNode object;
  private final Report report;
  private final String path;
  private final Path baseDir;
  private final int cores;
  private final OptionValues values;
  private final Map<AppOption<?>, Object> given = new HashMap<>();
  private final Map<String, Map<String, String>> envByName = new LinkedHashMap<>();

  AppReader(ObjectNode object, int index, Report report, Path baseDir, int cores) {
    this.object = object;
    this.report = report;
    this.path = "apps[" + index + "]";
    this.baseDir = baseDir;
    this.cores = cores;
    this.values = new OptionValues(report, path, "app #" + (index + 1), baseDir, cores);
  }

  Optional<AppSpec> read() {
    int errorsBefore = report.errorCount();
    // The name first, so every later message can say which app it is about.
    Set<AppOption<?>> first = Set.of(NAME, SCRIPT, CWD);
    member(NAME).ifPresent(this::apply);
    given(NAME).ifPresent(n -> values.label("app '" + n + "'"));
    member(SCRIPT).ifPresent(this::apply);
    member(CWD).ifPresent(this::apply);
    Optional<String> script = given(SCRIPT);
    if (given(NAME).isEmpty() && script.isPresent()) {
      values.label("app '" + AppSpec.defaultName(script.get()) + "'");
    }
    for (Member m : object.members()) {
      if (AppOption.named(m.key()).filter(first::contains).isEmpty()) {
        apply(m);
      }
    }
    if (script.isEmpty() && member(SCRIPT).isEmpty()) {
      report.error(
          object.location(),
          path + ".script",
          values.label() + " has no 'script': pmfx needs to know what to run",
          "add the file or command to run, e.g. script: 'server.js'");
    }
    if (given(WAIT_READY).filter("health"::equals).isPresent() && given(HEALTH_CHECK).isEmpty()) {
      report.error(
          member(WAIT_READY).map(x -> x.value().location()).orElse(object.location()),
          path + ".wait_ready",
          values.label() + ": wait_ready: 'health' waits for a health check, and the app has none",
          member(HEALTH_CHECK).isPresent()
              ? "its health_check above is not valid"
              : "add one, e.g. health_check: { http: '/healthz' }, or use wait_ready: true");
    }
    if (report.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    AppSpec spec = spec(script.orElseThrow());
    checkScriptExists(spec);
    checkClusterPort(spec);
    checkHealthPort(spec);
    return Optional.of(spec);
  }

  private AppSpec spec(String script) {
    String name = given(NAME).orElseGet(() -> AppSpec.defaultName(script));
    Path cwd = given(CWD).orElse(baseDir);
    String instancesSetting = value(INSTANCES);
    // PM2: an app that says how many instances it wants runs them in cluster mode.
    ExecMode execMode =
        given(EXEC_MODE).orElse(instancesSetting.isEmpty() ? ExecMode.FORK : ExecMode.CLUSTER);
    Optional<String> logDateFormat =
        given(LOG_DATE_FORMAT)
            .or(() -> value(TIME) ? Optional.of(AppOption.TIME_FORMAT) : Optional.empty());
    return new AppSpec(
        name,
        script,
        value(ARGS),
        given(INTERPRETER),
        value(INTERPRETER_ARGS),
        cwd,
        instancesSetting,
        instancesSetting.isEmpty() ? 1 : Instances.resolve(instancesSetting, cores),
        execMode,
        withPort(value(ENV)),
        envByName,
        value(WAIT_READY).equals("true"),
        value(LISTEN_TIMEOUT),
        value(KILL_TIMEOUT),
        value(KILL_SIGNAL),
        value(SHUTDOWN_WITH_MESSAGE),
        value(AUTORESTART),
        value(AUTOSTART),
        value(MAX_RESTARTS),
        value(MIN_UPTIME),
        value(RESTART_DELAY),
        value(EXP_BACKOFF_RESTART_DELAY),
        given(MAX_MEMORY_RESTART),
        value(STOP_EXIT_CODES),
        value(WATCH),
        value(IGNORE_WATCH),
        value(WATCH_DELAY),
        given(CRON_RESTART),
        given(OUT_FILE).map(cwd::resolve),
        given(ERROR_FILE).map(cwd::resolve),
        given(LOG_FILE).filter(f -> !f.isEmpty()).map(cwd::resolve),
        value(MERGE_LOGS),
        logDateFormat,
        value(NAMESPACE),
        value(INSTANCE_VAR),
        given(INCREMENT_VAR),
        value(TREEKILL),
        given(BALANCER),
        value(BALANCER_STRATEGY),
        value(DRAIN_TIMEOUT),
        value(QUEUE_TIMEOUT),
        object.location(),
        new LogOptions(
            given(AppOption.LOG_MAX_SIZE),
            given(AppOption.LOG_RETAIN),
            given(AppOption.LOG_COMPRESS),
            given(AppOption.LOG_ROTATE_INTERVAL),
            value(AppOption.LOG_TYPE),
            value(AppOption.DISABLE_LOGS),
            given(LOG_FILE).filter(String::isEmpty).isPresent()),
        given(HEALTH_CHECK).map(c -> c.withReadiness(value(WAIT_READY).equals("health"))),
        value(AppOption.DEPENDS_ON));
  }

  /** {@code env} with {@code port}, when set, as its PORT, as PM2 applies it. */
  private Map<String, String> withPort(Map<String, String> env) {
    Optional<Integer> port = given(AppOption.PORT);
    if (port.isEmpty()) {
      return env;
    }
    String said = env.get("PORT");
    if (said != null && !said.equals(String.valueOf(port.get()))) {
      report.warn(
          object.member("port").map(x -> x.value().location()).orElse(object.location()),
          path + ".port",
          values.label() + ": port " + port.get() + " sets env.PORT, over its " + said,
          "");
    }
    Map<String, String> with = new java.util.LinkedHashMap<>(env);
    with.put("PORT", String.valueOf(port.get()));
    return with;
  }

  /** The member that sets {@code option}, under its key or one of PM2's other spellings. */
  private Optional<Member> member(AppOption<?> option) {
    return object.members().stream()
        .filter(m -> AppOption.named(m.key()).filter(option::equals).isPresent())
        .findFirst();
  }

  private void apply(Member m) {
    Optional<AppOption<?>> option = AppOption.named(m.key());
    if (option.isPresent()) {
      apply(option.get(), m);
      return;
    }
    String key = m.key();
    if (key.startsWith("env_") && key.length() > 4) {
      values.env(m).ifPresent(v -> envByName.put(key.substring(4), v));
    } else if (IGNORED_PM2_KEYS.contains(key)) {
      report.warnOnce(
          key,
          m.keyLocation(),
          path + "." + key,
          "'" + key + "' is a PM2 option that pmfx does not use; ignored wherever it is set");
    } else {
      report.unknownKey(m, path + ".", values.label() + ": ", AppOption.SPELLINGS);
    }
  }

  private <T> void apply(AppOption<T> option, Member m) {
    option.read(values, m).ifPresent(v -> given.put(option, v));
  }

  /** The option's value as the app sets it. */
  @SuppressWarnings("unchecked") // apply(AppOption<T>, Member) puts only a T under an AppOption<T>
  private <T> Optional<T> given(AppOption<T> option) {
    return Optional.ofNullable((T) given.get(option));
  }

  /** The option's value as the app sets it, else its default. */
  private <T> T value(AppOption<T> option) {
    return given(option).or(option::defaultValue).orElseThrow();
  }

  /**
   * Cluster mode balances on the app's public port. A Node app's own listen() call says it; any
   * other program has to name it in env.PORT, or pmfx has nothing to listen on.
   */
  private void checkClusterPort(AppSpec spec) {
    if (spec.execMode() == ExecMode.CLUSTER
        && spec.balancer().equals(Optional.of(BalancerMode.HANDOFF))
        && !spec.runsOnNode()) {
      report.warn(
          object.member("balancer").map(x -> x.value().location()).orElse(object.location()),
          path + ".balancer",
          values.label()
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
      report.warn(
          at,
          path + ".env",
          values.label()
              + ": cluster mode needs the port to balance, and only a Node app's listen() call"
              + " tells it: set env.PORT (each worker then gets a private PORT of its own)",
          "");
    }
  }

  /**
   * An HTTP health check of a fork-mode app asks the worker's PORT: without one in the file, only
   * the shell that starts it can give one, and every check fails without.
   */
  private void checkHealthPort(AppSpec spec) {
    HealthCheck check = spec.healthCheck().orElse(null);
    if (check == null
        || check.path().isEmpty()
        || check.port().isPresent()
        || spec.execMode() == ExecMode.CLUSTER
        || spec.env().containsKey("PORT")
        || spec.envByName().values().stream().anyMatch(e -> e.containsKey("PORT"))) {
      return;
    }
    report.warn(
        member(HEALTH_CHECK).map(x -> x.value().location()).orElse(object.location()),
        path + ".health_check.http",
        values.label()
            + ": health_check.http has no port to ask unless the shell that starts the app sets"
            + " PORT: the app sets no env.PORT (or port), and the check names none",
        "set env.PORT, or health_check: { http: { path: '"
            + check.path().get()
            + "', port: 3000 } }");
  }

  private void checkScriptExists(AppSpec spec) {
    String script = spec.script();
    if (script.strip().chars().anyMatch(Character::isWhitespace)) {
      return; // a command line such as 'npm run start', which a shell runs
    }
    boolean looksLikeFile =
        script.contains("/")
            || script.contains("\\")
            || SCRIPT_EXTENSIONS.contains(extension(script).toLowerCase(Locale.ROOT));
    if (!looksLikeFile) {
      return; // a command on PATH, such as 'npm'
    }
    try {
      Path file = spec.cwd().resolve(OptionValues.expandHome(script));
      if (!Files.exists(file)) {
        Location at = member(SCRIPT).map(x -> x.value().location()).orElse(object.location());
        report.warn(
            at,
            path + ".script",
            values.label() + ": script '" + script + "' does not exist yet in " + spec.cwd(),
            "");
      }
    } catch (InvalidPathException e) {
      // not a path after all; the launch will say what is wrong
    }
  }

  private static String extension(String file) {
    int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
    int dot = file.lastIndexOf('.');
    return dot > slash + 1 ? file.substring(dot + 1) : "";
  }
}
