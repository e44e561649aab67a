package dev.pmfx.ui;

import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The one way engine events reach the views: collected as they come, on the engine's thread, and
 * handed over in batches, at most every {@link #PERIOD}, on the FX thread. Producers never wait for
 * the FX thread; a log flood becomes a few list updates a second.
 */
public final class EngineBridge implements EngineListener, AutoCloseable {

  public static final Duration PERIOD = Duration.ofMillis(150);

  /**
   * A batch: the snapshot, if one came, with what happened before it ({@code past}), then the
   * events after it, in order.
   */
  public record Batch(List<AppStatus> snapshot, List<EngineEvent> past, List<EngineEvent> events) {
    public Batch(List<AppStatus> snapshot, List<EngineEvent> events) {
      this(snapshot, List.of(), events);
    }
  }

  /** What came as history, told apart from a snapshot in the queue. */
  private record Past(List<EngineEvent> events) {}

  private final ConcurrentLinkedQueue<Object> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean handedOver = new AtomicBoolean();
  private final Executor fxThread;
  private final Consumer<Batch> apply;
  private final ScheduledExecutorService ticker;

  /**
   * @param fxThread where batches are applied: {@link FxThread#run} in the app
   * @param apply what applies a batch to the view models
   */
  public EngineBridge(Executor fxThread, Consumer<Batch> apply) {
    this.fxThread = fxThread;
    this.apply = apply;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("pmfx-ui-bridge").daemon().unstarted(r));
    ticker.scheduleWithFixedDelay(
        this::handOver, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void onSnapshot(List<AppStatus> apps) {
    pending.add(apps);
  }

  @Override
  public void onEvent(EngineEvent event) {
    pending.add(event);
  }

  @Override
  public boolean wantsHistory() {
    return true;
  }

  @Override
  public void onHistory(List<EngineEvent> past) {
    pending.add(new Past(past));
  }

  private void handOver() {
    if (!pending.isEmpty() && handedOver.compareAndSet(false, true)) {
      fxThread.execute(this::drain);
    }
  }

  /** Applies everything collected so far; on the FX thread. */
  @SuppressWarnings("unchecked")
  void drain() {
    handedOver.set(false);
    List<AppStatus> snapshot = null;
    List<EngineEvent> past = List.of();
    List<EngineEvent> events = new ArrayList<>();
    Object next;
    while ((next = pending.poll()) != null) {
      if (next instanceof List<?> apps) {
        snapshot = (List<AppStatus>) apps;
        past = List.of();
        events.clear();
      } else if (next instanceof Past history) {
        past = history.events();
      } else {
        events.add((EngineEvent) next);
      }
    }
    if (snapshot != null || !events.isEmpty()) {
      apply.accept(new Batch(snapshot, past, events));
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
