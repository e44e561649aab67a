package dev.pmfx.ui;

import dev.pmfx.ui.ProcessItems.Row;

/** The commands a row's buttons and the table's context menu give. */
interface RowCommands {

  void start(Row row);

  void stop(Row row);

  void restart(Row row);

  /** Reloads the row and shows its progress. */
  void reload(Row row);

  void delete(Row row);
}
