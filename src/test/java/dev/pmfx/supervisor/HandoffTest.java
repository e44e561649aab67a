package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.WorkerStatus;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code balancer: 'handoff'}: pmfx accepts on the app's public port and passes each connection to
 * a Node worker over its IPC channel; the app's own {@code listen(PORT)} serves it, and pmfx is out
 * of the request path.
 */
class HandoffTest {

  @TempDir Path dir;
  private EngineHarness pmfx;
  private int port;

  @BeforeEach
  void engine() throws Exception {
    pmfx = new EngineHarness(dir);
    port = EngineHarness.freePort();
  }

  @AfterEach
  void close() {
    pmfx.close();
  }

  private void start(String script, String strategy) throws Exception {
    pmfx.start(
        """
        apps:
          - name: web
            script: %s
            cwd: ${workers}
            instances: 2
            balancer: handoff
            balancer_strategy: %s
            env: { PORT: %d, DELAY_MS: 0 }
        """
            .formatted(script, strategy, port));
    awaitOnline(2);
  }

  private List<WorkerStatus> workers() {
    return pmfx.workers("web");
  }

  private void awaitOnline(int count) throws Exception {
    pmfx.awaitOnline("web", count);
  }

  private Set<String> pids() {
    return workers().stream()
        .map(w -> String.valueOf(w.pid().orElseThrow()))
        .collect(Collectors.toSet());
  }

  private String getOnNewConnection() throws Exception {
    return EngineHarness.getOnNewConnection(port);
  }

  /** {@link #getOnNewConnection} on another thread: the answer, once it comes. */
  private CompletableFuture<String> askOnNewConnectionLater() {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return getOnNewConnection();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /**
   * With a connection open and answered, this process (the engine's) holds, of the sockets on the
   * public port's server side, only the listening one: the connection is the worker's.
   */
  private void assertOnlyTheListeningSocketHereWhileAConnectionIsServed() throws Exception {
    try (Socket held = new Socket("127.0.0.1", port)) {
      held.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      held.setSoTimeout(10_000);
      assertTrue(held.getInputStream().read() > 0, "answered");
      assertEquals(1, socketsOnThePublicPortHere(), "only the listening socket of port " + port);
    }
  }

  @Test
  void aHardCodedListenAnswersFromBothWorkersAndPmfxHoldsNoConnection() throws Exception {
    start("versioned.js", "round-robin");

    Set<String> served = EngineHarness.servedOnNewConnections(port, 10);

    assertEquals(pids(), served);
    assertOnlyTheListeningSocketHereWhileAConnectionIsServed();
  }

  @Test
  void theWorkersReportTheirRequests() throws Exception {
    start("versioned.js", "round-robin");
    for (int i = 0; i < 6; i++) {
      getOnNewConnection();
    }
    long deadline = System.nanoTime() + EngineHarness.PATIENCE.toNanos();
    long counted = 0;
    while (counted < 6) {
      assertTrue(System.nanoTime() < deadline, "counted " + counted + " of 6 requests");
      Thread.sleep(100);
      counted =
          pmfx.engine.snapshot().getFirst().requests().stream()
              .mapToLong(EngineEvent.MetricsSample.WorkerRequests::requests)
              .sum();
    }
    assertEquals(6, counted);
  }

  /** A keep-alive connection that asked once: the socket, still open, and who answered. */
  private record Held(Socket socket, String pid) {}

  private Held holdConnection() throws Exception {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    socket
        .getOutputStream()
        .write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    java.io.InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) in.read());
    }
    java.util.regex.Matcher length =
        java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    assertTrue(length.find(), head.toString());
    String body =
        new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    return new Held(socket, body.strip());
  }

  @Test
  void leastConnectionsGoesByWhatTheWorkersHoldOpen() throws Exception {
    start("versioned.js", "least-connections");
    List<Held> held = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(holdConnection());
    }
    String first = held.getFirst().pid();
    assertEquals(2, held.stream().filter(h -> h.pid().equals(first)).count(), "two each: " + held);

    // The first worker's connections end; once it has reported so, it is the one with the fewest.
    for (Held h : held) {
      if (h.pid().equals(first)) {
        h.socket().close();
      }
    }
    Thread.sleep(2_500); // the workers report once a second, when something changed
    List<Held> next = List.of(holdConnection(), holdConnection());

    assertEquals(List.of(first, first), next.stream().map(Held::pid).toList());
    for (Held h : held) {
      h.socket().close();
    }
    for (Held h : next) {
      h.socket().close();
    }
  }

  @Test
  void aWorkerKilledUnderLoadTakesOnlyItsOwnConnections() throws Exception {
    start("versioned.js", "round-robin");
    try (LoadClients load = new LoadClients(port, 20)) {
      load.awaitAnswers(200);
      long victim = workers().getFirst().pid().orElseThrow();

      ProcessHandle.of(victim).orElseThrow().destroyForcibly(); // SIGKILL
      long deadline = System.nanoTime() + EngineHarness.PATIENCE.toNanos();
      while (workers().stream().anyMatch(w -> w.pid().orElse(-1) == victim)) {
        assertTrue(System.nanoTime() < deadline, "the killed worker is still listed");
        Thread.sleep(20);
      }
      load.awaitAnswers(200);
      load.close();

      // Each client whose connection the killed worker held loses the request it had sent; the
      // others lose nothing, and every client goes on, on the other worker or its replacement.
      assertTrue(load.failed.get() <= 12, load.failed.get() + " failed: " + load.failures);
    }
  }

  @Test
  void withNoWorkerOnlineAConnectionWaitsQueueTimeoutThenGets503() throws Exception {
    pmfx.start(
        """
        apps:
          - name: web
            script: versioned.js
            cwd: ${workers}
            instances: 2
            balancer: handoff
            queue_timeout: 700ms
            drain_timeout: 2s
            env: { PORT: %d, DELAY_MS: 0 }
        """
            .formatted(port));
    awaitOnline(2);
    pmfx.engine.stop("web").get(30, TimeUnit.SECONDS);
    assertTrue(
        pmfx.events.all().stream()
            .anyMatch(
                e ->
                    e instanceof EngineEvent.WorkerChanged c
                        && c.reason().contains("draining its requests in flight (at most 2s)")),
        "drain_timeout named in the stop");

    long start = System.nanoTime();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      long waited = (System.nanoTime() - start) / 1_000_000;

      assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
      assertTrue(answer.contains("Retry-After: 1"), answer);
      assertTrue(waited >= 650 && waited < 5_000, "waited " + waited + " ms");
    }
  }

  @Test
  void stopDrainsTheRequestsInFlightFirst() throws Exception {
    pmfx.start(
        """
        apps:
          - name: web
            script: versioned.js
            cwd: ${workers}
            instances: 1
            exec_mode: cluster
            env: { PORT: %d, DELAY_MS: 1500 }
        """
            .formatted(port));
    awaitOnline(1);
    CompletableFuture<String> slow = askOnNewConnectionLater();
    Thread.sleep(500); // the request is in flight in the worker

    pmfx.engine.stop("web").get(30, TimeUnit.SECONDS);

    assertEquals(
        String.valueOf(
            pmfx.events.all().stream()
                .filter(EngineEvent.WorkerChanged.class::isInstance)
                .map(EngineEvent.WorkerChanged.class::cast)
                .filter(c -> c.worker().pid().isPresent())
                .findFirst()
                .orElseThrow()
                .worker()
                .pid()
                .getAsLong()),
        slow.get(10, TimeUnit.SECONDS),
        "the request in flight was answered");
    assertTrue(
        pmfx.events.all().stream()
            .anyMatch(
                e ->
                    e instanceof EngineEvent.WorkerChanged c
                        && c.reason().startsWith("drained: sent SIGINT")),
        "signalled once drained");
  }

  @Test
  void aRequestThatOffersAnUpgradeIsAnsweredByAnAppWithoutUpgrades() throws Exception {
    start("versioned.js", "round-robin");
    // Java's HttpClient asks to upgrade to h2c on its first request over http://
    java.net.http.HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

    assertEquals(200, response.statusCode());
    assertTrue(pids().contains(response.body().strip()), response.body());
  }

  @Test
  void connectionsThatCameWhileNoWorkerWasOnlineAreServedByTheNextOne() throws Exception {
    start("versioned.js", "round-robin");
    pmfx.engine.stop("web").get(30, TimeUnit.SECONDS); // the app keeps its port
    List<CompletableFuture<String>> asked = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      asked.add(askOnNewConnectionLater());
    }
    Thread.sleep(500); // accepted, and waiting

    pmfx.engine.start("web").get(30, TimeUnit.SECONDS);
    awaitOnline(2);

    for (CompletableFuture<String> answer : asked) {
      assertTrue(pids().contains(answer.get(10, TimeUnit.SECONDS)), "served by a new worker");
    }
  }

  @Test
  void stickyKeepsAClientOnOneWorker() throws Exception {
    start("versioned.js", "sticky");
    Set<String> served = EngineHarness.servedOnNewConnections(port, 10);
    assertEquals(1, served.size(), served.toString());
    assertTrue(pids().containsAll(served));
  }

  @Test
  void aWebSocketIsTheWorkersOwn() throws Exception {
    start("ws-echo.js", "round-robin");
    CompletableFuture<String> echoed = new CompletableFuture<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    echoed.complete(data.toString());
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    socket.sendText("hello over pmfx", true).get(10, TimeUnit.SECONDS);

    String echo = echoed.get(10, TimeUnit.SECONDS);

    String pid = echo.substring(0, echo.indexOf(' '));
    assertTrue(pids().contains(pid), echo + " from one of " + pids());
    assertEquals("hello over pmfx", echo.substring(echo.indexOf(' ') + 1));
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
  }

  @Test
  void aProgramWithoutNodesChannelIsBalancedByRequestInstead() throws Exception {
    pmfx.start(
        """
        apps:
          - name: web
            script: PortServer.java
            cwd: ${workers}
            instances: 2
            balancer: handoff
            listen_timeout: 30s
            env: { PORT: %d }
        """
            .formatted(port));
    awaitOnline(2);
    EngineEvent.LogLine note = pmfx.events.awaitLine("web", t -> t.contains("'handoff'"));
    assertTrue(note.text().contains("pmfx balances their requests instead"), note.text());
    assertTrue(!getOnNewConnection().isEmpty());
  }

  /** How many sockets on the public port (the server's side) this process holds. */
  private long socketsOnThePublicPortHere() throws Exception {
    Set<String> onPort = connectionsOnPort(String.format(":%04X ", port));
    return tcpInodes(ProcessHandle.current().pid()).stream().filter(onPort::contains).count();
  }

  @Test
  void handOffIsTheDefaultForNodeAppsAndRequestsForOthers() throws Exception {
    Path file = dir.resolve("apps.yaml");
    java.nio.file.Files.writeString(
        file,
        """
        apps:
          - { name: node, script: app.js, instances: 2, env: { PORT: 3000 } }
          - { name: py, script: app.py, instances: 2, env: { PORT: 3001 } }
          - { name: routed, script: app.js, instances: 2, balancer: http, env: { PORT: 3002 } }
          - { name: wrong, script: app.py, instances: 2, balancer: handoff, env: { PORT: 3003 } }
        """);
    var loaded =
        (dev.pmfx.config.LoadResult.Loaded)
            dev.pmfx.config.EcosystemLoader.forThisMachine().load(file);
    List<String> modes =
        loaded.ecosystem().apps().stream().map(a -> a.balancerMode().word()).toList();

    assertEquals(List.of("handoff", "http", "http", "handoff"), modes);
    assertTrue(
        loaded.diagnostics().stream()
            .anyMatch(
                d ->
                    d.key().equals("apps[3].balancer")
                        && d.message().contains("this app does not run on Node")),
        loaded.diagnostics().toString());

    // And the engine does so: a Node app that names no balancer is served by its workers alone.
    pmfx.start(
        """
        apps:
          - name: web
            script: versioned.js
            cwd: ${workers}
            instances: 2
            env: { PORT: %d, DELAY_MS: 0 }
        """
            .formatted(port));
    awaitOnline(2);
    assertOnlyTheListeningSocketHereWhileAConnectionIsServed();
  }

  /** The inodes of the sockets a process holds. */
  private static Set<String> tcpInodes(long pid) throws Exception {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (java.io.IOException gone) {
          // closed meanwhile
        }
      }
    }
    return inodes;
  }

  /** The inodes of TCP sockets on this local port (":1F90 "): the server's side. */
  private static Set<String> connectionsOnPort(String hexPort) throws Exception {
    Set<String> inodes = new HashSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
        String[] f = line.trim().split("\\s+");
        if ((f[1] + " ").contains(hexPort)) {
          inodes.add(f[9]);
        }
      }
    }
    return inodes;
  }
}
