// The reference for bench/UiPulse.java: a bare JavaFX window, one TableView of 201 rows whose
// figures change every second, with the gaps between JavaFX pulses recorded for 20 seconds the
// same way. Run beside UiPulse (bench/ui.sh interleaves them), it tells what the machine and
// JavaFX alone give at that moment, so that pmfx's gaps can be read against it.
// Needs a display: bench/ui.sh runs it under Xvfb.

import java.util.ArrayList;
import java.util.List;
import javafx.animation.AnimationTimer;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.scene.Scene;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import javafx.util.Duration;

public class BarePulse extends Application {

  static final int ROWS = Integer.getInteger("workers", 200) + 1;
  static final int SECONDS = 20;

  /** A row: a name and two figures that change. */
  record Item(String name, StringProperty cpu, StringProperty memory) {}

  public static void main(String[] args) {
    launch(args);
  }

  @Override
  public void start(Stage stage) {
    TableView<Item> table = new TableView<>();
    TableColumn<Item, String> name = new TableColumn<>("Name");
    name.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().name()));
    TableColumn<Item, String> cpu = new TableColumn<>("CPU");
    cpu.setCellValueFactory(c -> c.getValue().cpu());
    TableColumn<Item, String> memory = new TableColumn<>("Memory");
    memory.setCellValueFactory(c -> c.getValue().memory());
    table.getColumns().addAll(List.of(name, cpu, memory));
    for (int i = 0; i < ROWS; i++) {
      table.getItems().add(new Item("worker " + i, new SimpleStringProperty("0 %"), new SimpleStringProperty("0 MB")));
    }
    long[] second = {0};
    Timeline samples = new Timeline(new KeyFrame(Duration.seconds(1), e -> {
      second[0]++;
      for (Item item : table.getItems()) {
        item.cpu().set((second[0] * 7 + item.name().length()) % 100 + " %");
        item.memory().set(50 + second[0] % 10 + " MB");
      }
    }));
    samples.setCycleCount(Timeline.INDEFINITE);
    samples.play();
    stage.setTitle("bare");
    stage.setScene(new Scene(table, 1200, 750));
    stage.show();

    List<Long> gaps = new ArrayList<>();
    long[] last = {0};
    long[] start = {0};
    new AnimationTimer() {
      @Override
      public void handle(long now) {
        if (start[0] == 0) {
          start[0] = now + 2_000_000_000L; // two seconds to settle, then measure
        } else if (now > start[0]) {
          gaps.add(now - last[0]);
          if (now - start[0] > SECONDS * 1_000_000_000L) {
            stop();
            List<Long> sorted = gaps.stream().sorted().toList();
            System.out.printf(
                "bare window, FX pulse gaps over %d s, %d rows: %d frames, median %.1f ms, p99 %.1f ms, max %.1f ms, %d gaps over 100 ms%n",
                SECONDS, ROWS, gaps.size(), sorted.get(sorted.size() / 2) / 1e6,
                sorted.get((int) (sorted.size() * 0.99)) / 1e6, sorted.getLast() / 1e6,
                sorted.stream().filter(g -> g > 100_000_000L).count());
            Platform.exit();
          }
        }
        last[0] = now;
      }
    }.start();
  }
}
