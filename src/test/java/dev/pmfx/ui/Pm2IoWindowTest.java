package dev.pmfx.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.supervisor.NodeVersions;
import dev.pmfx.supervisor.Supervisor;
import dev.pmfx.ui.ProcessItems.Row;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import javafx.scene.Scene;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.TextArea;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The window, headless, on a real engine, with an app that uses the real @pm2/io. */
@ExtendWith(ApplicationExtension.class)
class Pm2IoWindowTest {

  @TempDir Path dir;

  private MainWindowViewModel viewModel;
  private Supervisor engine;
  private EngineBridge bridge;

  @Start
  void start(Stage stage) {
    PmfxApp.theme(false);
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    engine = Supervisor.create(home, EcosystemLoader::loadOnThisMachine);
    engine.sampleEvery(java.time.Duration.ofMillis(300));
    viewModel =
        new MainWindowViewModel(
            EcosystemLoader.forThisMachine(), engine, Background.virtualThreads(), home);
    stage.setScene(new Scene(MainWindow.load(viewModel), 1300, 700));
    bridge = new EngineBridge(FxThread::run, viewModel::apply);
    engine.subscribe(bridge);
    stage.show();
  }

  @AfterEach
  void close() {
    bridge.close();
    engine.close();
  }

  @Test
  void metricsShowAsColumnsAndChartsAndActionsAsButtonsThatShowTheirReplies(FxRobot robot)
      throws Exception {
    // given: the app runs, and its workers reported
    Path config =
        Files.writeString(
            dir.resolve("io.yaml"),
            """
            apps:
              - name: io
                script: pm2io.js
                cwd: %s
                instances: 2
                env: { NODE_PATH: '%s' }
            """
                .formatted(workers(), NodeVersions.nodeModules("@pm2/io", "6.1.0")));
    robot.interact(() -> viewModel.open(config));
    waitFor(() -> !viewModel.loadingProperty().get());
    robot.clickOn("#startAllButton");
    waitFor(() -> RowFormat.status(viewModel.apps().getFirst()).equals("online"));
    waitFor(() -> onFx(() -> column(robot, "Realtime user") != null));

    // then: a column for each of the app's own metrics, after Req, on each worker's row
    TreeItem<Row> app = onFx(() -> table(robot).getRoot().getChildren().getFirst());
    List<String> titles =
        onFx(() -> table(robot).getColumns().stream().map(TreeTableColumn::getText).toList());
    int req = titles.indexOf("Req");
    assertEquals(
        List.of("Realtime user", "Jobs", "req/sec", "latency"),
        titles.subList(req + 1, req + 5),
        titles.toString());
    assertTrue(!titles.contains("Heap Size"), "@pm2/io's own metrics stay out of the table");
    waitFor(
        () ->
            onFx(
                () ->
                    app.getChildren().stream()
                        .allMatch(
                            w ->
                                "42 users".equals(column(robot, "Realtime user").getCellData(w)))));
    assertEquals("", onFx(() -> column(robot, "Realtime user").getCellData(app)));

    // when: the app's Metrics tab is open
    robot.interact(() -> table(robot).getSelectionModel().select(app));
    robot.clickOn("Metrics");

    // then: a chart for each metric that is a number, one line per worker
    waitFor(
        () ->
            onFx(
                () ->
                    customCharts(robot).size() == 4
                        && customCharts(robot).stream()
                            .allMatch(
                                c ->
                                    c.getData().size() == 2
                                        && c.getData().stream()
                                            .allMatch(s -> !s.getData().isEmpty()))));
    List<String> charts = onFx(() -> customCharts(robot).stream().map(c -> c.getTitle()).toList());
    assertEquals(List.of("Realtime user", "Jobs", "req/sec", "latency"), charts);
    LineChart<?, ?> users = onFx(() -> customCharts(robot).getFirst());
    assertEquals(
        42.0,
        onFx(
            () ->
                ((XYChart.Data<?, ?>) users.getData().getFirst().getData().getLast()).getYValue()));

    // when: its Actions tab is open, and an action clicked with a parameter
    robot.clickOn("Actions");
    waitFor(() -> onFx(() -> robot.lookup(".action-button").queryAll().size() == 2));
    assertEquals(
        List.of("db:clean", "greet"),
        onFx(
            () ->
                // in the pane's order: a lookup's set has none of its own
                robot
                    .lookup(".action-button")
                    .queryAs(Button.class)
                    .getParent()
                    .getChildrenUnmodifiable()
                    .stream()
                    .map(b -> ((Button) b).getText())
                    .toList()));
    robot.clickOn("#actionParam").write("bob");
    robot.clickOn("greet");

    // then: each worker's reply shows
    TextArea replies = onFx(() -> robot.lookup("#actionReplies").queryAs(TextArea.class));
    waitFor(() -> onFx(() -> replies.getText().split("\\{\"hello\":\"bob\"}", -1).length == 3));
    String text = onFx(replies::getText);
    assertTrue(text.contains("io-0 #") && text.contains("io-1 #"), text);
  }

  private static Path workers() {
    try {
      return Path.of(Pm2IoWindowTest.class.getResource("/workers").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void waitFor(Callable<Boolean> condition) throws Exception {
    OnFx.waitFor(condition);
  }

  @SuppressWarnings("unchecked")
  private static TreeTableView<Row> table(FxRobot robot) {
    return robot.lookup("#processTable").queryAs(TreeTableView.class);
  }

  /** The column headed {@code title}, or null; on the FX thread. */
  private static TreeTableColumn<Row, ?> column(FxRobot robot, String title) {
    return table(robot).getColumns().stream()
        .filter(c -> c.getText().equals(title))
        .findFirst()
        .orElse(null);
  }

  /** The Metrics tab's charts of the app's own metrics, in order; on the FX thread. */
  private static List<LineChart<?, ?>> customCharts(FxRobot robot) {
    return robot.lookup("#customCharts").queryParent().getChildrenUnmodifiable().stream()
        .<LineChart<?, ?>>map(n -> (LineChart<?, ?>) n)
        .toList();
  }

  /** Runs on the FX thread: the live table and charts change there. */
  private static <T> T onFx(Callable<T> read) throws Exception {
    return OnFx.read(read);
  }
}
