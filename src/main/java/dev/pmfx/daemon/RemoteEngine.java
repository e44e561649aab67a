package dev.pmfx.daemon;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import dev.pmfx.engine.Command;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.Query;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link Engine} of a daemon, reached over its Unix-domain socket: every call is a line of JSON
 * and its answer another; subscriptions get the daemon's snapshot and events, on this engine's
 * reader thread, one at a time. {@link #close()} disconnects and leaves the workers running; {@link
 * #kill()} ends the daemon.
 */
public final class RemoteEngine implements Engine {

  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private final Transport transport;
  private final Writer out;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Pending<?>> pending = new ConcurrentHashMap<>();
  private final Map<Long, EngineListener> listeners = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> disconnected = new CompletableFuture<>();
  private volatile boolean closing;
  private volatile String said;
  private volatile boolean over;

  /** Listeners are called here, in order, as the engine calls them on its event thread. */
  private final java.util.concurrent.ExecutorService events =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("pmfx-remote-events").daemon().unstarted(r));

  private record Pending<T>(JavaType type, CompletableFuture<T> answer) {
    void complete(Wire.Message message) {
      if (message.error() != null) {
        answer.completeExceptionally(new DaemonException(message.error()));
      } else {
        try {
          answer.complete(Wire.JSON.convertValue(message.result(), type));
        } catch (IllegalArgumentException unreadable) {
          answer.completeExceptionally(unreadable);
        }
      }
    }
  }

  /** What the daemon said went wrong with a call. */
  public static final class DaemonException extends RuntimeException {
    DaemonException(String message) {
      super(message);
    }
  }

  private RemoteEngine(Transport transport) {
    this.transport = transport;
    this.out = transport.writer();
    Thread.ofPlatform().name("pmfx-remote").daemon().start(this::read);
  }

  /** Speaks the protocol over {@code transport}: a daemon reached another way than its socket. */
  public static RemoteEngine over(Transport transport) {
    return new RemoteEngine(transport);
  }

  /** Connects to the home's daemon, once it is sure the daemon runs as the home's owner. */
  static RemoteEngine connect(dev.pmfx.home.PmfxHome home) throws IOException {
    SocketChannel channel = Daemons.open(Daemons.socket(home));
    try {
      Daemons.checkPeer(channel, home.dir());
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new RemoteEngine(Transport.of(channel));
  }

  private void read() {
    try (BufferedReader in = transport.reader()) {
      String line;
      while ((line = in.readLine()) != null) {
        Wire.Message message;
        try {
          message = Wire.JSON.readValue(line, Wire.Message.class);
        } catch (IOException newer) {
          continue; // from a newer daemon, maybe: what this client cannot read, it leaves
        }
        if (message.subscription() != null) {
          EngineListener listener = listeners.get(message.subscription());
          if (listener != null) {
            events.execute(() -> deliver(listener, message));
          }
        } else if (message.id() != null && message.id() == 0 && message.error() != null) {
          said = message.error(); // about the connection, not a call: a refusal, say
        } else if (message.id() != null) {
          Pending<?> waiting = pending.remove(message.id());
          if (waiting != null) {
            // Not on this thread: what waits on the answer may well call the engine again.
            Thread.startVirtualThread(() -> waiting.complete(message));
          }
        }
      }
    } catch (IOException e) {
      // the daemon went away, or this engine closed
    } finally {
      over = true;
      IOException gone =
          new IOException(
              closing
                  ? "disconnected from the pmfx daemon"
                  : said != null
                      ? "the pmfx daemon refused: " + said
                      : "the pmfx daemon went away");
      pending.values().forEach(p -> p.answer().completeExceptionally(gone));
      pending.clear();
      events.execute(() -> disconnected.complete(null));
      events.shutdown();
    }
  }

  private static void deliver(EngineListener listener, Wire.Message message) {
    try {
      if (message.snapshot() != null) {
        listener.onSnapshot(message.snapshot());
      } else if (message.history() != null) {
        // an event of a kind only a newer daemon knows reads as null, and is passed over
        listener.onHistory(message.history().stream().filter(java.util.Objects::nonNull).toList());
      } else if (message.event() != null) {
        listener.onEvent(message.event());
      }
    } catch (RuntimeException e) {
      // a listener's failure is its own, as in the engine
    }
  }

  private volatile boolean startedByThis;
  volatile DaemonInfo daemon; // set by Daemons, or by Hosts, once it answered

  /** Whether the daemon said it ended on purpose ({@code pmfx kill}, SIGTERM) before it went. */
  public boolean endedOnPurpose() {
    String last = said;
    return last != null && last.startsWith(DaemonServer.ENDED);
  }

  /** Whether this client started the daemon (none ran when it connected). */
  public boolean startedTheDaemon() {
    return startedByThis;
  }

  RemoteEngine startedIt() {
    startedByThis = true;
    return this;
  }

  /** Completes when the connection ends: {@link #close()}, {@link #kill()}, or the daemon died. */
  public CompletableFuture<Void> disconnected() {
    return disconnected;
  }

  private <T> CompletableFuture<T> call(Wire.Call call, JavaType type) {
    return call(ids.incrementAndGet(), call, type);
  }

  private <T> CompletableFuture<T> call(long id, Wire.Call call, JavaType type) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    pending.put(id, new Pending<>(type, answer));
    if (over) {
      pending.remove(id);
      return CompletableFuture.failedFuture(new IOException("not connected to the pmfx daemon"));
    }
    try {
      String line = Wire.JSON.writeValueAsString(Wire.Message.call(id, call));
      synchronized (out) {
        out.write(line);
        out.write('\n');
        out.flush();
      }
    } catch (IOException e) {
      pending.remove(id);
      answer.completeExceptionally(e);
    }
    return answer;
  }

  private <T> CompletableFuture<T> call(Wire.Call call, TypeReference<T> type) {
    return call(call, Wire.JSON.getTypeFactory().constructType(type));
  }

  private static final JavaType BOOLEAN = Wire.JSON.getTypeFactory().constructType(Boolean.class);

  private CompletableFuture<CommandResult> command(Wire.Call call) {
    return call(call, new TypeReference<CommandResult>() {});
  }

  private <T> T await(CompletableFuture<T> answer) {
    return Engine.answer(timed(answer));
  }

  /**
   * The answer, or within {@link #ANSWER_TIMEOUT} an {@link UncheckedIOException} saying the daemon
   * did not answer; a connection that failed fails it as an {@link UncheckedIOException}, and an
   * error the daemon sent as an {@link IllegalStateException} with its words.
   */
  private <T> CompletableFuture<T> timed(CompletableFuture<T> answer) {
    return answer
        .orTimeout(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (value, failure) -> {
              if (failure == null) {
                return value;
              }
              Throwable cause =
                  failure instanceof java.util.concurrent.CompletionException wrapped
                      ? wrapped.getCause()
                      : failure;
              if (cause instanceof TimeoutException) {
                pending.values().removeIf(p -> p.answer() == answer);
                throw new UncheckedIOException(
                    new IOException(
                        "the pmfx daemon did not answer within "
                            + ANSWER_TIMEOUT.toSeconds()
                            + " s",
                        cause));
              }
              throw cause instanceof IOException io
                  ? new UncheckedIOException(io)
                  : new IllegalStateException(cause.getMessage(), cause);
            });
  }

  @Override
  public CompletableFuture<CommandResult> run(Command command) {
    return command(new Wire.Call.Run(command));
  }

  /**
   * Sends the question; the answer comes back as the query's type, or fails as {@link #timed} says.
   */
  @Override
  public <T> CompletableFuture<T> ask(Query<T> query) {
    return timed(call(new Wire.Call.Ask(query), query.answerType()));
  }

  @Override
  public void sampleEvery(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("sampling interval must be positive: " + interval);
    }
    call(new Wire.Call.SampleEvery(interval), BOOLEAN);
  }

  @Override
  public Subscription subscribe(EngineListener listener) {
    // Registered before the call leaves, under the call's id: the snapshot may come back before
    // the answer does.
    long subscription = ids.incrementAndGet();
    listeners.put(subscription, listener);
    try {
      await(
          this.<Boolean>call(
              subscription, new Wire.Call.Subscribe(listener.wantsHistory()), BOOLEAN));
    } catch (RuntimeException e) {
      listeners.remove(subscription);
      throw e;
    }
    return () -> {
      if (listeners.remove(subscription) != null && !disconnected.isDone()) {
        call(new Wire.Call.Unsubscribe(subscription), BOOLEAN);
      }
    };
  }

  /** What the daemon said of itself when this client reached it. */
  public DaemonInfo daemon() {
    return daemon;
  }

  public DaemonInfo ping() {
    return await(call(new Wire.Call.Ping(), new TypeReference<DaemonInfo>() {}));
  }

  /**
   * Ends the daemon: it stops every worker gracefully (their events still come to subscribers),
   * answers, and exits; returns once it answered.
   */
  public void kill() {
    if (over) {
      return; // gone already, by another kill or on its own
    }
    try {
      this.<Boolean>call(new Wire.Call.Kill(), BOOLEAN).get(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // It went away before it answered (another kill, say): ended either way.
    } catch (TimeoutException e) {
      throw new IllegalStateException("the pmfx daemon did not end within 10 minutes", e);
    } finally {
      close();
    }
  }

  /** Disconnects; the daemon and its workers go on. */
  @Override
  public void close() {
    closing = true;
    try {
      transport.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
