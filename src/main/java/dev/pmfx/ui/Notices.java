package dev.pmfx.ui;

import javafx.animation.PauseTransition;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;

/**
 * A crash, an errored worker or a failed command, as a notice in the window's corner for a few
 * seconds (the status bar keeps the last one); in the screen's corner too while the window is not
 * looked at.
 */
final class Notices {

  private final Label toast;
  private final PauseTransition timer = new PauseTransition(Duration.seconds(6));

  Notices(Label toast) {
    this.toast = toast;
    timer.setOnFinished(e -> toast.setVisible(false));
  }

  void show(String message) {
    if (message == null || message.isEmpty()) {
      return;
    }
    if (toast.getScene() != null
        && toast.getScene().getWindow() instanceof Stage stage
        && stage.isShowing()
        && (!stage.isFocused() || stage.isIconified())) {
      // Someone looking elsewhere: a notification in the screen's corner, which brings pmfx back.
      Notifications.create()
          .title("pmfx")
          .text(message)
          .position(Pos.BOTTOM_RIGHT)
          .hideAfter(Duration.seconds(8))
          .onAction(
              e -> {
                stage.setIconified(false);
                stage.toFront();
                stage.requestFocus();
              })
          .showWarning();
    }
    toast.setText(message);
    toast.setVisible(true);
    timer.playFromStart();
  }
}
