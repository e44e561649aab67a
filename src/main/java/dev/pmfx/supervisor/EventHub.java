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

  /** Log lines in flight to listeners at most: a flooding worker waits rather than fill memory. */
  static final int LINES_IN_FLIGHT = 100_000;

  /** Samples in {@link EngineListener#HISTORY} at the fastest interval, 1 s. */
  private static final int HISTORY_SAMPLES = (int) EngineListener.HISTORY.toSeconds();

  private static final Runnable STOP = () -> {};

  private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Runnable> deliveries = new LinkedBlockingQueue<>();
  private final Semaphore linesInFlight = new Semaphore(LINES_IN_FLIGHT);
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
    boolean held = event instanceof EngineEvent.LogLine && !onLoop.getAsBoolean();
    if (held) {
      linesInFlight.acquireUninterruptibly();
    }
    deliveries.add(
        () -> {
          remember(event);
          for (EngineListener listener : listeners) {
            call(() -> listener.onEvent(event));
          }
          if (held) {
            linesInFlight.release();
          }
        });
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
