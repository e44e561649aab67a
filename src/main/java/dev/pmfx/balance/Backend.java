package dev.pmfx.balance;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** One worker as the balancer sees it: an address, its idle connections, and its counts. */
final class Backend {

  /** Latencies kept for percentiles: the most recent ones. */
  private static final int RECENT = 1024;

  final int workerId;
  final java.net.SocketAddress address;
  volatile boolean draining;

  /** Set when it leaves: connections handed back after that are closed, not kept. */
  volatile boolean gone;

  final AtomicInteger inFlight = new AtomicInteger();
  final LongAdder requests = new LongAdder();
  final LongAdder errors = new LongAdder();

  /** Idle keep-alive connections by the event loop they live on: a client reuses its own loop's. */
  private final java.util.Map<io.netty.channel.EventLoop, Deque<Channel>> idle =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Completed once it is drained: nothing in flight after it left the rotation. */
  final CompletableFuture<Void> drained = new CompletableFuture<>();

  private final long[] latencies = new long[RECENT];
  private long recorded;

  Backend(int workerId, java.net.SocketAddress address) {
    this.workerId = workerId;
    this.address = address;
  }

  void begin() {
    requests.increment();
    inFlight.incrementAndGet();
  }

  /** One request or connection finished, in {@code nanos}; a failed one counts as an error. */
  void end(long nanos, boolean failed) {
    if (failed) {
      errors.increment();
    } else {
      synchronized (latencies) {
        latencies[(int) (recorded++ % RECENT)] = nanos;
      }
    }
    if (inFlight.decrementAndGet() == 0 && draining) {
      drained.complete(null);
    }
  }

  /**
   * Ends a spliced connection (TCP mode, an upgrade) begun at {@code startedNanos}: whichever of
   * its two sides closes first runs it, and only that one counts.
   */
  Runnable endOnce(long startedNanos) {
    java.util.concurrent.atomic.AtomicBoolean ended =
        new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (ended.compareAndSet(false, true)) {
        end(System.nanoTime() - startedNanos, false);
      }
    };
  }

  /** Until when (System.nanoTime) it is passed over after refusing a connection. */
  volatile long refusedUntil;

  /** How long a worker that refused a connection is passed over while others are there. */
  static final long REFUSED_PAUSE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

  /**
   * A connection that never reached the worker: an error, no longer in flight, and the worker is
   * passed over for a second (it is likely starting or stopping).
   */
  void refused() {
    refusedUntil = System.nanoTime() + REFUSED_PAUSE_NANOS;
    errors.increment();
    requests.decrement();
    if (inFlight.decrementAndGet() == 0 && draining) {
      drained.complete(null);
    }
  }

  /** A keep-alive connection back to the pool, unless the worker is leaving. */
  void release(Channel channel) {
    if (gone || draining || !channel.isActive()) {
      channel.close();
    } else {
      idle.computeIfAbsent(channel.eventLoop(), k -> new ConcurrentLinkedDeque<>()).push(channel);
      if (gone || draining) {
        closeIdle(); // it left while the connection was put back
      }
    }
  }

  /** An idle connection on {@code loop} to reuse, or null. */
  Channel pooled(io.netty.channel.EventLoop loop) {
    Deque<Channel> mine = idle.get(loop);
    Channel channel;
    while (mine != null && (channel = mine.poll()) != null) {
      if (channel.isActive()) {
        return channel;
      }
    }
    return null;
  }

  void closeIdle() {
    for (Deque<Channel> channels : idle.values()) {
      Channel channel;
      while ((channel = channels.poll()) != null) {
        channel.close();
      }
    }
  }

  BackendStats stats() {
    long[] recent;
    synchronized (latencies) {
      recent = Arrays.copyOf(latencies, (int) Math.min(recorded, RECENT));
    }
    Arrays.sort(recent);
    return new BackendStats(
        workerId,
        address instanceof InetSocketAddress inet
            ? inet.getHostString() + ":" + inet.getPort()
            : String.valueOf(address),
        draining,
        requests.sum(),
        inFlight.get(),
        errors.sum(),
        percentile(recent, 0.50),
        percentile(recent, 0.99));
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }
}
