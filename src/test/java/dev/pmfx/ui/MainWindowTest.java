package dev.pmfx.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.PmfxHome;
import dev.pmfx.config.Diagnostic;
import dev.pmfx.config.EcosystemLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The first window, headless: it lists the opened file's apps, or its errors. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

  @TempDir Path dir;

  private MainWindowViewModel viewModel;

  @Start
  void start(Stage stage) {
    viewModel =
        new MainWindowViewModel(
            EcosystemLoader.forThisMachine(),
            Background.virtualThreads(),
            new PmfxHome(dir.resolve("home")));
    stage.setScene(new Scene(MainWindow.load(viewModel), 1000, 600));
    stage.show();
  }

  private void waitUntilLoaded() throws Exception {
    WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !viewModel.loadingProperty().get());
    WaitForAsyncUtils.waitForFxEvents();
  }

  @Test
  void showsTheDemoAppsAsNotStarted(FxRobot robot) throws Exception {
    robot.interact(() -> viewModel.openAtStart(Optional.empty()));
    waitUntilLoaded();

    TableView<AppRow> table = robot.lookup("#appTable").queryTableView();
    assertEquals(
        List.of("web", "worker", "flaky"), table.getItems().stream().map(AppRow::name).toList());
    assertTrue(table.isVisible());
    assertEquals(3, robot.lookup(".badge-not-started").queryAll().size());
    assertEquals(
        "3 apps, not started", robot.lookup("#statusLabel").queryAs(Label.class).getText());
  }

  @Test
  void brokenFileShowsItsErrorWithTheLineAndRetryRecovers(FxRobot robot) throws Exception {
    Path config = dir.resolve("ecosystem.yaml");
    Files.writeString(config, "apps:\n  - name: api\n    script: api.js\n    instances: many\n");

    robot.interact(() -> viewModel.open(config));
    waitUntilLoaded();

    assertTrue(robot.lookup("#problemPane").queryAs(VBox.class).isVisible());
    assertFalse(robot.lookup("#appTable").queryTableView().isVisible());
    assertEquals(
        "ecosystem.yaml did not load",
        robot.lookup("#problemTitle").queryAs(Label.class).getText());
    @SuppressWarnings("unchecked")
    ListView<Diagnostic> problems = robot.lookup("#problemList").queryAs(ListView.class);
    String shown = problems.getItems().getFirst().formatInFile();
    assertTrue(shown.startsWith("line 4, column 16: error: app 'api': instances must be"), shown);
    javafx.scene.control.ListCell<?> cell = robot.lookup(".diagnostics .list-cell.error").query();
    assertTrue(cell.getText().startsWith("line 4, column 16: error:"), cell.getText());
    assertTrue(cell.getText().contains("  4 |     instances: many"), cell.getText());

    Files.writeString(config, "apps:\n  - name: api\n    script: api.js\n    instances: 2\n");
    robot.clickOn("#retryButton");
    waitUntilLoaded();

    assertTrue(robot.lookup("#appTable").queryTableView().isVisible());
    assertEquals(
        "2", robot.lookup("#appTable").<AppRow>queryTableView().getItems().getFirst().instances());
  }
}
