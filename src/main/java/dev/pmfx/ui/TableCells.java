package dev.pmfx.ui;

import atlantafx.base.theme.Styles;
import dev.pmfx.ui.ProcessItems.Row;
import java.util.List;
import java.util.function.BiConsumer;
import javafx.beans.InvalidationListener;
import javafx.beans.WeakInvalidationListener;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeTableCell;
import javafx.scene.layout.HBox;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The process table's cells: plain text, the status badge, the CPU bar and the row's buttons. Each
 * redraws itself from its column's value and its row when the table's ticks move, so that new
 * figures reach the screen without the table throwing its cells away ({@code
 * TreeTableView.refresh()} builds every visible cell anew, buttons and tooltips included, and
 * styles them again: several times a second under a log flood, it was most of the window's work).
 * The table still builds them anew when its rows change (ProcessTableView), as a worker row kept a
 * cell laid out before it moved otherwise shows without its indent.
 */
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

  /** A cell that draws its value again when {@code ticks} moves. */
  abstract static class Live extends TreeTableCell<Row, String> {
    private final InvalidationListener redraw = ticks -> redraw();

    Live(ObservableValue<?> ticks) {
      ticks.addListener(new WeakInvalidationListener(redraw));
    }

    private void redraw() {
      if (!isEmpty() && getTableColumn() != null && getIndex() >= 0) {
        updateItem(getTableColumn().getCellData(getIndex()), false);
      }
    }
  }

  /** The value as text. */
  static final class Text extends Live {
    Text(ObservableValue<?> ticks) {
      super(ticks);
    }

    @Override
    protected void updateItem(String text, boolean empty) {
      super.updateItem(text, empty);
      setText(empty ? null : text);
      setGraphic(null);
    }
  }

  /** Start and stop on the row itself, as PM2's dashboard has them; the rest is in the menu. */
  static final class RowButtons extends Live {
    private final Button start = new Button(null, new FontIcon("fth-play"));
    private final Button stop = new Button(null, new FontIcon("fth-square"));
    private final Button restart = new Button(null, new FontIcon("fth-rotate-cw"));
    private final Button reload = new Button(null, new FontIcon("fth-refresh-cw"));
    private final HBox buttons = new HBox(2, start, stop, restart, reload);

    RowButtons(ObservableValue<?> ticks, Act act) {
      super(ticks);
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
  static final class Cpu extends Live {
    Cpu(ObservableValue<?> ticks) {
      super(ticks);
    }

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
  /** A worker's health as a badge, what its last check found in the tooltip. */
  static final class HealthBadge extends Live {
    private final Label badge = new Label();
    private final Tooltip detail = new Tooltip();

    HealthBadge(ObservableValue<?> ticks) {
      super(ticks);
      badge.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
      badge.setTooltip(detail);
    }

    @Override
    protected void updateItem(String health, boolean empty) {
      super.updateItem(health, empty);
      if (empty || health == null || health.isEmpty()) {
        setGraphic(null);
        return;
      }
      badge.setText(health);
      List<String> styles = List.of("label", "badge", RowFormat.healthStyle(health));
      if (!badge.getStyleClass().equals(styles)) {
        badge.getStyleClass().setAll(styles);
      }
      Row row = row(this);
      detail.setText(row == null ? "" : RowFormat.healthDetail(row));
      setGraphic(badge);
    }
  }

  static final class Badge extends Live {
    private final Label badge = new Label();
    private final Label failed = new Label(null, new FontIcon("fth-alert-triangle"));
    private final Tooltip why = new Tooltip();
    private final HBox both = new HBox(6, badge, failed);

    Badge(ObservableValue<?> ticks) {
      super(ticks);
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
      List<String> styles = List.of("label", "badge", RowFormat.badgeStyle(status));
      if (!badge.getStyleClass().equals(styles)) {
        badge.getStyleClass().setAll(styles); // only on a change: a new style class styles anew
      }
      Row row = row(this);
      String failure = row == null ? "" : row.failureProperty().get();
      failed.setVisible(!failure.isEmpty());
      failed.setManaged(!failure.isEmpty());
      why.setText(failure);
      setGraphic(both);
    }
  }
}
