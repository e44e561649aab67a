package dev.pmfx.ui;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where view models send slow work (loading a config runs Node.js): off the FX thread, with the
 * result handed back on it. Tests use {@link #inline()} so view models run without a window.
 */
public interface Background {

  <T> void run(Supplier<T> work, Consumer<T> onFxThread);

  /** Runs {@code action} on the FX thread (in tests: where it is called from). */
  void later(Runnable action);

  /** Work on a virtual thread, its result on the FX thread. */
  static Background virtualThreads() {
    return new Background() {
      @Override
      public <T> void run(Supplier<T> work, Consumer<T> onFxThread) {
        Thread.ofVirtual()
            .name("pmfx-background")
            .start(
                () -> {
                  T result = work.get();
                  FxThread.run(() -> onFxThread.accept(result));
                });
      }

      @Override
      public void later(Runnable action) {
        FxThread.run(action);
      }
    };
  }

  /** Work and result on the calling thread. */
  static Background inline() {
    return new Background() {
      @Override
      public <T> void run(Supplier<T> work, Consumer<T> onFxThread) {
        onFxThread.accept(work.get());
      }

      @Override
      public void later(Runnable action) {
        action.run();
      }
    };
  }
}
