package dev.pmfx.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The balancer between real sockets: JDK HTTP servers as workers, real clients in front. */
@org.junit.jupiter.api.Timeout(60)
class BalancerTest {

  private static Loops loops;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void loops() {
    loops = new Loops(2);
  }

  @AfterAll
  static void closeLoops() {
    loops.close();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  /** A worker: answers "worker N" and what it was told in X-Forwarded-For; /slow waits. */
  private InetSocketAddress worker(int id) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          String query = String.valueOf(exchange.getRequestURI().getQuery());
          java.util.regex.Matcher ms = java.util.regex.Pattern.compile("ms=(\\d+)").matcher(query);
          if (ms.find()) {
            sleep(Long.parseLong(ms.group(1)));
          }
          java.util.regex.Matcher size =
              java.util.regex.Pattern.compile("size=(\\d+)").matcher(query);
          if (size.find()) {
            byte[] big = new byte[Integer.parseInt(size.group(1))];
            exchange.sendResponseHeaders(200, query.contains("chunked") ? 0 : big.length);
            exchange.getResponseBody().write(big);
            exchange.close();
            return;
          }
          byte[] body = exchange.getRequestBody().readAllBytes();
          String text =
              "worker "
                  + id
                  + " for "
                  + exchange.getRequestHeaders().getFirst("X-Forwarded-For")
                  + (body.length > 0 ? " got " + body.length + " bytes" : "")
                  + "\n";
          byte[] out = text.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    server.start();
    open.add(() -> server.stop(0));
    return server.getAddress();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Balancer balancer(Balancer.Options options) throws IOException {
    Balancer balancer = Balancer.open(loops, new InetSocketAddress("127.0.0.1", 0), options);
    open.add(balancer);
    return balancer;
  }

  private HttpResponse<String> get(Balancer balancer, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + balancer.port() + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String who(HttpResponse<String> response) {
    return response.body().split(" for ")[0];
  }

  @Test
  void roundRobinSpreadsRequestsOverKeepAliveConnections() throws Exception {
    Balancer balancer = balancer(Balancer.Options.defaults());
    InetSocketAddress worker1 = worker(1);
    balancer.add(1, worker1);
    balancer.add(2, worker(2));

    Map<String, Long> counts =
        java.util.stream.IntStream.range(0, 10)
            .mapToObj(i -> call(() -> who(get(balancer, "/"))))
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

    assertEquals(Map.of("worker 1", 5L, "worker 2", 5L), counts);
    HttpResponse<String> one = get(balancer, "/");
    assertTrue(one.body().endsWith(" for 127.0.0.1\n"), "X-Forwarded-For: " + one.body());
    balancer.add(1, worker1); // again, as when a worker says twice that it listens
    assertEquals(11, balancer.stats().stream().mapToLong(BackendStats::requests).sum(), "kept");
    assertTrue(balancer.stats().getFirst().p50Millis() > 0);
  }

  @Test
  void idlePooledConnectionsCloseBeforeTheWorkerWould() throws Exception {
    List<java.net.SocketAddress> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext(
        "/",
        exchange -> {
          accepted.add(exchange.getRemoteAddress());
          byte[] out = "ok\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    server.start();
    open.add(() -> server.stop(0));
    Balancer balancer = balancer(Balancer.Options.defaults());
    balancer.add(1, server.getAddress());

    get(balancer, "/");
    get(balancer, "/");
    assertEquals(1, accepted.stream().distinct().count(), "the second request reused the first's");
    Thread.sleep(5_000); // longer than the pool keeps an idle connection (4 s)
    get(balancer, "/");

    assertEquals(
        2, accepted.stream().distinct().count(), "a fresh connection after the idle one closed");
  }

  @Test
  void stickySendsAClientToTheSameWorkerEveryTime() throws Exception {
    Balancer balancer = balancer(Balancer.Options.defaults().with(Balancer.Strategy.STICKY));
    balancer.add(1, worker(1));
    balancer.add(2, worker(2));
    balancer.add(3, worker(3));

    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      seen.add(who(get(balancer, "/")));
    }

    assertEquals(1, seen.stream().distinct().count(), "one worker: " + seen);
  }

  @Test
  void leastConnectionsAvoidsTheWorkerThatIsBusy() throws Exception {
    Balancer balancer =
        balancer(Balancer.Options.defaults().with(Balancer.Strategy.LEAST_CONNECTIONS));
    balancer.add(1, worker(1));
    balancer.add(2, worker(2));
    CompletableFuture<HttpResponse<String>> slow =
        CompletableFuture.supplyAsync(() -> call(() -> get(balancer, "/?ms=1500")));
    waitUntil(() -> balancer.stats().stream().anyMatch(s -> s.inFlight() == 1));
    String busy =
        "worker "
            + balancer.stats().stream()
                .filter(s -> s.inFlight() == 1)
                .findFirst()
                .orElseThrow()
                .workerId();

    for (int i = 0; i < 6; i++) {
      assertFalse(who(get(balancer, "/")).equals(busy), "went to the busy " + busy);
    }
    assertEquals(busy, who(slow.get(10, TimeUnit.SECONDS)));
  }

  @Test
  void aRefusedConnectionIsRetriedOnAnotherWorker() throws Exception {
    Balancer balancer = balancer(Balancer.Options.defaults());
    balancer.add(1, closedPort());
    balancer.add(2, worker(2));

    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response = get(balancer, "/");
      assertEquals(200, response.statusCode());
      assertEquals("worker 2", who(response));
    }
    BackendStats refused = balancer.stats().getFirst();
    assertEquals(1, refused.workerId());
    assertEquals(1, refused.errors(), "after refusing, a worker is passed over for a while");
    assertEquals(0, refused.inFlight());
  }

  @Test
  void withNoWorkerARequestWaitsForOneThenGets503() throws Exception {
    Balancer waiting =
        balancer(
            new Balancer.Options(
                Balancer.Mode.HTTP, Balancer.Strategy.ROUND_ROBIN, Duration.ofSeconds(10)));
    CompletableFuture<HttpResponse<String>> early =
        CompletableFuture.supplyAsync(() -> call(() -> get(waiting, "/")));
    Thread.sleep(300); // the request is in, with nobody to take it
    waiting.add(7, worker(7));
    assertEquals("worker 7", who(early.get(10, TimeUnit.SECONDS)));

    Balancer empty =
        balancer(
            new Balancer.Options(
                Balancer.Mode.HTTP, Balancer.Strategy.ROUND_ROBIN, Duration.ofMillis(200)));
    HttpResponse<String> refused = get(empty, "/");
    assertEquals(503, refused.statusCode());
    assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
  }

  @Test
  void drainingLetsRequestsInFlightFinishAndSendsNewOnesElsewhere() throws Exception {
    Balancer balancer =
        balancer(Balancer.Options.defaults().with(Balancer.Strategy.LEAST_CONNECTIONS));
    balancer.add(1, worker(1));
    CompletableFuture<HttpResponse<String>> slow =
        CompletableFuture.supplyAsync(() -> call(() -> get(balancer, "/?ms=800")));
    waitUntil(() -> balancer.stats().getFirst().inFlight() == 1);
    balancer.add(2, worker(2));

    CompletableFuture<Boolean> drained = balancer.drain(1, Duration.ofSeconds(10));

    assertFalse(balancer.routes(1));
    assertEquals("worker 2", who(get(balancer, "/")));
    assertFalse(drained.isDone(), "worker 1 still has a request in flight");
    assertEquals("worker 1", who(slow.get(10, TimeUnit.SECONDS)));
    assertTrue(drained.get(5, TimeUnit.SECONDS));
    assertEquals(List.of(2), balancer.stats().stream().map(BackendStats::workerId).toList());
  }

  @Test
  void requestBodiesAndPipelinedRequestsGoThroughInOrder() throws Exception {
    Balancer balancer = balancer(Balancer.Options.defaults());
    balancer.add(1, worker(1));
    balancer.add(2, worker(2));
    byte[] upload = new byte[3 * 1024 * 1024];
    HttpResponse<String> posted =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + balancer.port() + "/up"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertTrue(posted.body().endsWith("got 3145728 bytes\n"), posted.body());
    HttpResponse<byte[]> big =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + balancer.port() + "/?size=30000000"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(30_000_000, big.body().length, "a body larger than any buffer, in full");

    try (Socket socket = new Socket("127.0.0.1", balancer.port())) {
      socket.setSoTimeout(10_000);
      String two =
          "GET /?ms=300 HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: first\r\n\r\n"
              + "GET /?ms=0 HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: second\r\n\r\n"
              + "GET /?ms=0 HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: third\r\n"
              + "Connection: close\r\n\r\n";
      socket.getOutputStream().write(two.getBytes(StandardCharsets.US_ASCII));
      String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      List<String> forWhom =
          answers
              .lines()
              .filter(l -> l.startsWith("worker "))
              .map(l -> l.split(" for ")[1].split(",")[0])
              .toList();
      assertEquals(List.of("first", "second", "third"), forWhom, "answered in order: " + answers);
    }
  }

  /** Sends raw bytes, half-closes, and returns all the answer. */
  private static String raw(Balancer balancer, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", balancer.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * What a client gets for {@code request}: the bytes the balancer sent until it closed, or
   * "(open)" after them if it left the connection open for 10 s.
   */
  private static String answerTo(Balancer balancer, byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", balancer.port())) {
      socket.setSoTimeout(10_000);
      try {
        socket.getOutputStream().write(request);
        socket.shutdownOutput();
      } catch (IOException closedEarly) {
        // the balancer refused before it read it all: what it answered is still to read
      }
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(got);
      } catch (java.net.SocketTimeoutException open) {
        return got.toString(StandardCharsets.ISO_8859_1) + "(open)";
      } catch (java.net.SocketException reset) {
        // closed with unread bytes: a reset, after what it sent
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void malformedRequestsAreRefusedAndHarmNoOtherClient() throws Exception {
    Balancer balancer = balancer(Balancer.Options.defaults());
    balancer.add(1, worker(1));
    List<String> malformed =
        List.of(
            "GARBAGE\r\n\r\n",
            "GET\r\n\r\n",
            "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\nhello",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
            "GET /" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(100_000) + "\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\n" + "X-Many: 1\r\n".repeat(5_000) + "\r\n");
    for (String request : malformed) {
      String answer = answerTo(balancer, request.getBytes(StandardCharsets.ISO_8859_1));
      String shown = request.substring(0, Math.min(60, request.length()));
      assertFalse(answer.endsWith("(open)"), shown + " → left open: " + answer);
      String expected =
          request.startsWith("GET /a")
              ? "HTTP/1.1 414 Request-URI Too Long"
              : request.contains("X-Big") || request.contains("X-Many")
                  ? "HTTP/1.1 431 Request Header Fields Too Large"
                  : "HTTP/1.1 400 Bad Request";
      assertTrue(answer.isEmpty() || answer.startsWith(expected), shown + " → " + answer);
    }
    // and mutations of a good request: each answered or closed, none left hanging
    java.util.Random random = new java.util.Random(20_261_207L);
    byte[] good =
        "POST /?ms=0 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
            .getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < 200; i++) {
      byte[] mutated = good.clone();
      for (int e = 0; e < 1 + random.nextInt(4); e++) {
        mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
      }
      String answer = answerTo(balancer, mutated);
      assertFalse(
          answer.endsWith("(open)") && !answer.startsWith("HTTP/1.1"),
          new String(mutated, StandardCharsets.ISO_8859_1) + " → left open, unanswered");
    }
    assertEquals("worker 1", who(get(balancer, "/")));
  }

  @Test
  void aThousandSlowClientsDoNotStarveOthersAndAreCutOffAfterTheHeadersTimeout() throws Exception {
    Balancer balancer =
        balancer(Balancer.Options.defaults().withHeadersTimeout(Duration.ofSeconds(3)));
    balancer.add(1, worker(1));
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 1_000; i++) {
        Socket socket = new Socket("127.0.0.1", balancer.port());
        socket
            .getOutputStream()
            .write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      // a byte of a header from each now and then, never the head's end; others are served
      long worst = 0;
      for (int round = 0; round < 5; round++) {
        for (Socket socket : slow) {
          try {
            socket.getOutputStream().write('X');
          } catch (IOException cut) {
            // cut off already
          }
        }
        long started = System.nanoTime();
        assertEquals("worker 1", who(get(balancer, "/")));
        worst = Math.max(worst, System.nanoTime() - started);
        Thread.sleep(300);
      }
      assertTrue(
          worst < TimeUnit.SECONDS.toNanos(2), "a request took " + worst / 1_000_000 + " ms");
      // past the timeout every slow client has its 408 and is closed
      for (Socket socket : slow) {
        socket.setSoTimeout(10_000);
        String answer =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout"), answer);
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
    assertEquals("worker 1", who(get(balancer, "/")));
  }

  @Test
  void expectContinueSmuggledHeadersAndHttp10ClientsAreHandled() throws Exception {
    Balancer balancer = balancer(Balancer.Options.defaults());
    balancer.add(1, worker(1));

    try (Socket socket = new Socket("127.0.0.1", balancer.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
                  + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("HTTP/1.1 100 Continue", in.readLine());
      assertEquals("", in.readLine());
      out.write("hello".getBytes(StandardCharsets.US_ASCII));
      String rest = in.lines().collect(Collectors.joining("\n"));
      assertTrue(rest.startsWith("HTTP/1.1 200"), rest);
      assertTrue(rest.endsWith("got 5 bytes"), rest);
    }

    // Connection may not remove the header that frames the body, or the body would reach the
    // worker as a request of its own.
    String smuggled =
        raw(
            balancer,
            "POST / HTTP/1.1\r\nHost: x\r\nConnection: Content-Length, close\r\n"
                + "Content-Length: 30\r\n\r\nGET /?ms=0 HTTP/1.1\r\nHost: y\r\n\r\n");
    assertEquals(1, smuggled.split("HTTP/1.1 200", -1).length - 1, smuggled);
    assertTrue(smuggled.contains("got 30 bytes"), smuggled);

    // The worker answers in chunks, which an HTTP/1.0 client cannot read: it gets the bytes.
    String old = raw(balancer, "GET /?size=10&chunked HTTP/1.0\r\n\r\n");
    assertTrue(old.startsWith("HTTP/1.0 200"), old);
    assertFalse(old.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding"), old);
    assertTrue(old.endsWith("\r\n\r\n" + "\0".repeat(10)), old);
  }

  @Test
  void chunkedResponsesStreamWithoutWaitingForTheirEnd() throws Exception {
    CountDownLatch firstSeen = new CountDownLatch(1);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, 0); // chunked
          OutputStream out = exchange.getResponseBody();
          out.write("first\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          try {
            // the rest only once the client has read the first chunk through the balancer
            boolean seen = firstSeen.await(10, TimeUnit.SECONDS);
            out.write((seen ? "second\n" : "never seen\n").getBytes(StandardCharsets.UTF_8));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    server.start();
    open.add(() -> server.stop(0));
    Balancer balancer = balancer(Balancer.Options.defaults());
    balancer.add(1, server.getAddress());

    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + balancer.port() + "/")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    assertEquals("first", lines.readLine());
    firstSeen.countDown();
    assertEquals("second", lines.readLine());
  }

  @Test
  void webSocketsAreTunnelledToOneWorker() throws Exception {
    InetSocketAddress echo = webSocketEcho();
    Balancer balancer = balancer(Balancer.Options.defaults());
    balancer.add(1, echo);
    List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch two = new CountDownLatch(2);

    WebSocket socket =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + balancer.port() + "/chat"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    received.add(data.toString());
                    two.countDown();
                    webSocket.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    socket.sendText("hello", true).get(5, TimeUnit.SECONDS);
    socket.sendText("again", true).get(5, TimeUnit.SECONDS);

    assertTrue(two.await(10, TimeUnit.SECONDS), "echoes: " + received);
    assertEquals(List.of("echo: hello", "echo: again"), received);
    assertEquals(1, balancer.stats().getFirst().inFlight(), "the open WebSocket");
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    waitUntil(() -> balancer.stats().getFirst().inFlight() == 0);
  }

  @Test
  void tcpModeSplicesConnections() throws Exception {
    ServerSocket echo = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
    open.add(echo);
    Thread.ofVirtual()
        .start(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try (s) {
                              s.getInputStream().transferTo(s.getOutputStream());
                            } catch (IOException ignored) {
                              // client gone
                            }
                          });
                } catch (IOException closed) {
                  return;
                }
              }
            });
    Balancer balancer = balancer(Balancer.Options.defaults().with(Balancer.Mode.TCP));
    balancer.add(1, closedPort());
    balancer.add(2, (InetSocketAddress) echo.getLocalSocketAddress());

    for (int i = 0; i < 3; i++) {
      try (Socket client = new Socket("127.0.0.1", balancer.port())) {
        client.setSoTimeout(5_000);
        client.getOutputStream().write(("ping " + i + "\n").getBytes(StandardCharsets.UTF_8));
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ping " + i, in.readLine());
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A WebSocket echo server on Netty: a real handshake and real frames. */
  private InetSocketAddress webSocketEcho() {
    io.netty.channel.Channel server =
        new io.netty.bootstrap.ServerBootstrap()
            .group(loops.group())
            .channel(loops.serverChannel())
            .childHandler(
                new io.netty.channel.ChannelInitializer<>() {
                  @Override
                  protected void initChannel(io.netty.channel.Channel ch) {
                    ch.pipeline()
                        .addLast(new io.netty.handler.codec.http.HttpServerCodec())
                        .addLast(new io.netty.handler.codec.http.HttpObjectAggregator(65536))
                        .addLast(
                            new io.netty.handler.codec.http.websocketx
                                .WebSocketServerProtocolHandler("/chat"))
                        .addLast(
                            new io.netty.channel.SimpleChannelInboundHandler<
                                io.netty.handler.codec.http.websocketx.TextWebSocketFrame>() {
                              @Override
                              protected void channelRead0(
                                  io.netty.channel.ChannelHandlerContext ctx,
                                  io.netty.handler.codec.http.websocketx.TextWebSocketFrame frame) {
                                ctx.writeAndFlush(
                                    new io.netty.handler.codec.http.websocketx.TextWebSocketFrame(
                                        "echo: " + frame.text()));
                              }
                            });
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
    open.add(() -> server.close().syncUninterruptibly());
    return (InetSocketAddress) server.localAddress();
  }

  /** An address nothing listens on: connections to it are refused. */
  private static InetSocketAddress closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return (InetSocketAddress) s.getLocalSocketAddress();
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }

  private interface Call<T> {
    T run() throws Exception;
  }

  private static <T> T call(Call<T> call) {
    try {
      return call.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
