package dev.pmfx.ui;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Ecosystem;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.Scale;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An engine on its way (the daemon starting while the window opens): commands and subscriptions
 * wait for it, so the window shows at once instead of after the daemon's start.
 */
final class PendingEngine implements Engine {

  private final CompletableFuture<Engine> engine;
  private volatile Duration sampling;

  PendingEngine(CompletableFuture<Engine> engine) {
    this.engine = engine;
    engine.thenAccept(
        e -> {
          Duration asked = sampling;
          if (asked != null) {
            e.sampleEvery(asked);
          }
        });
  }

  /** The engine, once it is there. */
  Optional<Engine> now() {
    return engine.isDone() && !engine.isCompletedExceptionally()
        ? Optional.of(engine.join())
        : Optional.empty();
  }

  CompletableFuture<Engine> later() {
    return engine;
  }

  @Override
  public CompletableFuture<CommandResult> start(
      Ecosystem ecosystem, Optional<String> envName, Set<String> only) {
    return engine.thenCompose(e -> e.start(ecosystem, envName, only));
  }

  @Override
  public CompletableFuture<CommandResult> start(String target) {
    return engine.thenCompose(e -> e.start(target));
  }

  @Override
  public CompletableFuture<CommandResult> stop(String target) {
    return engine.thenCompose(e -> e.stop(target));
  }

  @Override
  public CompletableFuture<CommandResult> restart(String target) {
    return engine.thenCompose(e -> e.restart(target));
  }

  @Override
  public CompletableFuture<CommandResult> reload(String target) {
    return engine.thenCompose(e -> e.reload(target));
  }

  @Override
  public CompletableFuture<CommandResult> scale(String app, Scale scale) {
    return engine.thenCompose(e -> e.scale(app, scale));
  }

  @Override
  public CompletableFuture<CommandResult> delete(String target) {
    return engine.thenCompose(e -> e.delete(target));
  }

  @Override
  public CompletableFuture<CommandResult> flush(String target) {
    return engine.thenCompose(e -> e.flush(target));
  }

  @Override
  public List<AppStatus> snapshot() {
    return engine.join().snapshot();
  }

  @Override
  public Optional<EngineEvent.MetricsSample> lastSample() {
    return engine.join().lastSample();
  }

  @Override
  public List<EngineEvent.LogLine> tail(int workerId, int lines) {
    return engine.join().tail(workerId, lines);
  }

  @Override
  public CompletableFuture<List<EngineEvent.LogLine>> logHistory(AppSpec spec, int lines) {
    return engine.thenCompose(e -> e.logHistory(spec, lines));
  }

  /** The last interval asked for applies, whenever the engine comes. */
  @Override
  public void sampleEvery(Duration interval) {
    sampling = interval;
    now().ifPresent(e -> e.sampleEvery(interval));
  }

  @Override
  public Subscription subscribe(EngineListener listener) {
    CompletableFuture<Subscription> subscribed =
        engine.thenApplyAsync(e -> e.subscribe(listener), Thread::startVirtualThread);
    return () -> subscribed.thenAccept(Subscription::close);
  }

  @Override
  public void close() {
    engine.thenAccept(Engine::close);
  }
}
