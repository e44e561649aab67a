package dev.pmfx.ui;

import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.Row;
import dev.pmfx.ui.ProcessItems.WorkerItem;
import java.util.Optional;

/**
 * What can be done to a row now, decided once for the toolbar, the menus and the row's own buttons:
 * nothing while an action runs on it or its host is not reached; Start unless it runs; the rest
 * once it was started.
 *
 * @param reloadOnRow whether the row shows a Reload button: a worker is reloaded with its app
 */
record Actions(
    boolean start,
    boolean stop,
    boolean restart,
    boolean reload,
    boolean delete,
    boolean reloadOnRow) {

  /** No row: nothing to act on. */
  static final Actions NONE = new Actions(false, false, false, false, false, false);

  static Actions of(Optional<Row> row) {
    return row.map(Actions::of).orElse(NONE);
  }

  static Actions of(Row row) {
    // a host not reached takes no command: its rows show what it last said
    boolean busy = !row.actionProperty().get().isEmpty() || !row.reachableProperty().get();
    boolean notStarted = row instanceof AppItem a && !a.knownProperty().get();
    boolean running =
        switch (row) {
          case WorkerItem w -> w.status().state().running();
          case AppItem a ->
              !notStarted
                  && !a.workers().isEmpty()
                  && a.workers().stream().allMatch(w -> w.status().state().running());
        };
    boolean started = !busy && !notStarted;
    return new Actions(
        !busy && !running, started, started, started, started, row instanceof AppItem);
  }
}
