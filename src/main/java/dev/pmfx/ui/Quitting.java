package dev.pmfx.ui;

import java.util.List;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/** Quitting: how many of the workers that had a process have stopped, and which still stop. */
final class Quitting {

  private final ReadOnlyBooleanWrapper quitting = new ReadOnlyBooleanWrapper();
  private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper();
  private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper("");
  private final TableProjection table;
  private int total;

  Quitting(TableProjection table) {
    this.table = table;
  }

  ReadOnlyBooleanProperty quittingProperty() {
    return quitting.getReadOnlyProperty();
  }

  ReadOnlyDoubleProperty progressProperty() {
    return progress.getReadOnlyProperty();
  }

  ReadOnlyStringProperty textProperty() {
    return text.getReadOnlyProperty();
  }

  /** Marks the start of quitting; the engine's stop events move the progress from here. */
  void begin() {
    total = (int) table.runningWorkers().count();
    quitting.set(true);
    show();
  }

  /** Counts again after the engine reported, while quitting. */
  void update() {
    if (quitting.get()) {
      show();
    }
  }

  private void show() {
    List<String> left = table.runningWorkers().map(w -> w.status().label()).toList();
    int stopped = Math.max(0, total - left.size());
    progress.set(total == 0 ? 1 : (double) stopped / total);
    String waiting =
        left.isEmpty()
            ? ""
            : " · waiting for "
                + String.join(", ", left.subList(0, Math.min(4, left.size())))
                + (left.size() > 4 ? " and " + (left.size() - 4) + " more" : "");
    text.set(stopped + " of " + total + " stopped" + waiting);
  }
}
