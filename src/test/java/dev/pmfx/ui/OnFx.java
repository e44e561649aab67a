package dev.pmfx.ui;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Reads of the window's state for the UI tests, made on the FX thread: the view model's lists and
 * the table change there as workers come and go, and a read beside it can meet a list mid-change
 * ({@link java.util.ConcurrentModificationException}).
 */
final class OnFx {
  private OnFx() {}

  /** What {@code read} gives on the FX thread; called directly when already there. */
  static <T> T read(Callable<T> read) throws Exception {
    if (Platform.isFxApplicationThread()) {
      return read.call();
    }
    return WaitForAsyncUtils.asyncFx(read).get(30, TimeUnit.SECONDS);
  }

  /** Waits up to 30 s for {@code condition}, checked on the FX thread, then for queued events. */
  static void waitFor(Callable<Boolean> condition) throws Exception {
    WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> read(condition));
    WaitForAsyncUtils.waitForFxEvents();
  }
}
