package dev.pmfx.ui;

import atlantafx.base.theme.Styles;
import dev.pmfx.ui.ProcessItems.Row;
import java.util.List;
import java.util.function.BiConsumer;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeTableCell;
import javafx.scene.layout.HBox;
import org.kordamp.ikonli.javafx.FontIcon;

/** The process table's drawn cells: the status badge, the CPU bar and the row's buttons. */
final class TableCells {

  private TableCells() {}

  /** Sends a command on a row. */
  @FunctionalInterface
  interface Act {
    void on(BiConsumer<RowCommands, Row> command, Row row);
  }

  private static Row row(TreeTableCell<Row, String> cell) {
    return cell.getTableRow() == null ? null : cell.getTableRow().getItem();
  }

  /** Start and stop on the row itself, as PM2's dashboard has them; the rest is in the menu. */
  static final class RowButtons extends TreeTableCell<Row, String> {
    private final Button start = new Button(null, new FontIcon("fth-play"));
    private final Button stop = new Button(null, new FontIcon("fth-square"));
    private final Button restart = new Button(null, new FontIcon("fth-rotate-cw"));
    private final Button reload = new Button(null, new FontIcon("fth-refresh-cw"));
    private final HBox buttons = new HBox(2, start, stop, restart, reload);

    RowButtons(Act act) {
      for (Button b : List.of(start, stop, restart, reload)) {
        b.getStyleClass().addAll(Styles.BUTTON_ICON, Styles.FLAT, Styles.SMALL);
      }
      start.setTooltip(new Tooltip("Start"));
      stop.setTooltip(new Tooltip("Stop"));
      restart.setTooltip(new Tooltip("Restart"));
      reload.setTooltip(new Tooltip("Reload: new workers first, then the old ones go"));
      start.setOnAction(e -> on(act, RowCommands::start));
      stop.setOnAction(e -> on(act, RowCommands::stop));
      restart.setOnAction(e -> on(act, RowCommands::restart));
      reload.setOnAction(e -> on(act, RowCommands::reload));
    }

    private void on(Act act, BiConsumer<RowCommands, Row> command) {
      Row row = row(this);
      if (row != null) {
        act.on(command, row);
      }
    }

    @Override
    protected void updateItem(String item, boolean empty) {
      super.updateItem(item, empty);
      Row row = row(this);
      if (empty || row == null) {
        setGraphic(null);
        return;
      }
      Actions actions = Actions.of(row);
      start.setDisable(!actions.start());
      stop.setDisable(!actions.stop());
      restart.setDisable(!actions.restart());
      reload.setDisable(!actions.reload());
      reload.setVisible(actions.reloadOnRow());
      setGraphic(buttons);
    }
  }

  /** CPU as its figure over a bar: full at one core busy. */
  static final class Cpu extends TreeTableCell<Row, String> {
    @Override
    protected void updateItem(String text, boolean empty) {
      super.updateItem(text, empty);
      Row row = row(this);
      setText(empty ? null : text);
      double filled = empty || row == null ? 0 : RowFormat.cpuFilled(row);
      setStyle(
          filled < 0.5
              ? ""
              : "-fx-background-color: linear-gradient(to right, -color-accent-subtle "
                  + filled
                  + "%, transparent "
                  + filled
                  + "%);");
    }
  }

  /** The state as a coloured badge; a warning sign beside it when the row's last action failed. */
  static final class Badge extends TreeTableCell<Row, String> {
    private final Label badge = new Label();
    private final Label failed = new Label(null, new FontIcon("fth-alert-triangle"));
    private final Tooltip why = new Tooltip();
    private final HBox both = new HBox(6, badge, failed);

    Badge() {
      failed.getStyleClass().add("action-failed");
      failed.setTooltip(why);
      badge.setMinWidth(
          javafx.scene.layout.Region.USE_PREF_SIZE); // whole words, never "waiting-r…"
      both.setAlignment(Pos.CENTER_LEFT);
    }

    @Override
    protected void updateItem(String status, boolean empty) {
      super.updateItem(status, empty);
      if (empty || status == null || status.isEmpty()) {
        setGraphic(null);
        return;
      }
      badge.setText(status);
      badge.getStyleClass().setAll("label", "badge", RowFormat.badgeStyle(status));
      Row row = row(this);
      String failure = row == null ? "" : row.failureProperty().get();
      failed.setVisible(!failure.isEmpty());
      failed.setManaged(!failure.isEmpty());
      why.setText(failure);
      setGraphic(both);
    }
  }
}
