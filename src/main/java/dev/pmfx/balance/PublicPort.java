package dev.pmfx.balance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A cluster app's public port, which pmfx holds for the app's workers: a {@link Balancer} that
 * forwards requests or connections to each worker's private address, or a {@link Handoff} that
 * gives each accepted connection to a Node worker over its IPC channel.
 */
public sealed interface PublicPort extends AutoCloseable permits Balancer, Handoff {

  /** The port it listens on. */
  int port();

  /** Whether the worker is in rotation (added and not draining). */
  boolean routes(int workerId);

  /**
   * Takes a worker out of rotation and completes once what it was given is finished (true) or
   * {@code timeout} passed (false); then forgets it.
   */
  CompletableFuture<Boolean> drain(int workerId, Duration timeout);

  /** Takes a worker out at once: it exited, so nothing of it can be waited for. */
  void remove(int workerId);

  /** Each worker's counts, by worker id. */
  List<BackendStats> stats();

  @Override
  void close();
}
