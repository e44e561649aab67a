package dev.pmfx.balance;

import dev.pmfx.posix.Libc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A cluster app's public port whose connections go to Node workers whole: pmfx accepts each one and
 * passes its descriptor over the chosen worker's IPC channel, as Node's cluster primary does, then
 * closes its own copy. The worker's shim gives it to the server the app made, so pmfx is out of the
 * request path. The workers report their counts (requests, errors, latency, open connections) over
 * the same channel; least-connections goes by those.
 *
 * <p>Draining stops hand-offs to a worker and asks it to close each connection once no request is
 * in flight on it; it completes when the worker says it has none left.
 */
public final class Handoff implements PublicPort {

  /** A worker's end of the hand-off: its IPC channel. */
  public interface Target {
    /**
     * Passes the connection {@code fd} to the worker, now or after those passed before it; if the
     * channel ends before it went, {@code unpassed} gets it back. False when the channel is closed
     * already (the descriptor is still the caller's).
     */
    boolean pass(int fd, IntConsumer unpassed);

    /**
     * Asks the worker to close its connections once they are idle, and to say when none is left.
     */
    void drain();
  }

  private static final byte[] UNAVAILABLE =
      ("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
              + "Connection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  private final class Worker {
    final int id;
    final Target target;
    volatile boolean draining;
    volatile boolean gone;
    final CompletableFuture<Void> drained = new CompletableFuture<>();

    /** Passed since the worker's last report, which then counts them among its open ones. */
    final AtomicInteger passedSinceReport = new AtomicInteger();

    volatile long requests;
    volatile int inFlight;
    volatile long errors;
    volatile int open;
    volatile double p50Millis;
    volatile double p99Millis;

    Worker(int id, Target target) {
      this.id = id;
      this.target = target;
    }

    int load() {
      return open + passedSinceReport.get();
    }

    BackendStats stats() {
      return new BackendStats(
          id, "handoff", draining, requests, inFlight, errors, p50Millis, p99Millis);
    }
  }

  private final int listening;

  /**
   * Held while the listening socket is shut down (by close) or closed (by the accepting thread).
   */
  private final Object listeningLock = new Object();

  private final int port;
  private final Balancer.Strategy strategy;
  private final Duration waitForWorker;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final AtomicInteger turn = new AtomicInteger();
  private volatile boolean closed;

  private Handoff(int listening, Balancer.Strategy strategy, Duration waitForWorker)
      throws IOException {
    this.listening = listening;
    try {
      this.port = Libc.localPort(listening);
    } catch (IOException e) {
      Libc.close(listening);
      throw e;
    }
    this.strategy = strategy;
    this.waitForWorker = waitForWorker;
    Thread.ofPlatform()
        .daemon()
        .stackSize(256 * 1024)
        .name("pmfx-handoff-" + port)
        .start(this::acceptLoop);
  }

  /** Whether connections can be handed off here (Linux, glibc 2.34 or later). */
  public static boolean available() {
    return Libc.AVAILABLE;
  }

  /**
   * Accepts on {@code listening}, a socket that listens already: one a keeper held while no daemon
   * ran, whose backlog holds the connections that came meanwhile.
   */
  public static Handoff on(int listening, Balancer.Options options) throws IOException {
    return new Handoff(listening, options.strategy(), options.waitForWorker());
  }

  /** The listening socket's descriptor, which a keeper may hold too. */
  public int descriptor() {
    return listening;
  }

  /** Listens on {@code port} of every interface (0: any free port). */
  public static Handoff open(int port, Balancer.Options options) throws IOException {
    int fd;
    try {
      fd = Libc.listenTcp(port, 1024);
    } catch (Libc.Failure e) {
      throw new IOException(
          "cannot listen on port "
              + port
              + ": "
              + (e.errno == Libc.EADDRINUSE
                  ? "another program (or app) listens there"
                  : e.getMessage()),
          e);
    }
    return new Handoff(fd, options.strategy(), options.waitForWorker());
  }

  @Override
  public int port() {
    return port;
  }

  /** Puts a worker into rotation; one already there keeps its place and counts. */
  public void add(int workerId, Target target) {
    boolean there =
        workers.stream()
            .anyMatch(w -> w.id == workerId && w.target == target && !w.draining && !w.gone);
    if (!there) {
      remove(workerId);
      workers.add(new Worker(workerId, target));
    }
  }

  @Override
  public boolean routes(int workerId) {
    return workers.stream().anyMatch(w -> w.id == workerId && !w.draining && !w.gone);
  }

  @Override
  public CompletableFuture<Boolean> drain(int workerId, Duration timeout) {
    Worker worker = find(workerId);
    if (worker == null) {
      return CompletableFuture.completedFuture(true);
    }
    worker.draining = true;
    worker.target.drain();
    return worker
        .drained
        .thenApply(done -> true)
        .completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((finished, e) -> forget(worker));
  }

  /** The worker said it has no connection left (after {@link Target#drain}). */
  public void drained(int workerId) {
    Worker worker = find(workerId);
    if (worker != null && worker.draining) {
      worker.drained.complete(null);
    }
  }

  /** What a worker reported: its requests and errors so far, and what is open now. */
  public void counts(
      int workerId,
      long requests,
      int inFlight,
      long errors,
      int open,
      double p50Millis,
      double p99Millis) {
    Worker worker = find(workerId);
    if (worker != null) {
      worker.requests = requests;
      worker.inFlight = inFlight;
      worker.errors = errors;
      worker.open = open;
      worker.p50Millis = p50Millis;
      worker.p99Millis = p99Millis;
      worker.passedSinceReport.set(0);
    }
  }

  @Override
  public void remove(int workerId) {
    workers.stream().filter(w -> w.id == workerId).toList().forEach(this::forget);
  }

  private void forget(Worker worker) {
    worker.gone = true;
    workers.remove(worker);
  }

  private Worker find(int workerId) {
    for (Worker w : workers) {
      if (w.id == workerId) {
        return w;
      }
    }
    return null;
  }

  @Override
  public List<BackendStats> stats() {
    return workers.stream()
        .map(Worker::stats)
        .sorted(Comparator.comparingInt(BackendStats::workerId))
        .toList();
  }

  // ---------------------------------------------------------------- accepting and passing

  private void acceptLoop() {
    while (!closed) {
      Libc.Accepted connection;
      try {
        connection = Libc.accept(listening);
      } catch (Libc.Failure e) {
        if (closed) {
          break;
        }
        // Out of descriptors, or memory: a moment's pause, then on; the backlog holds the rest.
        sleep(50);
        continue;
      }
      if (!pass(connection.fd(), connection.client())) {
        waitForAWorker(connection.fd(), connection.client());
      }
    }
    synchronized (listeningLock) {
      Libc.close(listening); // after close() shut it down: the number is not reused under it
    }
  }

  /** Gives the connection to a worker in rotation; false when there is none to take it. */
  private boolean pass(int fd, byte[] client) {
    List<Worker> tried = new ArrayList<>(2);
    Worker chosen;
    while ((chosen = choose(client, tried)) != null) {
      Worker worker = chosen;
      if (worker.target.pass(fd, back -> passOrWait(back, client))) {
        worker.passedSinceReport.incrementAndGet();
        return true;
      }
      tried.add(worker); // its channel closed: it is on its way out
    }
    return false;
  }

  private void passOrWait(int fd, byte[] client) {
    if (!pass(fd, client)) {
      waitForAWorker(fd, client);
    }
  }

  /** A connection that no worker could take yet, and until when it may wait. */
  private record Waiting(int fd, byte[] client, long deadlineNanos) {}

  private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean waiter = new AtomicBoolean();

  /**
   * While no worker is in rotation, a connection waits a bounded time for one, then gets 503. One
   * thread serves every waiting connection, in the order they came, every 25 ms while any waits.
   */
  private void waitForAWorker(int fd, byte[] client) {
    waiting.add(new Waiting(fd, client, System.nanoTime() + waitForWorker.toNanos()));
    if (waiter.compareAndSet(false, true)) {
      Thread.ofVirtual().name("pmfx-handoff-wait").start(this::serveWaiting);
    }
  }

  private void serveWaiting() {
    while (true) {
      sleep(25);
      for (int n = waiting.size(); n > 0; n--) {
        Waiting w = waiting.poll();
        if (w == null) {
          break;
        }
        if (closed || System.nanoTime() - w.deadlineNanos() >= 0) {
          unavailable(w.fd());
        } else if (!pass(w.fd(), w.client())) {
          waiting.add(w); // behind the others, which keeps their order
        }
      }
      if (waiting.isEmpty()) {
        waiter.set(false);
        // One that came after the check finds the flag down and starts a thread of its own,
        // unless this one takes it up again first.
        if (waiting.isEmpty() || !waiter.compareAndSet(false, true)) {
          return;
        }
      }
    }
  }

  private static void unavailable(int fd) {
    Libc.answerAndClose(fd, UNAVAILABLE);
  }

  private Worker choose(byte[] client, List<Worker> tried) {
    List<Worker> open = new ArrayList<>(workers.size());
    for (Worker w : workers) {
      if (!w.draining && !w.gone && !tried.contains(w)) {
        open.add(w);
      }
    }
    if (open.isEmpty() || closed) {
      return null;
    }
    int next = Math.floorMod(turn.getAndIncrement(), open.size());
    return switch (strategy) {
      case ROUND_ROBIN -> open.get(next);
      case LEAST_CONNECTIONS -> {
        Worker least = open.get(next);
        for (Worker w : open) {
          if (w.load() < least.load()) {
            least = w;
          }
        }
        yield least;
      }
      case STICKY -> {
        // Rendezvous hashing, as the HTTP balancer: a client keeps its worker while that worker
        // stays in rotation.
        int who = Arrays.hashCode(client);
        Worker best = null;
        long bestScore = Long.MIN_VALUE;
        for (Worker w : open) {
          long score = Balancer.mix(who * 31L + w.id);
          if (best == null || score > bestScore) {
            best = w;
            bestScore = score;
          }
        }
        yield best;
      }
    };
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    synchronized (listeningLock) {
      if (closed) {
        return;
      }
      closed = true;
      Libc.shutdown(listening); // wakes the accepting thread, which closes it
    }
    workers.forEach(this::forget);
  }
}
