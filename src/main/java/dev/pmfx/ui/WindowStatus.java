package dev.pmfx.ui;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/** The status bar's line and the last problem, which the window shows as a notice. */
final class WindowStatus {

  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
  private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper("");

  ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }

  ReadOnlyStringProperty problemProperty() {
    return problem.getReadOnlyProperty();
  }

  String status() {
    return status.get();
  }

  void status(String text) {
    status.set(text);
  }

  /** Shows {@code words} as a problem; the same words again are news again. */
  void tell(String words) {
    problem.set("");
    problem.set(words);
  }
}
