package dev.pmfx.daemon;

import dev.pmfx.engine.Command;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.Query;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A host's daemon as the window keeps it: reached over {@link SshHost} in the background, and
 * reached again whenever the connection drops (the network, ssh, the host's bridge or daemon), with
 * a growing pause between attempts up to {@link #MOST_PAUSE}; a daemon ended on purpose ({@code
 * pmfx kill}) waits for {@link #reconnect}, which starts a new one. Listeners stay subscribed
 * across connections: each new one gives them the host's snapshot and history again. While the host
 * is not reached, commands fail at once with what ssh said, and the listeners keep what they had.
 */
public final class HostEngine implements Engine {

  /** The first pause after a failed attempt; it doubles up to {@link #MOST_PAUSE}. */
  static final Duration FIRST_PAUSE = Duration.ofSeconds(1);

  static final Duration MOST_PAUSE = Duration.ofSeconds(10);

  /** How long a connection holds before its loss starts the pauses over from the first. */
  static final Duration STEADY = Duration.ofSeconds(30);

  /**
   * Where the connection is.
   *
   * @param detail why it is not reached (ssh's words), or the daemon's pid and version once it is
   * @param since when it came to this
   */
  public record State(Kind kind, String detail, Instant since) {

    public enum Kind {
      CONNECTING,
      ONLINE,
      UNREACHABLE
    }

    public boolean online() {
      return kind == Kind.ONLINE;
    }
  }

  private final SshHost host;
  private final Map<EngineListener, Subscription> listeners = new ConcurrentHashMap<>();
  private final Semaphore wake = new Semaphore(0);
  private final Thread keeper;
  private volatile Consumer<State> states = state -> {};
  private volatile RemoteEngine current;
  private volatile State state = new State(State.Kind.CONNECTING, "", Instant.now());
  private volatile Duration sampling;
  private volatile boolean closed;

  private HostEngine(SshHost host) {
    this.host = host;
    this.keeper = Thread.ofVirtual().name("pmfx-host-" + host.destination()).unstarted(this::keep);
  }

  /** Begins to reach {@code host} in the background; {@code states} hears every change. */
  public static HostEngine reach(SshHost host, Consumer<State> states) {
    HostEngine engine = new HostEngine(host);
    engine.states = states;
    engine.keeper.start();
    return engine;
  }

  public String destination() {
    return host.destination();
  }

  public State state() {
    return state;
  }

  /** Tries again now rather than after the pause. */
  public void reconnect() {
    wake.release();
  }

  private void keep() {
    Duration pause = FIRST_PAUSE;
    while (!closed) {
      RemoteEngine engine;
      try {
        engine = host.connect();
      } catch (IOException | RuntimeException unreachable) {
        to(State.Kind.UNREACHABLE, unreachable.getMessage());
        if (!sleep(pause)) {
          return;
        }
        pause = longer(pause);
        continue;
      }
      Instant reached = Instant.now();
      try {
        Duration asked = sampling;
        if (asked != null) {
          engine.sampleEvery(asked);
        }
        synchronized (listeners) {
          if (closed) { // removed while it connected
            engine.close();
            return;
          }
          current = engine;
          listeners.replaceAll((listener, old) -> engine.subscribe(listener));
        }
      } catch (RuntimeException lostAtOnce) {
        // the link dropped between the ping and the subscriptions: try again, as after any loss
        synchronized (listeners) {
          current = null;
        }
        engine.close();
        to(State.Kind.UNREACHABLE, lostAtOnce.getMessage());
        if (!sleep(pause)) {
          return;
        }
        pause = longer(pause);
        continue;
      }
      wake.drainPermits(); // a Reconnect asked during the attempt is answered by it
      DaemonInfo daemon = engine.daemon();
      to(
          State.Kind.ONLINE,
          daemon == null ? "" : "pmfx " + daemon.version() + ", daemon pid " + daemon.pid());
      try {
        engine.disconnected().get();
      } catch (InterruptedException closing) {
        engine.close();
        return;
      } catch (java.util.concurrent.ExecutionException ended) {
        // ended all the same
      }
      synchronized (listeners) {
        current = null;
      }
      if (closed) {
        return;
      }
      if (engine.endedOnPurpose()) {
        // as this machine's window does: a daemon ended on purpose is not started again unasked
        to(State.Kind.UNREACHABLE, "its daemon was ended (pmfx kill); Reconnect starts a new one");
        try {
          wake.drainPermits();
          wake.acquire();
          wake.drainPermits();
        } catch (InterruptedException closing) {
          return;
        }
        pause = FIRST_PAUSE;
        continue;
      }
      to(State.Kind.UNREACHABLE, "the connection was lost");
      // a connection that held steadily starts the pauses over; one that dropped at once does not
      if (Duration.between(reached, Instant.now()).compareTo(STEADY) >= 0) {
        pause = FIRST_PAUSE;
      }
      if (!sleep(pause)) {
        return;
      }
      pause = longer(pause);
    }
  }

  private static Duration longer(Duration pause) {
    Duration twice = pause.multipliedBy(2);
    return twice.compareTo(MOST_PAUSE) > 0 ? MOST_PAUSE : twice;
  }

  /** Waits {@code pause}, or less when asked to reconnect; false once closed. */
  private boolean sleep(Duration pause) {
    try {
      wake.tryAcquire(pause.toMillis(), TimeUnit.MILLISECONDS);
      wake.drainPermits();
      return !closed;
    } catch (InterruptedException closing) {
      return false;
    }
  }

  private void to(State.Kind kind, String detail) {
    if (closed) {
      return;
    }
    state = new State(kind, detail == null ? "" : detail, Instant.now());
    states.accept(state);
  }

  private RemoteEngine reached() {
    RemoteEngine engine = current;
    if (engine == null) {
      throw new IllegalStateException(
          host.destination()
              + " is not reached"
              + (state.detail().isEmpty() ? "" : ": " + state.detail()));
    }
    return engine;
  }

  @Override
  public CompletableFuture<CommandResult> run(Command command) {
    try {
      return reached().run(command);
    } catch (IllegalStateException unreachable) {
      return CompletableFuture.failedFuture(unreachable);
    }
  }

  @Override
  public <T> CompletableFuture<T> ask(Query<T> query) {
    try {
      return reached().ask(query);
    } catch (IllegalStateException unreachable) {
      return CompletableFuture.failedFuture(unreachable);
    }
  }

  @Override
  public void sampleEvery(Duration interval) {
    sampling = interval;
    Optional.ofNullable(current).ifPresent(engine -> engine.sampleEvery(interval));
  }

  @Override
  public Subscription subscribe(EngineListener listener) {
    synchronized (listeners) {
      RemoteEngine engine = current;
      Subscription now = () -> {};
      if (engine != null) {
        try {
          now = engine.subscribe(listener);
        } catch (RuntimeException lost) {
          // the connection is going: the next one subscribes it
        }
      }
      listeners.put(listener, now);
    }
    return () -> {
      Subscription subscription;
      synchronized (listeners) {
        subscription = listeners.remove(listener);
      }
      if (subscription != null) {
        subscription.close();
      }
    };
  }

  /** Disconnects and stops reaching the host; its daemon and workers go on. */
  @Override
  public void close() {
    RemoteEngine engine;
    synchronized (listeners) {
      closed = true;
      engine = current;
    }
    keeper.interrupt();
    if (engine != null) {
      engine.close();
    }
  }
}
