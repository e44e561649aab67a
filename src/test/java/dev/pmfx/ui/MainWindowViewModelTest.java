package dev.pmfx.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.PmfxHome;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.ExecMode;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.LocalEngine;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.ui.ProcessItems.AppItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main window's view model, driven without a window. */
class MainWindowViewModelTest {

  @TempDir Path dir;
  private LocalEngine engine;

  private MainWindowViewModel viewModel(PmfxHome home) {
    engine = LocalEngine.create(home);
    return new MainWindowViewModel(
        new EcosystemLoader(Optional.empty(), System.getenv(), 4),
        engine,
        Background.inline(),
        home);
  }

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  private static List<String> rows(MainWindowViewModel viewModel) {
    return viewModel.apps().stream()
        .map(
            a ->
                a.name()
                    + ":"
                    + a.specProperty().get().execMode().label()
                    + ":"
                    + a.workers().size())
        .toList();
  }

  @Test
  void firstStartOpensTheBundledDemoWithItsAppsNotStarted() {
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    MainWindowViewModel viewModel = viewModel(home);

    viewModel.openAtStart(Optional.empty());

    assertEquals(home.dir().resolve("demo/ecosystem.config.js"), viewModel.fileProperty().get());
    assertEquals(List.of("web:fork:0", "worker:fork:0", "flaky:fork:0"), rows(viewModel));
    assertFalse(viewModel.failedProperty().get());
    assertEquals("3 apps, not started", viewModel.statusProperty().get());
    assertTrue(Files.isRegularFile(home.dir().resolve("demo/DemoWeb.java")));
  }

  @Test
  void laterStartReopensTheLastFileAndTheTheme() throws Exception {
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    Path config = write("mine.yaml", "apps:\n  - name: mine\n    script: app.sh\n");
    MainWindowViewModel first = viewModel(home);
    first.open(config);
    first.darkTheme(true);
    engine.close();

    MainWindowViewModel next = viewModel(home);
    next.openAtStart(Optional.empty());

    assertEquals(config, next.fileProperty().get());
    assertEquals("mine", next.apps().getFirst().name());
    assertEquals(List.of(config), List.copyOf(next.recentFiles()));
    assertTrue(next.darkTheme());
  }

  @Test
  void brokenFileShowsItsErrorsWithLinesAndRetryLoadsItOnceFixed() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    Path config =
        write(
            "broken.json", "{\n  \"apps\": [\n    { \"name\": \"api\", \"script\": 42 }\n  ]\n}\n");

    viewModel.open(config);

    assertTrue(viewModel.failedProperty().get());
    assertEquals(3, viewModel.diagnostics().getFirst().location().line());
    assertEquals(
        "1 error in broken.json; nothing was started or stopped", viewModel.statusProperty().get());

    Files.writeString(config, "{ \"apps\": [ { \"name\": \"api\", \"script\": \"api.js\" } ] }");
    viewModel.retry();

    assertFalse(viewModel.failedProperty().get());
    assertEquals("api", viewModel.apps().getFirst().name());
  }

  @Test
  void engineEventsBecomeWorkerRowsHistoryAndLogs() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    write("api.sh", "sleep 1\n");
    viewModel.open(write("one.yaml", "apps:\n  - name: api\n    script: api.sh\n"));
    WorkerStatus online =
        new WorkerStatus(
            7,
            "api",
            "default",
            ExecMode.FORK,
            0,
            OptionalLong.of(4242),
            WorkerState.ONLINE,
            Instant.EPOCH,
            Optional.of(Instant.EPOCH),
            0,
            OptionalInt.empty(),
            Optional.empty(),
            Optional.of(Instant.EPOCH));

    viewModel.apply(
        new EngineBridge.Batch(
            null,
            List.of(
                new EngineEvent.WorkerChanged(
                    Instant.EPOCH, WorkerState.LAUNCHING, online, "pid 4242"),
                new EngineEvent.LogLine(
                    Instant.EPOCH, 7, "api", 0, EngineEvent.LogLine.Stream.OUT, "hello"),
                new EngineEvent.LogLine(
                    Instant.EPOCH, 7, "api", 0, EngineEvent.LogLine.Stream.ERR, "oops"))));

    AppItem api = viewModel.apps().getFirst();
    assertEquals(1, api.workers().size());
    assertEquals(WorkerState.ONLINE, api.workers().getFirst().status().state());
    assertEquals(
        List.of("hello", "oops"), api.logs().stream().map(ProcessItems.LogEntry::text).toList());
    assertTrue(api.workers().getFirst().logs().get(1).error());
    assertEquals(
        "launching → online: pid 4242",
        api.history().getFirst().from()
            + " → "
            + api.history().getFirst().to()
            + ": "
            + api.history().getFirst().reason());
    assertEquals("1 app, 1 of 1 workers online", viewModel.statusProperty().get());
  }

  @Test
  void logsOfARowStayBoundedUnderAFlood() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(write("one.yaml", "apps:\n  - name: api\n    script: api.sh\n"));
    List<EngineEvent> flood =
        java.util.stream.IntStream.range(0, ProcessItems.LOG_LINES + 1000)
            .mapToObj(
                i ->
                    (EngineEvent)
                        new EngineEvent.LogLine(
                            Instant.EPOCH,
                            1,
                            "api",
                            0,
                            EngineEvent.LogLine.Stream.OUT,
                            "line " + i))
            .toList();

    viewModel.apply(new EngineBridge.Batch(null, flood));

    AppItem api = viewModel.apps().getFirst();
    assertEquals(ProcessItems.LOG_LINES, api.logs().size());
    assertEquals("line " + (ProcessItems.LOG_LINES + 999), api.logs().getLast().text());
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void filterNarrowsAppsByNameNamespaceOrScript() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(
        write(
            "three.yaml",
            "apps:\n  - name: api\n    script: api.sh\n  - name: jobs\n    script: worker.py\n"
                + "  - name: web\n    script: web.sh\n    namespace: front\n"));

    viewModel.filterProperty().set("FRONT");
    List<String> byNamespace = viewModel.visibleApps().stream().map(AppItem::name).toList();
    viewModel.filterProperty().set(".py");
    List<String> byScript = viewModel.visibleApps().stream().map(AppItem::name).toList();
    viewModel.filterProperty().set("");

    assertEquals(List.of("web"), byNamespace);
    assertEquals(List.of("jobs"), byScript);
    assertEquals(3, viewModel.visibleApps().size());
  }

  @Test
  void configShowsTheResolvedSpecAndMarksSecretLookingVariables() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(
        write(
            "secret.yaml",
            "apps:\n  - name: api\n    script: api.sh\n    kill_timeout: 3s\n"
                + "    env: { PORT: 3000, API_KEY: abc, DB_PASSWORD: pw }\n"
                + "    env_production: { AUTH_TOKEN: t }\n"));

    List<MainWindowViewModel.ConfigEntry> entries =
        MainWindowViewModel.describe(viewModel.apps().getFirst().specProperty().get());

    assertTrue(
        entries.contains(new MainWindowViewModel.ConfigEntry("kill_timeout", "3000 ms", false)));
    assertTrue(entries.contains(new MainWindowViewModel.ConfigEntry("env.PORT", "3000", false)));
    assertTrue(entries.contains(new MainWindowViewModel.ConfigEntry("env.API_KEY", "abc", true)));
    assertTrue(
        entries.contains(new MainWindowViewModel.ConfigEntry("env.DB_PASSWORD", "pw", true)));
    assertTrue(
        entries.contains(
            new MainWindowViewModel.ConfigEntry("env_production.AUTH_TOKEN", "t", true)));
  }

  @Test
  void windowPlaceIsRememberedForTheNextStart() {
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    GuiState.WindowPlace place = new GuiState.WindowPlace(10, 20, 900, 600, false, 0.4, 2);
    viewModel(home).windowPlace(place);
    engine.close();

    assertEquals(Optional.of(place), viewModel(home).windowPlace());
  }
}
