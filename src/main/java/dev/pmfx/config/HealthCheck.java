package dev.pmfx.config;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code health_check}: how pmfx asks each worker of an app whether it is well, as
 * process-compose's liveness probes and Docker's {@code HEALTHCHECK} do. A check is an HTTP GET to
 * the worker itself or a command; a worker that fails {@link #failures} checks in a row is
 * restarted (in cluster mode replaced, as a one-worker reload).
 *
 * @param path HTTP: the path a GET asks for, {@code /healthz}; empty for a command
 * @param port HTTP: the port to ask on 127.0.0.1; empty: the worker's own (its private port in
 *     cluster mode, its {@code PORT} in fork mode)
 * @param expect HTTP: the status that passes; empty: any 2xx or 3xx
 * @param exec a shell command run in the app's folder with the worker's environment; it passes when
 *     it exits 0; empty for HTTP
 * @param interval between the end of one check and the start of the next
 * @param timeout how long one check may take before it counts as failed
 * @param failures checks failed in a row that make a worker unhealthy
 * @param startPeriod from its process's start, failures do not count (a pass ends it early)
 * @param readiness {@code wait_ready: 'health'}: a worker is online once a check passes
 */
public record HealthCheck(
    Optional<String> path,
    OptionalInt port,
    OptionalInt expect,
    Optional<String> exec,
    Duration interval,
    Duration timeout,
    int failures,
    Duration startPeriod,
    boolean readiness) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_FAILURES = 3;

  /**
   * While a worker has not passed yet, within its start period or waiting to be ready on a check,
   * it is checked at least this often, so a starter is found well soon after it is.
   */
  public static final Duration STARTING_INTERVAL = Duration.ofSeconds(1);

  /** The same check, serving as readiness or not. */
  public HealthCheck withReadiness(boolean asReadiness) {
    return new HealthCheck(
        path, port, expect, exec, interval, timeout, failures, startPeriod, asReadiness);
  }

  /** What it asks, as events name it: {@code /healthz}, or the command. */
  public String target() {
    return path.or(() -> exec).orElse("");
  }

  /** As the Config tab and {@code pmfx check} show it. */
  public String words() {
    String what =
        path.map(
                p ->
                    "GET "
                        + p
                        + port.stream().mapToObj(n -> " on port " + n).findFirst().orElse("")
                        + expect.stream().mapToObj(n -> ", expecting " + n).findFirst().orElse(""))
            .orElseGet(() -> "run '" + exec.orElse("") + "'");
    return what
        + " every "
        + DurationText.format(interval)
        + ", "
        + DurationText.format(timeout)
        + " timeout, unhealthy after "
        + failures
        + (failures == 1 ? " failure" : " failures in a row")
        + (startPeriod.isZero() ? "" : ", " + DurationText.format(startPeriod) + " to start")
        + (readiness ? "; online once it passes" : "");
  }
}
