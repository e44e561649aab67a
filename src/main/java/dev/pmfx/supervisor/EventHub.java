package dev.pmfx.supervisor;

import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * Events reach listeners from one dispatcher thread, in the order they were published, and never
 * under a lock the loop needs: a listener may call back into the engine. Keeps the recent state
 * changes and samples a later listener gets as its history.
 */
final class EventHub {

  /**
   * What log lines in flight to listeners may weigh at most, in bytes as {@link #weight} counts
   * them (8 MiB: some 20,000 lines of 100 characters, or 4 of 1 MiB): a flooding worker waits
   * rather than fill memory, which a count of lines alone would not ensure, lines being up to 1
   * MiB.
   */
  static final int BYTES_IN_FLIGHT = 8 << 20;

  /** Samples in {@link EngineListener#HISTORY} at the fastest interval, 1 s. */
  private static final int HISTORY_SAMPLES = (int) EngineListener.HISTORY.toSeconds();

  private static final Runnable STOP = () -> {};

  private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Runnable> deliveries = new LinkedBlockingQueue<>();
  private final Semaphore bytesInFlight = new Semaphore(BYTES_IN_FLIGHT);
  private final BooleanSupplier onLoop;
  private final Thread dispatcher;

  /** Touched by the dispatcher alone. */
  private final ArrayDeque<EngineEvent> recent = new ArrayDeque<>();

  /**
   * @param onLoop whether the caller is the loop, which never waits for listeners
   */
  EventHub(BooleanSupplier onLoop) {
    this.onLoop = onLoop;
    this.dispatcher = Thread.ofPlatform().name("pmfx-engine-events").daemon().start(this::run);
  }

  private void run() {
    while (true) {
      Runnable delivery;
      try {
        delivery = deliveries.take();
      } catch (InterruptedException e) {
        return;
      }
      if (delivery == STOP) {
        return;
      }
      delivery.run();
    }
  }

  void publish(EngineEvent event) {
    int held =
        event instanceof EngineEvent.LogLine line && !onLoop.getAsBoolean() ? weight(line) : 0;
    if (held > 0) {
      bytesInFlight.acquireUninterruptibly(held);
    }
    deliveries.add(
        () -> {
          remember(event);
          for (EngineListener listener : listeners) {
            call(() -> listener.onEvent(event));
          }
          if (held > 0) {
            bytesInFlight.release(held);
          }
        });
  }

  /**
   * A line's bytes on the heap, roughly: its text (two bytes a character at worst) and some 200 for
   * the event, its string and the delivery; never more than the whole budget.
   */
  static int weight(EngineEvent.LogLine line) {
    return (int) Math.min(BYTES_IN_FLIGHT, 2L * line.text().length() + 200);
  }

  /**
   * Adds a listener: it gets {@code snapshot}, its history if it wants it, then every event
   * published after this call, none twice. Call it on the loop, where the snapshot was taken.
   */
  Engine.Subscription subscribe(EngineListener listener, List<AppStatus> snapshot) {
    deliveries.add(
        () -> {
          call(() -> listener.onSnapshot(snapshot));
          if (listener.wantsHistory()) {
            List<EngineEvent> past = List.copyOf(recent);
            call(() -> listener.onHistory(past));
          }
          listeners.add(listener);
        });
    return () -> listeners.remove(listener);
  }

  private void remember(EngineEvent event) {
    if (!(event instanceof EngineEvent.MetricsSample)
        && !(event instanceof EngineEvent.WorkerChanged)) {
      return;
    }
    recent.addLast(event);
    Instant oldest = event.at().minus(EngineListener.HISTORY);
    while (!recent.isEmpty()
        && (recent.peekFirst().at().isBefore(oldest)
            || recent.size() > EngineListener.HISTORY_CHANGES + HISTORY_SAMPLES)) {
      recent.removeFirst();
    }
  }

  private static void call(Runnable listenerCode) {
    try {
      listenerCode.run();
    } catch (RuntimeException e) {
      // a listener's failure is its own; the engine and the other listeners go on
    }
  }

  /** Delivers what was published, then stops the dispatcher. */
  void close() {
    deliveries.add(STOP);
    try {
      dispatcher.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
