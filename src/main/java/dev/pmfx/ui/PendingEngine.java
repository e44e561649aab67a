package dev.pmfx.ui;

import dev.pmfx.engine.Command;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.Query;
import java.time.Duration;
import java.util.Optional;
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
  public CompletableFuture<CommandResult> run(Command command) {
    return engine.thenCompose(e -> e.run(command));
  }

  @Override
  public <T> CompletableFuture<T> ask(Query<T> query) {
    return engine.thenCompose(e -> e.ask(query));
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
