package dev.pmfx.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.PmfxHome;
import dev.pmfx.config.EcosystemLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main window's view model, driven without a window. */
class MainWindowViewModelTest {

  @TempDir Path dir;

  private MainWindowViewModel viewModel(PmfxHome home) {
    return new MainWindowViewModel(
        new EcosystemLoader(Optional.empty(), System.getenv(), 4), Background.inline(), home);
  }

  @Test
  void firstStartOpensTheBundledDemoWithItsAppsNotStarted() {
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    MainWindowViewModel viewModel = viewModel(home);

    viewModel.openAtStart(Optional.empty());

    assertEquals(home.dir().resolve("demo/ecosystem.config.js"), viewModel.fileProperty().get());
    assertEquals(
        List.of(
            new AppRow("web", "default", "cluster", "2", "DemoWeb.java", "not started"),
            new AppRow("worker", "default", "fork", "1", "DemoWorker.java", "not started"),
            new AppRow("flaky", "default", "fork", "1", "DemoFlaky.java", "not started")),
        List.copyOf(viewModel.apps()));
    assertFalse(viewModel.failedProperty().get());
    assertEquals("3 apps, not started", viewModel.statusProperty().get());
    assertTrue(Files.isRegularFile(home.dir().resolve("demo/DemoWeb.java")));
  }

  @Test
  void laterStartReopensTheLastFile() throws Exception {
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    Path config = write("mine.yaml", "apps:\n  - name: mine\n    script: app.sh\n");
    viewModel(home).open(config);

    MainWindowViewModel next = viewModel(home);
    next.openAtStart(Optional.empty());

    assertEquals(config, next.fileProperty().get());
    assertEquals("mine", next.apps().getFirst().name());
    assertEquals(List.of(config), List.copyOf(next.recentFiles()));
  }

  @Test
  void brokenFileShowsItsErrorsWithLinesAndRetryLoadsItOnceFixed() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    Path config =
        write(
            "broken.json", "{\n  \"apps\": [\n    { \"name\": \"api\", \"script\": 42 }\n  ]\n}\n");

    viewModel.open(config);

    assertTrue(viewModel.failedProperty().get());
    assertTrue(viewModel.apps().isEmpty());
    assertEquals(3, viewModel.diagnostics().getFirst().location().line());
    assertEquals(
        "1 error in broken.json; nothing was started or stopped", viewModel.statusProperty().get());

    Files.writeString(config, "{ \"apps\": [ { \"name\": \"api\", \"script\": \"api.js\" } ] }");
    viewModel.retry();

    assertFalse(viewModel.failedProperty().get());
    assertEquals("api", viewModel.apps().getFirst().name());
  }

  @Test
  void recentFilesAreNewestFirstWithoutRepeats() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    Path a = write("a.yaml", "- script: a.sh\n");
    Path b = write("b.yaml", "- script: b.sh\n");

    viewModel.open(a);
    viewModel.open(b);
    viewModel.open(a);

    assertEquals(List.of(a, b), List.copyOf(viewModel.recentFiles()));
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }
}
