package dev.pmfx.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One app of an ecosystem file, resolved: every option a process manager acts on, with PM2's
 * defaults filled in, sizes and durations parsed, {@code instances} resolved for this machine's
 * cores, and paths made absolute. Immutable.
 *
 * @param instancesSetting {@code instances} as written ({@code "max"}, {@code "-1"}, {@code "4"}),
 *     empty when absent; {@link #instances} is what it means on this machine
 * @param envByName each {@code env_<name>} block, by name: {@code env_production} is under {@code
 *     production}
 * @param expBackoffRestartDelay zero when exponential backoff is off
 * @param balancer {@code balancer} as the file names it, empty when absent; {@link #balancerMode}
 *     is the one a cluster app gets
 * @param watch paths to watch, relative to {@link #cwd}; empty when watching is off
 * @param location where the app's object starts in its file
 * @param logs rotation and the form of its log files, beyond their paths
 * @param healthCheck {@code health_check}: how each worker is asked whether it is well; empty: it
 *     is not asked
 * @param dependsOn {@code depends_on}: the apps of its file it waits for before it starts, each
 *     with what it waits for, in the file's order; empty when it waits for none
 */
public record AppSpec(
    String name,
    String script,
    List<String> args,
    Optional<String> interpreter,
    List<String> interpreterArgs,
    Path cwd,
    String instancesSetting,
    int instances,
    ExecMode execMode,
    Map<String, String> env,
    Map<String, Map<String, String>> envByName,
    boolean waitReady,
    Duration listenTimeout,
    Duration killTimeout,
    KillSignal killSignal,
    boolean shutdownWithMessage,
    boolean autorestart,
    boolean autostart,
    int maxRestarts,
    Duration minUptime,
    Duration restartDelay,
    Duration expBackoffRestartDelay,
    Optional<ByteSize> maxMemoryRestart,
    List<Integer> stopExitCodes,
    List<String> watch,
    List<String> ignoreWatch,
    Duration watchDelay,
    Optional<String> cronRestart,
    Optional<Path> outFile,
    Optional<Path> errorFile,
    Optional<Path> logFile,
    boolean mergeLogs,
    Optional<String> logDateFormat,
    String namespace,
    String instanceVar,
    Optional<String> incrementVar,
    boolean treekill,
    Optional<BalancerMode> balancer,
    BalancerStrategy balancerStrategy,
    Duration drainTimeout,
    Duration queueTimeout,
    Location location,
    LogOptions logs,
    Optional<HealthCheck> healthCheck,
    // depends_on: start order
    Map<String, Dependency.Condition> dependsOn) {

  /**
   * Workers one app may have at most, in its file and by scaling: more on one machine is a typo,
   * not a plan.
   */
  public static final int MAX_INSTANCES = 1024;

  // PM2's defaults, which its users expect.
  public static final Duration DEFAULT_LISTEN_TIMEOUT = Duration.ofMillis(3000);
  public static final Duration DEFAULT_KILL_TIMEOUT = Duration.ofMillis(1600);
  public static final KillSignal DEFAULT_KILL_SIGNAL = KillSignal.SIGINT;
  public static final int DEFAULT_MAX_RESTARTS = 16;
  public static final Duration DEFAULT_MIN_UPTIME = Duration.ofMillis(1000);
  public static final Duration DEFAULT_WATCH_DELAY = Duration.ofMillis(1000);
  public static final String DEFAULT_NAMESPACE = "default";
  public static final String DEFAULT_INSTANCE_VAR = "NODE_APP_INSTANCE";
  // pmfx's own.
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(10);

  public AppSpec {
    args = List.copyOf(args);
    interpreterArgs = List.copyOf(interpreterArgs);
    env = ordered(env);
    Map<String, Map<String, String>> named = new LinkedHashMap<>();
    envByName.forEach((envName, vars) -> named.put(envName, ordered(vars)));
    envByName = Collections.unmodifiableMap(named);
    stopExitCodes = List.copyOf(stopExitCodes);
    watch = List.copyOf(watch);
    ignoreWatch = List.copyOf(ignoreWatch);
    // Specs saved by a pmfx before these options existed
    drainTimeout = drainTimeout == null ? DEFAULT_DRAIN_TIMEOUT : drainTimeout;
    queueTimeout = queueTimeout == null ? DEFAULT_QUEUE_TIMEOUT : queueTimeout;
    balancer = balancer == null ? Optional.empty() : balancer;
    balancerStrategy = balancerStrategy == null ? BalancerStrategy.ROUND_ROBIN : balancerStrategy;
    logs = logs == null ? LogOptions.NONE : logs;
    healthCheck = healthCheck == null ? Optional.empty() : healthCheck;
    // depends_on: start order (none in specs saved before it existed)
    dependsOn =
        dependsOn == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(dependsOn));
  }

  /**
   * Whether it runs on Node.js: its interpreter is node, or it names none and its script is a
   * {@code .js}, {@code .cjs} or {@code .mjs} file, as PM2 picks the interpreter, or TypeScript
   * ({@code .ts}, {@code .mts}, {@code .cts}, {@code .tsx}), which pmfx runs on Node.js. A command
   * line ({@code 'node server.js'}) runs in a shell, which pmfx does not see into.
   */
  public boolean runsOnNode() {
    if (interpreter.isPresent()) {
      return isNode(interpreter.get());
    }
    if (script.strip().chars().anyMatch(Character::isWhitespace)) {
      return false;
    }
    String file = script.toLowerCase(java.util.Locale.ROOT);
    return file.endsWith(".js")
        || file.endsWith(".cjs")
        || file.endsWith(".mjs")
        || Runner.TYPESCRIPT.contains(Runner.extension(file));
  }

  /**
   * The name of an app that names none, as PM2 gives it: the script's file name without its
   * extension ({@code api} for {@code ./dist/api.js}, {@code npm} for {@code npm}); a command line
   * keeps its words ({@code npm run start}), and what follows its last slash.
   */
  public static String defaultName(String script) {
    boolean commandLine = script.strip().chars().anyMatch(Character::isWhitespace);
    String file = commandLine ? script : script.replace('\\', '/');
    file = file.substring(file.lastIndexOf('/') + 1);
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(0, dot) : file;
  }

  /** Whether the interpreter {@code program} (a name or a path) is Node.js. */
  static boolean isNode(String program) {
    Path file = Path.of(program).getFileName();
    String name = file == null ? "" : file.toString();
    return name.equals("node") || name.startsWith("node.") || name.equals("nodejs");
  }

  /**
   * The balancer a cluster app gets: the one it names, else {@code handoff} for a Node app (its
   * workers take their connections from pmfx, which stays out of the request path) and {@code http}
   * for other programs (pmfx routes each request to their private ports).
   */
  public BalancerMode balancerMode() {
    return balancer.orElse(runsOnNode() ? BalancerMode.HANDOFF : BalancerMode.HTTP);
  }

  /** Why the app gets {@link #balancerMode}, as {@code pmfx check} and the Config tab say it. */
  public String balancerReason() {
    if (balancer.isPresent()) {
      return "as the app names it";
    }
    return runsOnNode()
        ? "a Node app: its workers take their connections from pmfx; balancer: 'http' routes"
            + " each request instead"
        : "not a Node app: pmfx routes each request to the workers' private ports";
  }

  /** {@code wait_ready: 'health'}: a worker is online once its health check passes. */
  public boolean readyOnHealth() {
    return healthCheck.filter(HealthCheck::readiness).isPresent();
  }

  /** The same app with {@code count} workers, as {@code scale} leaves it. */
  public AppSpec withInstances(int count) {
    return new AppSpec(
        name,
        script,
        args,
        interpreter,
        interpreterArgs,
        cwd,
        String.valueOf(count),
        count,
        execMode,
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
        outFile,
        errorFile,
        logFile,
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
        location,
        logs,
        healthCheck,
        dependsOn);
  }

  private static Map<String, String> ordered(Map<String, String> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /**
   * The app's own variables for a start with {@code --env envName}: {@code env}, then {@code
   * env_<envName>} over it, as PM2 merges them. The user's environment is the engine's to add.
   */
  public Map<String, String> environment(Optional<String> envName) {
    Map<String, String> merged = new LinkedHashMap<>(env);
    envName.map(envByName::get).ifPresent(merged::putAll);
    return Collections.unmodifiableMap(merged);
  }
}
