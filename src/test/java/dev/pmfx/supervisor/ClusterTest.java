package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.posix.Signals;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode end to end: real workers behind pmfx's request balancer ({@code balancer: http}, the
 * default for other programs than Node) on the app's own port. {@link HandoffTest} has Node's
 * default, hand-off.
 */
@Timeout(120)
class ClusterTest {

  @TempDir Path dir;
  private EngineHarness pmfx;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void engine() {
    pmfx = new EngineHarness(dir);
  }

  @AfterEach
  void close() {
    pmfx.close();
  }

  /** A Node app as PM2 users write it: a hard-coded port, process.send('ready') when listening. */
  private Path nodeApp(int port, int delayMs) throws Exception {
    return Files.writeString(
        dir.resolve("app.js"),
        """
        const http = require('http');
        http
          .createServer((req, res) => {
            if (req.url === '/slow') console.log('got /slow');
            setTimeout(() => res.end('node pid ' + process.pid + '\\n'), req.url === '/slow' ? 1000 : %d);
          })
          .listen(%d, () => console.log('app listening'));
        """
            .formatted(delayMs, port));
  }

  /** The Node app on {@code port}, as "hello" with 2 instances (cluster mode, from instances). */
  private void startHello(int port) throws Exception {
    nodeApp(port, 0);
    pmfx.start(
        """
        apps:
          - name: hello
            script: app.js
            cwd: %s
            instances: 2
            balancer: http
        """
            .formatted(dir));
  }

  private String get(int port, String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  private void awaitOnline(String app, int workers) throws Exception {
    awaitWorkers(app, WorkerState.ONLINE, workers);
  }

  /** Waits until {@code workers} of the app's workers are in {@code state}. */
  private void awaitWorkers(String app, WorkerState state, int workers) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (pmfx.engine.snapshot().stream()
            .filter(a -> a.name().equals(app))
            .flatMap(a -> a.workers().stream())
            .filter(w -> w.state() == state)
            .count()
        < workers) {
      assertTrue(System.nanoTime() < deadline, "workers " + state + ": " + pmfx.engine.snapshot());
      Thread.sleep(20);
    }
  }

  @Test
  void aNodeAppWithAHardCodedPortAnswersFromEveryWorker() throws Exception {
    int port = EngineHarness.freePort();
    startHello(port);
    awaitOnline("hello", 2);

    Set<String> pids = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      pids.add(get(port, "/"));
    }

    assertEquals(2, pids.size(), "answers: " + pids);
    pmfx.engine.sampleEvery(Duration.ofMillis(200));
    EngineEvent.MetricsSample sample =
        pmfx.events.await(
            EngineEvent.MetricsSample.class,
            s -> s.requests().stream().mapToLong(r -> r.requests()).sum() == 10);
    assertEquals(2, sample.requests().size(), "both workers counted: " + sample);
    assertTrue(sample.requests().stream().allMatch(r -> r.requests() == 5 && r.errors() == 0));
    AppStatus hello = pmfx.engine.snapshot().getFirst();
    assertEquals(java.util.OptionalInt.of(port), hello.publicPort());
    assertEquals(10, hello.requests().stream().mapToLong(r -> r.requests()).sum(), "snapshot");
    WorkerStatus first = pmfx.engine.snapshot().getFirst().workers().getFirst();
    assertTrue(pids.contains("node pid " + first.pid().getAsLong() + "\n"), pids.toString());
    assertTrue(
        pmfx.events.changes("hello").stream()
            .anyMatch(c -> c.reason().contains("for port " + port)),
        "online once listening");
  }

  @Test
  void stickyKeepsAClientOnOneWorkerAndUpgradesAreTunnelled() throws Exception {
    int port = EngineHarness.freePort();
    Files.writeString(
        dir.resolve("upgrade.js"),
        """
        const http = require('http');
        const server = http.createServer((req, res) => res.end('node pid ' + process.pid + '\\n'));
        // A protocol switch as WebSocket servers make it; then every byte comes back.
        server.on('upgrade', (req, socket) => {
          socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: echo\\r\\nConnection: Upgrade\\r\\n\\r\\n');
          socket.write('hello from ' + process.pid + '\\n');
          socket.pipe(socket);
        });
        server.listen(%d);
        """
            .formatted(port));
    pmfx.start(
        """
        apps:
          - name: sticky
            script: upgrade.js
            cwd: %s
            instances: 2
            balancer: http
            balancer_strategy: sticky
        """
            .formatted(dir));
    awaitOnline("sticky", 2);

    Set<String> pids = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      pids.add(get(port, "/"));
    }
    assertEquals(1, pids.size(), "one client, one worker: " + pids);

    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.BufferedReader in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      assertEquals("HTTP/1.1 101 Switching Protocols", in.readLine());
      String line;
      while (!(line = in.readLine()).isEmpty()) {
        // the 101's headers
      }
      assertTrue(in.readLine().startsWith("hello from "), "sent right after the 101");
      socket.getOutputStream().write("ping\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertEquals("ping", in.readLine());
    }
  }

  @Test
  void tcpBalancerSplicesConnections() throws Exception {
    int port = EngineHarness.freePort();
    Files.writeString(
        dir.resolve("echo.js"),
        """
        require('net')
          .createServer((socket) => {
            socket.write('echo ' + process.pid + '\\n');
            socket.pipe(socket);
          })
          .listen(%d);
        """
            .formatted(port));
    pmfx.start(
        """
        apps:
          - name: echo
            script: echo.js
            cwd: %s
            instances: 2
            balancer: tcp
        """
            .formatted(dir));
    awaitOnline("echo", 2);

    Set<String> greetings = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        java.io.BufferedReader in =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        greetings.add(in.readLine());
        socket
            .getOutputStream()
            .write("not http\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("not http", in.readLine());
      }
    }
    assertEquals(2, greetings.size(), "connections over both workers: " + greetings);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "balancer {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"http", "handoff"})
  void anotherPortNamedWithEnvMovesTheAppThereOnRestartAndOnReload(String balancer)
      throws Exception {
    int first = EngineHarness.freePort();
    int second = EngineHarness.freePort();
    int third = EngineHarness.freePort();
    Files.writeString(
        dir.resolve("env-port.js"),
        """
        require('http')
          .createServer((req, res) => res.end('node pid ' + process.pid + '\\n'))
          .listen(process.env.PORT);
        """);
    pmfx.start(
        """
        apps:
          - name: web
            script: env-port.js
            cwd: %s
            instances: 2
            exec_mode: cluster
            balancer: %s
            env: { PORT: %d }
            env_second: { PORT: %d }
            env_third: { PORT: %d }
        """
            .formatted(dir, balancer, first, second, third));
    awaitOnline("web", 2);
    assertTrue(get(first, "/").startsWith("node pid "));

    // as PM2 users change ports: the workers listen on the new PORT, so the app answers there
    var restarted = pmfx.engine.restart("web", envNamed("second")).get(60, TimeUnit.SECONDS);
    assertTrue(restarted.ok(), restarted.toString());
    awaitOnline("web", 2);
    assertTrue(get(second, "/").startsWith("node pid "));
    awaitRefused(first);
    assertEquals(second, app("web").publicPort().orElseThrow());

    var reloaded = pmfx.engine.reload("web", envNamed("third")).get(60, TimeUnit.SECONDS);
    assertTrue(reloaded.ok(), reloaded.toString());
    assertTrue(get(third, "/").startsWith("node pid "));
    awaitRefused(second);
    assertEquals(third, app("web").publicPort().orElseThrow());
  }

  /** What {@code --env NAME} asks of a restart or reload. */
  private static dev.pmfx.engine.EnvUpdate envNamed(String name) {
    return new dev.pmfx.engine.EnvUpdate(java.util.Optional.empty(), java.util.Optional.of(name));
  }

  private AppStatus app(String name) {
    return pmfx.engine.snapshot().stream()
        .filter(a -> a.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** Waits until nothing listens on the port any more. */
  private static void awaitRefused(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        assertTrue(System.nanoTime() < deadline, "port " + port + " still open");
        Thread.sleep(50);
      } catch (java.net.ConnectException refused) {
        return;
      }
    }
  }

  @Test
  void aPortTakenByAnotherProgramErrorsTheAppInsteadOfShowingItOnline() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      startHello(port);

      EngineEvent.WorkerChanged errored = pmfx.events.awaitState("hello", WorkerState.ERRORED);

      assertTrue(errored.reason().contains("cannot listen on port " + port), errored.reason());
      awaitWorkers("hello", WorkerState.ERRORED, 2);
    }
  }

  @Test
  void aJavaWorkerServesThePrivatePortItGetsAsPort() throws Exception {
    int port = EngineHarness.freePort();
    pmfx.start(
        """
        apps:
          - name: java-web
            script: PortServer.java
            cwd: ${workers}
            exec_mode: cluster
            instances: 2
            env:
              PORT: %d
        """
            .formatted(port));
    awaitOnline("java-web", 2);

    Set<String> pids = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      pids.add(get(port, "/"));
    }

    assertEquals(2, pids.size(), "answers: " + pids);
    assertTrue(pids.stream().allMatch(p -> p.startsWith("java pid ")));
  }

  @Test
  void stoppingDrainsTheRequestsInFlightFirst() throws Exception {
    int port = EngineHarness.freePort();
    nodeApp(port, 0);
    pmfx.start(
        """
        apps:
          - name: hello
            script: app.js
            cwd: %s
            instances: 1
            balancer: http
            exec_mode: cluster
        """
            .formatted(dir));
    awaitOnline("hello", 1);
    CompletableFuture<String> slow =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return get(port, "/slow");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    pmfx.events.awaitLine("hello", "got /slow"::equals); // the request is at the worker

    pmfx.engine.stop("hello").get(30, TimeUnit.SECONDS);

    String answer = slow.get(10, TimeUnit.SECONDS);
    assertTrue(answer.startsWith("node pid "));
    List<String> stopping =
        pmfx.events.changes("hello").stream()
            .filter(c -> c.worker().state() == WorkerState.STOPPING)
            .map(EngineEvent.WorkerChanged::reason)
            .toList();
    assertTrue(stopping.getFirst().contains("draining"), stopping.toString());
    assertTrue(stopping.get(1).startsWith("drained: sent SIGINT"), stopping.toString());
  }

  @Test
  void aWorkerKilledUnderLoadLosesOnlyWhatItHeld() throws Exception {
    int port = EngineHarness.freePort();
    nodeApp(port, 2);
    pmfx.start(
        """
        apps:
          - name: hello
            script: app.js
            cwd: %s
            instances: 2
            balancer: http
            min_uptime: 100
        """
            .formatted(dir));
    awaitOnline("hello", 2);
    int clients = 4;
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Thread> load =
        java.util.stream.IntStream.range(0, clients)
            .mapToObj(
                i ->
                    Thread.ofPlatform()
                        .start(
                            () -> {
                              while (running.get()) {
                                try {
                                  get(port, "/");
                                  ok.incrementAndGet();
                                } catch (Exception | AssertionError e) {
                                  failed.incrementAndGet();
                                }
                              }
                            }))
            .toList();
    Thread.sleep(500);
    long victim = pmfx.engine.snapshot().getFirst().workers().getFirst().pid().getAsLong();

    Signals.send(victim, "SIGKILL");
    Thread.sleep(1_500);
    running.set(false);
    for (Thread t : load) {
      t.join();
    }

    assertTrue(ok.get() > 100, "requests answered: " + ok.get());
    assertTrue(
        failed.get() <= clients,
        failed.get() + " failed; only those the killed worker held may (one per client at most)");
  }
}
