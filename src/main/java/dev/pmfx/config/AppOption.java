package dev.pmfx.config;

import dev.pmfx.config.ConfigNode.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The app options pmfx acts on, one row each: the key as PM2 names it, PM2's other spellings of it,
 * how its value is read, its default, and how the Config tab shows it. {@link #all} lists them in
 * the order the Config tab shows them.
 *
 * @param <T> the value as read from the file, before {@link AppSpec} resolves it
 */
public final class AppOption<T> {

  /** Reads one option's value, or reports why the value is not allowed and returns empty. */
  @FunctionalInterface
  interface Reader<T> {
    Optional<T> read(OptionValues values, Member member);
  }

  public static final AppOption<String> NAME =
      new AppOption<>("name", List.of(), OptionValues::name, null, AppSpec::name);
  public static final AppOption<String> SCRIPT =
      new AppOption<>(
          "script", List.of("exec", "command"), OptionValues::nonEmptyText, null, AppSpec::script);
  public static final AppOption<List<String>> ARGS =
      new AppOption<>(
          "args", List.of(), OptionValues::words, List.of(), s -> String.join(" ", s.args()));
  public static final AppOption<String> INTERPRETER =
      new AppOption<>(
          "interpreter",
          List.of("exec_interpreter"),
          OptionValues::nonEmptyText,
          null,
          s -> s.interpreter().orElse("(from the extension)"));
  public static final AppOption<List<String>> INTERPRETER_ARGS =
      new AppOption<>(
          "interpreter_args",
          List.of("node_args", "interpreterArgs"),
          OptionValues::words,
          List.of(),
          s -> String.join(" ", s.interpreterArgs()));

  /** No default: the config file's folder. */
  public static final AppOption<Path> CWD =
      new AppOption<>("cwd", List.of(), OptionValues::cwd, null, s -> s.cwd().toString());

  /** No default: cluster when the app sets {@code instances}, else fork, as in PM2. */
  public static final AppOption<ExecMode> EXEC_MODE =
      new AppOption<>(
          "exec_mode",
          List.of(),
          (v, m) -> v.text(m).flatMap(s -> v.oneOf(m, ExecMode.parse(s), "'fork' or 'cluster'")),
          null,
          s -> s.execMode().label());

  /** The setting as written; empty, the default, is one instance. */
  public static final AppOption<String> INSTANCES =
      new AppOption<>(
          "instances",
          List.of(),
          OptionValues::instances,
          "",
          s ->
              s.instances()
                  + (s.instancesSetting().isEmpty() ? "" : " (" + s.instancesSetting() + ")"));

  public static final AppOption<String> NAMESPACE =
      new AppOption<>(
          "namespace",
          List.of(),
          OptionValues::nonEmptyText,
          AppSpec.DEFAULT_NAMESPACE,
          AppSpec::namespace);

  /** No default: {@link AppSpec#balancerMode} picks one for the app. */
  public static final AppOption<BalancerMode> BALANCER =
      new AppOption<>(
          "balancer",
          List.of(),
          (v, m) ->
              v.choice(
                      m,
                      Set.of("http", "tcp", "handoff"),
                      "'handoff' (connections passed to Node workers, their default),"
                          + " 'http' (requests, the default for other programs) or 'tcp'"
                          + " (connections)")
                  .map(BalancerMode::of),
          null,
          clusterOnly(s -> s.balancerMode() + " (" + s.balancerReason() + ")"));

  public static final AppOption<BalancerStrategy> BALANCER_STRATEGY =
      new AppOption<>(
          "balancer_strategy",
          List.of(),
          (v, m) ->
              v.choice(
                      m,
                      Set.of("round-robin", "least-connections", "sticky"),
                      "'round-robin' (the default), 'least-connections' or 'sticky'")
                  .map(BalancerStrategy::of),
          BalancerStrategy.ROUND_ROBIN,
          clusterOnly(s -> s.balancerStrategy().word()));

  public static final AppOption<Duration> DRAIN_TIMEOUT =
      duration(
          "drain_timeout",
          AppSpec.DEFAULT_DRAIN_TIMEOUT,
          clusterOnly(millis(AppSpec::drainTimeout)));
  public static final AppOption<Duration> QUEUE_TIMEOUT =
      duration(
          "queue_timeout",
          AppSpec.DEFAULT_QUEUE_TIMEOUT,
          clusterOnly(millis(AppSpec::queueTimeout)));

  /** The Config tab lists the variables one by one instead. */
  public static final AppOption<Map<String, String>> ENV =
      new AppOption<>("env", List.of(), OptionValues::env, Map.of(), null);

  /** {@code "true"}, {@code "false"} or {@code "health"}; AppSpec keeps what it means. */
  public static final AppOption<String> WAIT_READY =
      new AppOption<>(
          "wait_ready",
          List.of(),
          OptionValues::waitReady,
          "false",
          s ->
              s.healthCheck().filter(HealthCheck::readiness).isPresent()
                  ? "health (online once its health_check passes)"
                  : String.valueOf(s.waitReady()));

  public static final AppOption<HealthCheck> HEALTH_CHECK =
      new AppOption<>(
          "health_check",
          List.of("healthcheck"),
          OptionValues::healthCheck,
          null,
          s -> s.healthCheck().map(HealthCheck::words).orElse("none"));
  public static final AppOption<Duration> LISTEN_TIMEOUT =
      duration("listen_timeout", AppSpec.DEFAULT_LISTEN_TIMEOUT, millis(AppSpec::listenTimeout));
  public static final AppOption<KillSignal> KILL_SIGNAL =
      new AppOption<>(
          "kill_signal",
          List.of(),
          OptionValues::signal,
          AppSpec.DEFAULT_KILL_SIGNAL,
          s -> s.killSignal().name());
  public static final AppOption<Duration> KILL_TIMEOUT =
      duration("kill_timeout", AppSpec.DEFAULT_KILL_TIMEOUT, millis(AppSpec::killTimeout));
  public static final AppOption<Boolean> SHUTDOWN_WITH_MESSAGE =
      bool("shutdown_with_message", false, AppSpec::shutdownWithMessage);
  public static final AppOption<Boolean> AUTORESTART =
      bool("autorestart", true, AppSpec::autorestart);
  public static final AppOption<Boolean> AUTOSTART = bool("autostart", true, null);
  public static final AppOption<Integer> MAX_RESTARTS =
      new AppOption<>(
          "max_restarts",
          List.of(),
          (v, m) -> v.whole(m, 0),
          AppSpec.DEFAULT_MAX_RESTARTS,
          s -> String.valueOf(s.maxRestarts()));
  public static final AppOption<Duration> MIN_UPTIME =
      duration("min_uptime", AppSpec.DEFAULT_MIN_UPTIME, millis(AppSpec::minUptime));
  public static final AppOption<Duration> RESTART_DELAY =
      duration("restart_delay", Duration.ZERO, millis(AppSpec::restartDelay));

  /** Zero, the default, is no backoff. */
  public static final AppOption<Duration> EXP_BACKOFF_RESTART_DELAY =
      duration("exp_backoff_restart_delay", Duration.ZERO, millis(AppSpec::expBackoffRestartDelay));

  public static final AppOption<ByteSize> MAX_MEMORY_RESTART =
      new AppOption<>(
          "max_memory_restart",
          List.of(),
          OptionValues::size,
          null,
          s -> s.maxMemoryRestart().map(Object::toString).orElse("none"));
  public static final AppOption<List<Integer>> STOP_EXIT_CODES =
      new AppOption<>(
          "stop_exit_codes",
          List.of(),
          OptionValues::exitCodes,
          List.of(),
          s -> String.valueOf(s.stopExitCodes()));
  public static final AppOption<List<String>> WATCH =
      new AppOption<>(
          "watch",
          List.of(),
          OptionValues::watch,
          List.of(),
          s -> s.watch().isEmpty() ? "off" : String.join(", ", s.watch()));
  public static final AppOption<List<String>> IGNORE_WATCH =
      new AppOption<>("ignore_watch", List.of(), OptionValues::textList, List.of(), null);
  public static final AppOption<Duration> WATCH_DELAY =
      duration("watch_delay", AppSpec.DEFAULT_WATCH_DELAY, null);
  public static final AppOption<String> CRON_RESTART =
      new AppOption<>(
          "cron_restart",
          List.of("cron"),
          OptionValues::cron,
          null,
          s -> s.cronRestart().orElse("none"));

  /** PM2's shortcut for {@code env.PORT}; it sets that variable, over what {@code env} says. */
  public static final AppOption<Integer> PORT =
      new AppOption<>(
          "port",
          List.of(),
          OptionValues::port,
          null,
          s -> s.env().getOrDefault("PORT", "(not set)"));

  /** Relative to the app's cwd; false is /dev/null. No default: the engine names the file. */
  public static final AppOption<String> OUT_FILE =
      logFile("out_file", List.of("output", "out", "out_log"));

  public static final AppOption<String> ERROR_FILE =
      logFile("error_file", List.of("error", "err", "err_file", "err_log"));

  /** A path, or true for {@code NAME.log} in pmfx's logs folder. */
  public static final AppOption<String> LOG_FILE =
      new AppOption<>("log_file", List.of("log"), LogOptionReaders::combined, null, null);

  public static final AppOption<Boolean> MERGE_LOGS =
      new AppOption<>(
          "merge_logs",
          List.of("combine_logs"),
          OptionValues::bool,
          false,
          s -> String.valueOf(s.mergeLogs()));

  /** No default, unless {@code time} is true. */
  public static final AppOption<String> LOG_DATE_FORMAT =
      new AppOption<>(
          "log_date_format",
          List.of(),
          OptionValues::nonEmptyText,
          null,
          s -> s.logDateFormat().orElse("none"));

  /** Whether log lines get a time: a {@link #LOG_DATE_FORMAT} when the app names none. */
  public static final AppOption<Boolean> TIME = bool("time", false, null);

  /** The format {@link #TIME} gives log lines. */
  static final String TIME_FORMAT = "YYYY-MM-DDTHH:mm:ss";

  /** How the Config tab shows a log option the app leaves to the global settings. */
  private static final String GLOBAL = "(global) logrotate:";

  /** No default: the global {@code logrotate:max_size}, 10M unless set. */
  public static final AppOption<ByteSize> LOG_MAX_SIZE =
      new AppOption<>(
          "log_max_size",
          List.of(),
          OptionValues::size,
          null,
          s -> s.logs().maxSize().map(Object::toString).orElse(GLOBAL + "max_size"));

  /** No default: the global {@code logrotate:retain}, 5 unless set. */
  public static final AppOption<Integer> LOG_RETAIN =
      new AppOption<>(
          "log_retain",
          List.of(),
          (v, m) -> v.whole(m, 0),
          null,
          s -> s.logs().retain().map(String::valueOf).orElse(GLOBAL + "retain"));

  /** No default: the global {@code logrotate:compress}, false unless set. */
  public static final AppOption<Boolean> LOG_COMPRESS =
      new AppOption<>(
          "log_compress",
          List.of(),
          OptionValues::bool,
          null,
          s -> s.logs().compress().map(String::valueOf).orElse(GLOBAL + "compress"));

  /** No default: the global {@code logrotate:rotateInterval}, none unless set. */
  public static final AppOption<String> LOG_ROTATE_INTERVAL =
      new AppOption<>(
          "log_rotate_interval",
          List.of(),
          OptionValues::cron,
          null,
          s -> s.logs().rotateInterval().orElse(GLOBAL + "rotateInterval"));

  /** 'json' writes each line as PM2's JSON logs; 'text', the default, the line as it came. */
  public static final AppOption<Boolean> LOG_TYPE =
      new AppOption<>(
          "log_type",
          List.of(),
          LogOptionReaders::json,
          false,
          s -> s.logs().json() ? "json" : "text");

  public static final AppOption<Boolean> DISABLE_LOGS =
      bool("disable_logs", false, s -> s.logs().disabled());

  public static final AppOption<String> INSTANCE_VAR =
      new AppOption<>(
          "instance_var", List.of(), OptionValues::envName, AppSpec.DEFAULT_INSTANCE_VAR, null);
  public static final AppOption<String> INCREMENT_VAR =
      new AppOption<>("increment_var", List.of(), OptionValues::envName, null, null);
  public static final AppOption<Boolean> TREEKILL = bool("treekill", true, AppSpec::treekill);

  /**
   * The apps of the same file it waits for, each with its condition; a list means 'online' for
   * each. Names and cycles are checked against the whole file ({@link DependsOnCheck}).
   */
  public static final AppOption<Map<String, Dependency.Condition>> DEPENDS_ON =
      new AppOption<>(
          "depends_on",
          List.of(),
          OptionValues::dependsOn,
          Map.of(),
          s -> Dependency.shown(s.dependsOn()));

  private static final List<AppOption<?>> ALL =
      List.of(
          NAME,
          SCRIPT,
          ARGS,
          INTERPRETER,
          INTERPRETER_ARGS,
          CWD,
          EXEC_MODE,
          INSTANCES,
          NAMESPACE,
          BALANCER,
          BALANCER_STRATEGY,
          DRAIN_TIMEOUT,
          QUEUE_TIMEOUT,
          ENV,
          PORT,
          WAIT_READY,
          HEALTH_CHECK,
          LISTEN_TIMEOUT,
          KILL_SIGNAL,
          KILL_TIMEOUT,
          SHUTDOWN_WITH_MESSAGE,
          AUTORESTART,
          AUTOSTART,
          DEPENDS_ON,
          MAX_RESTARTS,
          MIN_UPTIME,
          RESTART_DELAY,
          EXP_BACKOFF_RESTART_DELAY,
          MAX_MEMORY_RESTART,
          STOP_EXIT_CODES,
          WATCH,
          IGNORE_WATCH,
          WATCH_DELAY,
          CRON_RESTART,
          OUT_FILE,
          ERROR_FILE,
          LOG_FILE,
          MERGE_LOGS,
          LOG_DATE_FORMAT,
          TIME,
          LOG_TYPE,
          DISABLE_LOGS,
          LOG_MAX_SIZE,
          LOG_RETAIN,
          LOG_COMPRESS,
          LOG_ROTATE_INTERVAL,
          INSTANCE_VAR,
          INCREMENT_VAR,
          TREEKILL);

  /** The keys of {@link #all}, in its order. */
  static final List<String> KEYS = ALL.stream().map(AppOption::key).toList();

  /** Every key and alias, keys first: what an unknown key may be a misspelling of. */
  static final List<String> SPELLINGS =
      Stream.concat(KEYS.stream(), ALL.stream().flatMap(o -> o.aliases().stream())).toList();

  private static final Map<String, AppOption<?>> BY_SPELLING = bySpelling();

  private final String key;
  private final List<String> aliases;
  private final Reader<T> reader;
  private final T defaultValue;
  private final Function<AppSpec, String> shown;

  private AppOption(
      String key,
      List<String> aliases,
      Reader<T> reader,
      T defaultValue,
      Function<AppSpec, String> shown) {
    this.key = key;
    this.aliases = aliases;
    this.reader = reader;
    this.defaultValue = defaultValue;
    this.shown = shown;
  }

  /** Every option, in the order the Config tab shows them. */
  public static List<AppOption<?>> all() {
    return ALL;
  }

  /** The option with this key or alias. */
  static Optional<AppOption<?>> named(String spelling) {
    return Optional.ofNullable(BY_SPELLING.get(spelling));
  }

  /** The key as PM2 names it, {@code max_memory_restart}. */
  public String key() {
    return key;
  }

  /** PM2's other spellings of the key, which pmfx reads as the key. */
  public List<String> aliases() {
    return aliases;
  }

  /** The value an app gets when it does not set the option; empty when it depends on the app. */
  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** The app's value as the Config tab shows it; empty when the tab does not show the option. */
  public Optional<String> shown(AppSpec spec) {
    return shown == null ? Optional.empty() : Optional.ofNullable(shown.apply(spec));
  }

  Optional<T> read(OptionValues values, Member member) {
    return reader.read(values, member);
  }

  @Override
  public String toString() {
    return key;
  }

  private static Map<String, AppOption<?>> bySpelling() {
    Map<String, AppOption<?>> map = new LinkedHashMap<>();
    for (AppOption<?> option : ALL) {
      map.put(option.key, option);
      option.aliases.forEach(alias -> map.put(alias, option));
    }
    return Map.copyOf(map);
  }

  private static AppOption<Boolean> bool(
      String key, boolean defaultValue, Function<AppSpec, Boolean> shown) {
    return new AppOption<>(
        key,
        List.of(),
        OptionValues::bool,
        defaultValue,
        shown == null ? null : s -> String.valueOf(shown.apply(s)));
  }

  private static AppOption<Duration> duration(
      String key, Duration defaultValue, Function<AppSpec, String> shown) {
    return new AppOption<>(key, List.of(), OptionValues::duration, defaultValue, shown);
  }

  private static AppOption<String> logFile(String key, List<String> aliases) {
    return new AppOption<>(key, aliases, OptionValues::logPath, null, null);
  }

  private static Function<AppSpec, String> millis(Function<AppSpec, Duration> duration) {
    return s -> duration.apply(s).toMillis() + " ms";
  }

  /** Shown for cluster apps only: the others have no balancer. */
  private static Function<AppSpec, String> clusterOnly(Function<AppSpec, String> shown) {
    return s -> s.execMode() == ExecMode.CLUSTER ? shown.apply(s) : null;
  }
}
