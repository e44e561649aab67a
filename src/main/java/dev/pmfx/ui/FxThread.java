package dev.pmfx.ui;

import javafx.application.Platform;

/** The one door onto the JavaFX thread: everything that must run there goes through here. */
public final class FxThread {

  private FxThread() {}

  /**
   * Runs {@code action} on the FX thread: now if already there, else soon, never waiting for it.
   */
  public static void run(Runnable action) {
    if (Platform.isFxApplicationThread()) {
      action.run();
    } else {
      Platform.runLater(action);
    }
  }
}
