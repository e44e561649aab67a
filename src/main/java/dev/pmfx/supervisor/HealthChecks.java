package dev.pmfx.supervisor;

import dev.pmfx.config.ExecMode;
import dev.pmfx.config.HealthCheck;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.Health;
import dev.pmfx.engine.WorkerState;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * {@code health_check}: asks each running worker of an app that has one whether it is well, one
 * check at a time per worker, off the loop, and acts on the answers on it. A worker that fails its
 * app's {@code failures} checks in a row while online is fed {@link MachineEvent.Unhealthy}, which
 * its machine turns into a replacement (cluster mode) or a graceful restart (fork mode); a pass
 * while it waits to be ready with {@code wait_ready: 'health'} is {@link MachineEvent.Healthy}.
 * Health is news to listeners ({@link EngineEvent.HealthChecked}) when it changes or a failure is
 * counted.
 */
final class HealthChecks {

  /** The first check of a process, soon after it starts. */
  static final Duration FIRST = Duration.ofMillis(250);

  /** Ends HTTP checks that ran past their timeout; one thread for every check. */
  private static final java.util.concurrent.ScheduledThreadPoolExecutor WATCHDOG = watchdog();

  private static java.util.concurrent.ScheduledThreadPoolExecutor watchdog() {
    var executor =
        new java.util.concurrent.ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("pmfx-health-timeouts").daemon().factory());
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  /**
   * What a check's command does not get of the worker's environment: its channel to pmfx (a Node
   * command would take descriptor 3 for one) and what pmfx keeps for itself.
   */
  static final java.util.Set<String> NOT_FOR_COMMANDS =
      java.util.Set.of(
          "NODE_CHANNEL_FD",
          "NODE_CHANNEL_SERIALIZATION_MODE",
          "NODE_UNIQUE_ID",
          "PMFX_IPC",
          "PMFX_HELD_FDS",
          "PMFX_KEEPS_PORT");

  static Map<String, String> forCommand(Map<String, String> environment) {
    if (environment == null) {
      return Map.of();
    }
    Map<String, String> kept = new java.util.HashMap<>(environment);
    kept.keySet().removeAll(NOT_FOR_COMMANDS);
    return kept;
  }

  /** What the last line of a command's output may hold, in an event. */
  private static final int OUTPUT_LIMIT = 200;

  /** What one check found, and how long it took. */
  record Result(boolean passed, String detail, long millis) {
    Result(boolean passed, String detail) {
      this(passed, detail, -1);
    }

    Result took(long startNanos) {
      return new Result(passed, detail, (System.nanoTime() - startNanos) / 1_000_000);
    }
  }

  private final Timers loop;
  private final EventHub events;
  private final BiConsumer<Worker, MachineEvent> feed;
  private final Runnable changed;
  private volatile boolean closed;

  /**
   * @param feed hands an event to a worker's machine, on the loop
   * @param changed a worker's health changed: apps that wait for one to be healthy may start
   */
  HealthChecks(
      Timers loop, EventHub events, BiConsumer<Worker, MachineEvent> feed, Runnable changed) {
    this.loop = loop;
    this.events = events;
    this.feed = feed;
    this.changed = changed;
  }

  /** The worker moved to {@code to}: a process that has not been checked yet starts its checks. */
  void moved(Worker w, WorkerState to) {
    if ((to != WorkerState.WAITING_READY && to != WorkerState.ONLINE)
        || w.healthGeneration == w.generation()) {
      return;
    }
    w.healthGeneration = w.generation();
    if (w.spec.healthCheck().isEmpty()) {
      w.health = Health.NONE;
      return;
    }
    w.health = Health.STARTING;
    w.healthSince = loop.now();
    w.healthCheckMillis = -1;
    int generation = w.generation();
    loop.after(FIRST, () -> check(w, generation));
  }

  void close() {
    closed = true;
  }

  /** On the loop: starts one check of the worker's current process, unless it is gone. */
  private void check(Worker w, int generation) {
    Optional<HealthCheck> check = w.spec.healthCheck();
    if (closed || generation != w.generation() || !w.state().running() || check.isEmpty()) {
      return;
    }
    HealthCheck c = check.get();
    Optional<SocketAddress> address;
    try {
      address = address(w, c);
    } catch (RuntimeException e) {
      address = Optional.empty();
    }
    Optional<SocketAddress> asked = address;
    Map<String, String> environment = forCommand(w.launchedWith);
    java.nio.file.Path cwd = w.spec.cwd();
    Thread.startVirtualThread(
        () -> {
          long start = System.nanoTime();
          Result result = new Result(false, "the check ended without a result");
          try {
            result =
                c.path().isPresent()
                    ? asked
                        .map(a -> http(a, c))
                        .orElseGet(
                            () ->
                                new Result(
                                    false,
                                    "no port to ask "
                                        + c.path().get()
                                        + " on: set health_check.http.port or env.PORT"))
                    : exec(c, cwd, environment);
          } catch (Throwable e) { // whatever it was, the next check must still come
            result = new Result(false, "the check failed: " + e);
          } finally {
            Result found = result.took(start);
            loop.post(() -> ended(w, generation, c, found));
          }
        });
  }

  /** On the loop: what the check found, acted on; and the next check. */
  private void ended(Worker w, int generation, HealthCheck c, Result result) {
    if (closed || generation != w.generation() || !w.state().running()) {
      return;
    }
    Instant now = loop.now();
    Health was = w.health;
    Health next;
    if (result.passed()) {
      next = new Health(Health.State.HEALTHY, 0, Optional.of(now), result.detail());
    } else if (was.state() == Health.State.STARTING
        && now.isBefore(w.healthSince.plus(c.startPeriod()))) {
      // start_period: it may fail while it starts, uncounted
      next = new Health(Health.State.STARTING, 0, Optional.of(now), result.detail());
    } else {
      int failures = was.failures() + 1;
      next =
          new Health(
              failures >= c.failures() ? Health.State.UNHEALTHY : was.state(),
              failures,
              Optional.of(now),
              result.detail());
    }
    w.health = next;
    w.healthCheckMillis = result.millis();
    if (next.state() != was.state() || next.failures() != was.failures()) {
      events.publish(new EngineEvent.HealthChecked(now, was.state(), w.status()));
    }
    if (next.state() != was.state()) {
      changed.run();
    }
    if (result.passed()) {
      feed.accept(w, new MachineEvent.Healthy(generation, result.detail()));
    } else if (next.state() == Health.State.UNHEALTHY) {
      feed.accept(
          w, new MachineEvent.Unhealthy(generation, "health check failed: " + result.detail()));
    }
    if (generation == w.generation() && w.state().running()) {
      // Before its first pass, a worker is checked every second while its failures do not count
      // (within start_period) or while it waits to be ready on a check: soon found well, never
      // found sick sooner than interval × failures.
      boolean soon =
          next.state() == Health.State.STARTING
              && (now.isBefore(w.healthSince.plus(c.startPeriod()))
                  || (c.readiness() && w.state() == WorkerState.WAITING_READY));
      Duration wait =
          soon && c.interval().compareTo(HealthCheck.STARTING_INTERVAL) > 0
              ? HealthCheck.STARTING_INTERVAL
              : c.interval();
      loop.after(wait, () -> check(w, generation));
    }
  }

  /**
   * Where an HTTP check asks: the port it names, else the worker's own (its private address in
   * cluster mode, its PORT in fork mode).
   */
  private static Optional<SocketAddress> address(Worker w, HealthCheck c) {
    if (c.port().isPresent()) {
      return Optional.of(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), c.port().getAsInt()));
    }
    if (w.spec.execMode() == ExecMode.CLUSTER && (w.privateSocket != null || w.privatePort > 0)) {
      return Optional.of(Routing.address(w));
    }
    String port = w.launchedWith == null ? null : w.launchedWith.get("PORT");
    if (port != null && port.strip().matches("\\d{1,5}")) {
      return Optional.of(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port.strip())));
    }
    return Optional.empty();
  }

  /** GET the check's path at {@code address}, HTTP/1.1, and read the status line. */
  static Result http(SocketAddress address, HealthCheck c) {
    String path = c.path().orElseThrow();
    long timeout = c.timeout().toMillis();
    try (SocketChannel channel =
        SocketChannel.open(
            address.getClass() == InetSocketAddress.class
                ? java.net.StandardProtocolFamily.INET
                : java.net.StandardProtocolFamily.UNIX)) {
      // A blocking channel has no timeouts of its own: closing it ends a connect or read.
      var expired = new java.util.concurrent.atomic.AtomicBoolean();
      var done = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.ScheduledFuture<?> watchdog =
          WATCHDOG.schedule(
              () -> {
                if (!done.get()) {
                  expired.set(true);
                  try {
                    channel.close();
                  } catch (IOException ignored) {
                    // closed already
                  }
                }
              },
              timeout,
              TimeUnit.MILLISECONDS);
      try {
        channel.connect(address);
        String host =
            address instanceof InetSocketAddress inet ? "127.0.0.1:" + inet.getPort() : "localhost";
        channel.write(
            ByteBuffer.wrap(
                ("GET "
                        + path
                        + " HTTP/1.1\r\nHost: "
                        + host
                        + "\r\nUser-Agent: pmfx-health-check\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer head = ByteBuffer.allocate(256);
        while (head.hasRemaining() && !statusLineIn(head)) {
          if (channel.read(head) < 0) {
            break;
          }
        }
        done.set(true);
        String line = new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII);
        int end = line.indexOf('\r');
        line = end >= 0 ? line.substring(0, end) : line;
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
          return new Result(
              false, "no HTTP answer from " + path + (line.isEmpty() ? "" : ": '" + line + "'"));
        }
        int status = Integer.parseInt(parts[1]);
        boolean passed =
            c.expect().isPresent()
                ? status == c.expect().getAsInt()
                : status >= 200 && status < 400;
        return new Result(
            passed,
            "HTTP "
                + status
                + " from "
                + path
                + (passed || c.expect().isEmpty()
                    ? ""
                    : " (expected " + c.expect().getAsInt() + ")"));
      } catch (IOException e) {
        if (expired.get()) {
          return new Result(false, "no answer from " + path + " within " + timeout + " ms");
        }
        return new Result(false, words(e) + " for " + path);
      } finally {
        done.set(true);
        watchdog.cancel(false);
      }
    } catch (IOException e) {
      return new Result(false, words(e) + " for " + path);
    }
  }

  private static boolean statusLineIn(ByteBuffer head) {
    for (int i = 0; i < head.position(); i++) {
      if (head.get(i) == '\n') {
        return true;
      }
    }
    return false;
  }

  private static String words(IOException e) {
    String message = e.getMessage();
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }

  /**
   * Runs the check's command in a shell, in the app's folder with the worker's environment: exit 0
   * passes; past the timeout its process is killed and the check fails.
   */
  static Result exec(HealthCheck c, java.nio.file.Path cwd, Map<String, String> environment) {
    String command = c.exec().orElseThrow();
    java.util.List<String> line =
        new java.util.ArrayList<>(java.util.List.of("/bin/sh", "-c", command));
    if (JavaLaunch.SETSID != null) {
      // a group of its own, which the check's end takes down whole: what it left in the
      // background too, which would hold its output open
      line.addFirst(JavaLaunch.SETSID.toString());
    }
    ProcessBuilder builder =
        new ProcessBuilder(line).directory(cwd.toFile()).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Result(false, "'" + command + "' could not start: " + e.getMessage());
    }
    StringBuilder output = new StringBuilder();
    Thread reader =
        Thread.startVirtualThread(
            () -> {
              try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[4096];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                  synchronized (output) {
                    output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (output.length() > 4 * OUTPUT_LIMIT) {
                      output.delete(0, output.length() - 4 * OUTPUT_LIMIT);
                    }
                  }
                }
              } catch (IOException closed) {
                // killed
              }
            });
    try {
      if (!process.waitFor(c.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        return new Result(
            false, "'" + command + "' ran past its " + c.timeout().toMillis() + " ms timeout");
      }
      reader.join(Duration.ofMillis(200));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(false, "'" + command + "' was interrupted");
    } finally {
      end(process);
      try {
        process.getInputStream().close(); // the reader ends, whatever still holds the pipe
      } catch (IOException closed) {
        // closed already
      }
    }
    int code = process.exitValue();
    String last;
    synchronized (output) {
      last = lastLine(output.toString());
    }
    return new Result(
        code == 0,
        "exit code " + code + " from '" + command + "'" + (last.isEmpty() ? "" : ": " + last));
  }

  /** Ends the check's command and whatever it started: its group, and its tree now. */
  private static void end(Process process) {
    dev.pmfx.posix.StopSequence.kill(process.toHandle(), List.of(), JavaLaunch.SETSID != null);
    process.destroyForcibly();
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    String last = lines.length == 0 ? "" : lines[lines.length - 1].strip();
    return last.length() > OUTPUT_LIMIT ? last.substring(0, OUTPUT_LIMIT) + "…" : last;
  }
}
