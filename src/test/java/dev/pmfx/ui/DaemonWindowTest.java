package dev.pmfx.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.cli.PmfxCommand;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.daemon.Daemons;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.ui.ProcessItems.AppItem;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The window as a client of a real daemon: what the CLI started shows, and outlives it. */
@ExtendWith(ApplicationExtension.class)
class DaemonWindowTest {

  @TempDir Path dir;

  private PmfxHome home;
  private int port;
  private Stage stage;
  private Window window;

  /** One window's engine, view model and bridge, as PmfxApp wires them. */
  private record Window(RemoteEngine engine, MainWindowViewModel viewModel, EngineBridge bridge) {
    void close() {
      bridge.close();
      engine.close();
    }
  }

  /** {@code pmfx args…}, as the CLI runs it; its table is not this test's to print. */
  private static int pmfx(String... args) {
    return PmfxCommand.commandLine()
        .setOut(new java.io.PrintWriter(java.io.Writer.nullWriter()))
        .execute(args);
  }

  private Window open(Stage on) throws Exception {
    RemoteEngine engine = Daemons.connectOrStart(home);
    MainWindowViewModel viewModel =
        new MainWindowViewModel(
            EcosystemLoader.forThisMachine(), engine, Background.virtualThreads(), home);
    EngineBridge bridge = new EngineBridge(FxThread::run, viewModel::apply);
    Window opened = new Window(engine, viewModel, bridge);
    FxThread.run(() -> on.setScene(new Scene(MainWindow.load(viewModel), 1100, 650)));
    WaitForAsyncUtils.waitForFxEvents();
    engine.subscribe(bridge);
    return opened;
  }

  @Start
  void start(Stage stage) throws Exception {
    PmfxApp.theme(false);
    this.stage = stage;
    home = new PmfxHome(dir.resolve("home"));
    port = dev.pmfx.supervisor.EngineHarness.freePort();
    System.setProperty("pmfx.home", home.dir().toString());
    stage.show();
  }

  @AfterEach
  void end() {
    if (window != null) {
      window.close();
    }
    Daemons.connectIfRunning(home).ifPresent(RemoteEngine::kill);
    System.clearProperty("pmfx.home");
  }

  private static void waitFor(Callable<Boolean> condition) throws Exception {
    OnFx.waitFor(condition);
  }

  private Path sleepers() throws Exception {
    Path workers;
    try {
      workers = Path.of(DaemonWindowTest.class.getResource("/workers").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return Files.writeString(
        dir.resolve("ecosystem.yaml"),
        """
        apps:
          - name: sleeper
            script: Sleeper.java
            cwd: %1$s
            instances: 2
            exec_mode: fork
            env: { VARS: GREETING, GREETING: hello from the worker }
          - name: web
            script: versioned.js
            cwd: %1$s
            instances: 2
            exec_mode: cluster
            env: { PORT: "%2$d", DELAY_MS: "0" }
        """
            .formatted(workers, port));
  }

  private static Optional<AppItem> app(MainWindowViewModel viewModel, String name) {
    return viewModel.apps().stream().filter(a -> a.name().equals(name)).findFirst();
  }

  private static List<Long> onlinePids(AppItem app) {
    return app.workers().stream()
        .map(w -> w.status())
        .filter(s -> s.state() == WorkerState.ONLINE)
        .map(s -> s.pid().getAsLong())
        .toList();
  }

  @Test
  void whatTheCliStartsShowsInTheWindowAndRunsOnAfterItCloses(FxRobot robot) throws Exception {
    window = open(stage);
    int started = pmfx("start", sleepers().toString());
    assertEquals(0, started);

    waitFor(
        () -> app(window.viewModel(), "sleeper").map(a -> onlinePids(a).size() == 2).orElse(false));
    TreeTableView<?> table = robot.lookup("#processTable").queryAs(TreeTableView.class);
    waitFor(() -> table.getRoot().getChildren().size() == 2);
    waitFor(() -> app(window.viewModel(), "web").map(a -> onlinePids(a).size() == 2).orElse(false));
    waitFor(() -> robot.lookup(".badge-online").queryAll().size() == 6);
    List<Long> pids = onlinePids(app(window.viewModel(), "sleeper").orElseThrow());

    waitFor( // samples for the charts, before the window goes
        () ->
            window
                .viewModel()
                .history()
                .app("sleeper")
                .map(f -> f.total().cpu().size() >= 2)
                .orElse(false));
    window.close(); // the window goes; the daemon keeps the workers
    window = null;
    Thread.sleep(500);
    for (long pid : pids) {
      assertTrue(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "worker " + pid + " runs on");
    }
    try (var client = java.net.http.HttpClient.newHttpClient()) {
      String served =
          client
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + port + "/"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      assertTrue(served.matches("\\d+"), "the cluster app serves on: " + served);
    }

    window = open(stage); // opened again: the same workers, and what they wrote
    waitFor(
        () ->
            app(window.viewModel(), "sleeper").map(a -> onlinePids(a).equals(pids)).orElse(false));
    AppItem sleeper = app(window.viewModel(), "sleeper").orElseThrow();
    assertTrue(
        sleeper.history().stream().filter(h -> h.to().equals("online")).count() >= 2,
        "the Events tab has what happened before: " + sleeper.history());
    assertTrue(
        window
            .viewModel()
            .history()
            .app("sleeper")
            .map(f -> f.total().cpu().size() >= 2)
            .orElse(false),
        "the charts have the samples from before");
    robot.interact(() -> window.viewModel().showEarlierLogs(sleeper));
    waitFor(
        () ->
            sleeper.logs().stream()
                .anyMatch(l -> l.text().equals("GREETING=hello from the worker")));
  }

  @Test
  void theCloseDialogKeepsTheWorkersRunningOrStopsThemAll(FxRobot robot) throws Exception {
    window = open(stage);
    assertEquals(0, pmfx("start", sleepers().toString()));
    waitFor(
        () -> app(window.viewModel(), "sleeper").map(a -> onlinePids(a).size() == 2).orElse(false));
    List<Long> pids = onlinePids(app(window.viewModel(), "sleeper").orElseThrow());

    CompletableFuture<PmfxApp.Quit> keep = new CompletableFuture<>();
    Platform.runLater(() -> keep.complete(PmfxApp.askQuit(stage, true)));
    WaitForAsyncUtils.waitForFxEvents();
    robot.clickOn("Keep Running in Background");
    assertEquals(PmfxApp.Quit.KEEP_RUNNING, keep.get(10, TimeUnit.SECONDS));

    CompletableFuture<PmfxApp.Quit> stop = new CompletableFuture<>();
    Platform.runLater(() -> stop.complete(PmfxApp.askQuit(stage, true)));
    WaitForAsyncUtils.waitForFxEvents();
    robot.clickOn("Stop All and Quit");
    assertEquals(PmfxApp.Quit.STOP_ALL, stop.get(10, TimeUnit.SECONDS));
    long daemon = window.engine().ping().pid();
    window.engine().kill(); // what Stop All and Quit does
    window = null;
    waitFor(() -> !ProcessHandle.of(daemon).map(ProcessHandle::isAlive).orElse(false));
    for (long pid : pids) {
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "worker " + pid + " stopped");
    }
  }

  @Test
  void aWindowThatLosesItsDaemonReachesTheOneThatAdoptsItsWorkers(FxRobot robot) throws Exception {
    assertEquals(0, pmfx("start", sleepers().toString()));
    RemoteEngine first = Daemons.connectOrStart(home);
    long killed = first.ping().pid();
    dev.pmfx.daemon.ReconnectingEngine engine = new dev.pmfx.daemon.ReconnectingEngine(first, home);
    MainWindowViewModel viewModel =
        new MainWindowViewModel(
            EcosystemLoader.forThisMachine(), engine, Background.virtualThreads(), home);
    engine.notices(words -> FxThread.run(() -> viewModel.tell(words)));
    EngineBridge bridge = new EngineBridge(FxThread::run, viewModel::apply);
    engine.subscribe(bridge);
    try {
      waitFor(() -> app(viewModel, "sleeper").map(a -> onlinePids(a).size() == 2).orElse(false));
      List<Long> before = onlinePids(app(viewModel, "sleeper").orElseThrow());

      ProcessHandle.of(killed).orElseThrow().destroyForcibly(); // SIGKILL

      waitFor(() -> viewModel.problemProperty().get().startsWith("Reached the pmfx daemon again"));
      // The notice can come before the new daemon's snapshot reaches the table.
      waitFor(
          () ->
              app(viewModel, "sleeper")
                  .map(a -> a.workers().size() == 2 && onlinePids(a).equals(before))
                  .orElse(false));
      try (RemoteEngine second = Daemons.connectOrStart(home)) {
        assertTrue(second.ping().pid() != killed, "another daemon, which adopted the workers");
      }
      for (long pid : before) {
        assertTrue(
            ProcessHandle.of(pid).map(dev.pmfx.daemon.Orphans::running).orElse(false),
            "the worker " + pid + " runs on under the new daemon");
      }
    } finally {
      bridge.close();
      engine.close();
    }
  }
}
