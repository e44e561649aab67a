package dev.pmfx.daemon;

import dev.pmfx.engine.Command;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.Query;
import dev.pmfx.home.PmfxHome;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The window's engine: the home's daemon, reached again when it goes away without being told to
 * (killed, crashed), which starts a new one that takes over its workers. Its listeners are
 * subscribed again and get the new daemon's snapshot and history. A daemon ended on purpose ({@code
 * pmfx kill}) is not started again.
 */
public final class ReconnectingEngine implements Engine {

  /** How often, and how many times, a lost daemon is looked for again. */
  static final Duration RETRY = Duration.ofSeconds(1);

  static final int ATTEMPTS = 60;

  private final PmfxHome home;
  private final Map<EngineListener, Subscription> listeners = new ConcurrentHashMap<>();
  private volatile RemoteEngine current;
  private volatile boolean closed;
  private volatile Duration sampling;
  private volatile Consumer<String> notices = words -> {};

  public ReconnectingEngine(RemoteEngine first, PmfxHome home) {
    this.current = first;
    this.home = home;
    watch(first);
  }

  /** Where the engine says it lost the daemon, and found it again: the window's notices. */
  public void notices(Consumer<String> notices) {
    this.notices = notices;
  }

  /** Whether this window started the daemon it uses now. */
  public boolean startedTheDaemon() {
    return current.startedTheDaemon();
  }

  /** Ends the daemon and every worker; see {@link RemoteEngine#kill()}. */
  public void kill() {
    closed = true;
    current.kill();
  }

  private void watch(RemoteEngine engine) {
    engine
        .disconnected()
        .thenRun(
            () -> {
              if (closed || engine != current) {
                return;
              }
              if (engine.endedOnPurpose()) {
                notices.accept(
                    "The pmfx daemon was ended (pmfx kill): the window shows what was; open pmfx"
                        + " again to start a new one");
                return;
              }
              notices.accept("Lost the pmfx daemon; starting a new one, which takes over…");
              Thread.ofVirtual().name("pmfx-reconnect").start(this::reconnect);
            });
  }

  private void reconnect() {
    IOException last = null;
    for (int attempt = 0; attempt < ATTEMPTS && !closed; attempt++) {
      try {
        Thread.sleep(RETRY);
        RemoteEngine next = Daemons.connectOrStart(home);
        current = next;
        Duration asked = sampling;
        if (asked != null) {
          next.sampleEvery(asked);
        }
        listeners.replaceAll((listener, old) -> next.subscribe(listener));
        watch(next);
        notices.accept("Reached the pmfx daemon again (pid " + next.daemon().pid() + ")");
        return;
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException notYet) {
        last = notYet instanceof IOException io ? io : new IOException(notYet);
      }
    }
    if (!closed) {
      notices.accept(
          "Could not reach a pmfx daemon again"
              + (last == null ? "" : ": " + last.getMessage())
              + "; see "
              + Daemons.log(home));
    }
  }

  @Override
  public CompletableFuture<CommandResult> run(Command command) {
    return current.run(command);
  }

  @Override
  public <T> CompletableFuture<T> ask(Query<T> query) {
    return current.ask(query);
  }

  @Override
  public void sampleEvery(Duration interval) {
    sampling = interval;
    current.sampleEvery(interval);
  }

  @Override
  public Subscription subscribe(EngineListener listener) {
    listeners.put(listener, current.subscribe(listener));
    return () -> {
      Subscription subscription = listeners.remove(listener);
      if (subscription != null) {
        subscription.close();
      }
    };
  }

  /** Disconnects; the daemon and its workers go on. */
  @Override
  public void close() {
    closed = true;
    current.close();
  }
}
