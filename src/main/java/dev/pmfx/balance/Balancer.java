package dev.pmfx.balance;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One public port of a cluster app, shared by its workers. Each request (HTTP mode) or connection
 * (TCP mode) goes to one worker that is in rotation, chosen by the strategy; one that could not be
 * delivered goes to another; with none in rotation it waits a bounded time for one, then gets 503.
 * A worker leaves the rotation by {@link #drain} (its requests in flight finish first) or {@link
 * #remove} (it is gone).
 */
public final class Balancer implements PublicPort {

  public enum Mode {
    /** Routes each request; keep-alive on both sides; WebSocket and other upgrades tunnelled. */
    HTTP,
    /** Splices each connection to one worker, for protocols other than HTTP/1.1. */
    TCP
  }

  public enum Strategy {
    ROUND_ROBIN,
    LEAST_CONNECTIONS,
    /** The same client address goes to the same worker while it is in rotation. */
    STICKY
  }

  /**
   * @param waitForWorker how long a request waits for a worker while none is in rotation
   * @param headersTimeout how long a client may take to send a request's head once it began it
   *     (HTTP mode): then it is answered 408 and closed, so that clients sending a byte now and
   *     then (slowloris) cannot hold connections for ever
   */
  public record Options(
      Mode mode, Strategy strategy, Duration waitForWorker, Duration headersTimeout) {

    /** Node's http server's {@code headersTimeout}, which a worker behind PM2 would have. */
    public static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);

    public Options(Mode mode, Strategy strategy, Duration waitForWorker) {
      this(mode, strategy, waitForWorker, HEADERS_TIMEOUT);
    }

    public static Options defaults() {
      return new Options(Mode.HTTP, Strategy.ROUND_ROBIN, Duration.ofSeconds(10));
    }

    public Options with(Strategy strategy) {
      return new Options(mode, strategy, waitForWorker, headersTimeout);
    }

    public Options with(Mode mode) {
      return new Options(mode, strategy, waitForWorker, headersTimeout);
    }

    public Options withHeadersTimeout(Duration headersTimeout) {
      return new Options(mode, strategy, waitForWorker, headersTimeout);
    }
  }

  private final Loops loops;
  private final Options options;
  private final Channel server;
  private final List<Backend> backends = new CopyOnWriteArrayList<>();
  private final AtomicInteger turn = new AtomicInteger();
  private volatile boolean closed;

  private Balancer(Loops loops, Options options, SocketAddress bind) throws IOException {
    this.loops = loops;
    this.options = options;
    ServerBootstrap bootstrap = bootstrap().channel(loops.serverChannel());
    try {
      this.server = bootstrap.bind(bind).syncUninterruptibly().channel();
    } catch (Exception e) {
      String why =
          String.valueOf(e.getMessage()).contains("Address already in use")
              ? "another program (or app) listens there"
              : e.getMessage();
      throw new IOException("cannot listen on " + describe(bind) + ": " + why, e);
    }
  }

  /** Accepts on {@code listening}, a TCP socket that listens already (native epoll only). */
  private Balancer(Loops loops, Options options, int listening) throws IOException {
    this.loops = loops;
    this.options = options;
    if (!Loops.domainSockets()) {
      throw new IOException("a listening socket can be taken over only with native epoll");
    }
    ServerBootstrap bootstrap =
        bootstrap().channelFactory(() -> new EpollServerSocketChannel(listening));
    try {
      this.server = bootstrap.register().syncUninterruptibly().channel();
    } catch (Exception e) {
      dev.pmfx.posix.Libc.close(listening);
      throw new IOException("cannot accept on the socket taken over: " + e.getMessage(), e);
    }
  }

  private ServerBootstrap bootstrap() {
    return new ServerBootstrap()
        .group(loops.group())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.AUTO_READ, options.mode() == Mode.HTTP)
        .childHandler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel channel) {
                if (options.mode() == Mode.HTTP) {
                  RequestHeadTimeout head = new RequestHeadTimeout(options.headersTimeout());
                  channel
                      .pipeline()
                      .addLast(RequestHeadTimeout.BYTES, head.bytes())
                      .addLast(
                          "http",
                          new HttpServerCodec(
                              new io.netty.handler.codec.http.HttpDecoderConfig()
                                  .setValidateHeaders(false)))
                      .addLast(RequestHeadTimeout.HEADS, head.heads())
                      .addLast("front", new HttpFrontend(Balancer.this));
                } else {
                  channel.pipeline().addLast("front", new TcpFrontend(Balancer.this));
                }
              }
            });
  }

  /**
   * Accepts on {@code listening}, a socket that listens already: one a keeper held while no daemon
   * ran, whose backlog holds the connections that came meanwhile.
   */
  public static Balancer on(Loops loops, int listening, Options options) throws IOException {
    return new Balancer(loops, options, listening);
  }

  /** The listening socket's descriptor, which a keeper may hold too; -1 without native epoll. */
  public int descriptor() {
    return server instanceof EpollServerSocketChannel epoll ? epoll.fd().intValue() : -1;
  }

  /** Listens on {@code port} of every interface (0: any free port). */
  public static Balancer open(Loops loops, int port, Options options) throws IOException {
    return new Balancer(loops, options, new InetSocketAddress(port));
  }

  /** Listens on one address, such as the loopback one an app asked for. */
  public static Balancer open(Loops loops, InetSocketAddress bind, Options options)
      throws IOException {
    return new Balancer(loops, options, bind);
  }

  private static String describe(SocketAddress address) {
    return address instanceof InetSocketAddress inet
        ? (inet.getAddress() != null && inet.getAddress().isAnyLocalAddress()
            ? "port " + inet.getPort()
            : inet.getHostString() + ":" + inet.getPort())
        : address.toString();
  }

  /** The port it listens on. */
  @Override
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  public Options options() {
    return options;
  }

  Loops loops() {
    return loops;
  }

  /**
   * Puts a worker listening at {@code where} (a TCP address, or a Unix socket's) into rotation; a
   * worker already there at that address keeps its place and its counts.
   */
  public void add(int workerId, SocketAddress where) {
    SocketAddress address =
        where instanceof java.net.UnixDomainSocketAddress unix
            ? new io.netty.channel.unix.DomainSocketAddress(unix.getPath().toFile())
            : where;
    boolean there =
        backends.stream()
            .anyMatch(
                b -> b.workerId == workerId && b.address.equals(address) && !b.draining && !b.gone);
    if (!there) {
      remove(workerId);
      backends.add(new Backend(workerId, address));
    }
  }

  /** Whether the worker is in rotation (added and not draining). */
  @Override
  public boolean routes(int workerId) {
    return backends.stream().anyMatch(b -> b.workerId == workerId && !b.draining);
  }

  /**
   * Takes a worker out of rotation and completes once its requests in flight have finished (true)
   * or {@code timeout} passed (false); then closes its idle connections and forgets it.
   */
  @Override
  public CompletableFuture<Boolean> drain(int workerId, Duration timeout) {
    Backend backend =
        backends.stream().filter(b -> b.workerId == workerId).findFirst().orElse(null);
    if (backend == null) {
      return CompletableFuture.completedFuture(true);
    }
    backend.draining = true;
    backend.closeIdle();
    if (backend.inFlight.get() == 0) {
      backend.drained.complete(null);
    }
    return backend
        .drained
        .thenApply(done -> true)
        .completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((finished, e) -> forget(backend));
  }

  /** Takes a worker out at once: it exited, so nothing of it can be waited for. */
  @Override
  public void remove(int workerId) {
    backends.stream().filter(b -> b.workerId == workerId).toList().forEach(this::forget);
  }

  private void forget(Backend backend) {
    backend.gone = true;
    backends.remove(backend);
    backend.closeIdle();
  }

  /** Each worker's counts, by worker id. */
  @Override
  public List<BackendStats> stats() {
    return backends.stream()
        .map(Backend::stats)
        .sorted(Comparator.comparingInt(BackendStats::workerId))
        .toList();
  }

  // ---------------------------------------------------------------- choosing

  /**
   * Calls {@code use} with a worker in rotation that is not in {@code tried}, on the client's event
   * loop; while there is none, tries again every 25 ms until {@code deadlineNanos}, then calls
   * {@code unavailable}.
   */
  void pick(
      Channel client,
      Set<Backend> tried,
      long deadlineNanos,
      Consumer<Backend> use,
      Runnable unavailable) {
    Backend chosen = closed ? null : choose(client.remoteAddress(), tried);
    if (chosen != null) {
      use.accept(chosen);
    } else if (closed || System.nanoTime() >= deadlineNanos || !client.isActive()) {
      unavailable.run();
    } else {
      client
          .eventLoop()
          .schedule(
              () -> pick(client, tried, deadlineNanos, use, unavailable),
              25,
              TimeUnit.MILLISECONDS);
    }
  }

  long deadline() {
    return System.nanoTime() + options.waitForWorker().toNanos();
  }

  private Backend choose(SocketAddress client, Set<Backend> tried) {
    // Called for every request: plain loops, no streams.
    List<Backend> candidates = new java.util.ArrayList<>(backends.size());
    List<Backend> willing = new java.util.ArrayList<>(backends.size());
    long now = System.nanoTime();
    for (Backend b : backends) {
      if (!b.draining && !b.gone && !tried.contains(b)) {
        candidates.add(b);
        if (b.refusedUntil - now <= 0) {
          willing.add(b);
        }
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    List<Backend> open = willing.isEmpty() ? candidates : willing;
    int next = Math.floorMod(turn.getAndIncrement(), open.size());
    return switch (options.strategy()) {
      case ROUND_ROBIN -> open.get(next);
      case LEAST_CONNECTIONS -> {
        Backend least = open.get(next);
        for (Backend b : open) {
          if (b.inFlight.get() < least.inFlight.get()) {
            least = b;
          }
        }
        yield least;
      }
      case STICKY -> {
        // Rendezvous hashing: a client keeps its worker while that worker stays in rotation,
        // whoever else joins or leaves.
        String who = clientKey(client);
        Backend best = null;
        long bestScore = Long.MIN_VALUE;
        for (Backend b : open) {
          long score = mix(who.hashCode() * 31L + b.workerId);
          if (best == null || score > bestScore) {
            best = b;
            bestScore = score;
          }
        }
        yield best;
      }
    };
  }

  private static String clientKey(SocketAddress client) {
    if (client instanceof InetSocketAddress inet) {
      InetAddress address = inet.getAddress();
      return address == null ? inet.getHostString() : address.getHostAddress();
    }
    return String.valueOf(client);
  }

  /** SplitMix64's finaliser: spreads nearby keys over the whole range. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  @Override
  public void close() {
    closed = true;
    server.close().syncUninterruptibly();
    backends.forEach(this::forget);
  }
}
