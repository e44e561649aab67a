package dev.pmfx.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.daemon.Daemons;
import dev.pmfx.daemon.ReconnectingEngine;
import dev.pmfx.engine.Engine;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.supervisor.Supervisor;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Stage;

/** The desktop application: one main window on the opened ecosystem file and its engine. */
public final class PmfxApp extends Application {

  private static volatile Path requestedFile;
  private static volatile CompletableFuture<Engine> connecting;

  private Engine engine;
  private EngineBridge bridge;
  private MainWindowViewModel shown;

  /**
   * Opens the window on {@code file}, or on the last file or the demo when null; returns when it
   * closes.
   */
  public static void launchWindow(Path file) {
    requestedFile = file;
    // The daemon is reached, or started, while JavaFX starts.
    connecting = CompletableFuture.supplyAsync(PmfxApp::openEngine, Thread::startVirtualThread);
    Application.launch(PmfxApp.class);
  }

  /** Counted down once the window has drawn for a moment. */
  private static final java.util.concurrent.CountDownLatch drawn =
      new java.util.concurrent.CountDownLatch(1);

  /** What the window failed to reach, when it runs its engine itself. */
  private static volatile String noDaemon;

  /**
   * The home's daemon, started when none runs; this process's own engine for the installer's
   * training run, or when no daemon can start (then the workers stop with the window).
   */
  private static Engine openEngine() {
    PmfxHome home = PmfxHome.current();
    if (Boolean.getBoolean("pmfx.aotTraining")) {
      // The training run looks for a daemon as a start does (its classes go into the cache),
      // but starts none: it would outlive the build.
      Daemons.connectIfRunning(home).ifPresent(Engine::close);
      return Supervisor.create(home, dev.pmfx.config.EcosystemLoader::loadOnThisMachine);
    }
    try {
      java.util.Optional<dev.pmfx.daemon.RemoteEngine> running = Daemons.connectIfRunning(home);
      if (running.isPresent()) {
        return new ReconnectingEngine(running.get(), home);
      }
      // None runs: the window draws first. On two cores a JVM starting beside it slows it down.
      drawn.await(5, java.util.concurrent.TimeUnit.SECONDS);
      return new ReconnectingEngine(Daemons.connectOrStart(home), home);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reaching the daemon", e);
    } catch (java.io.IOException | RuntimeException e) {
      // Run the engine here, but only holding the home as a daemon would: never two supervisors.
      java.util.Optional<java.nio.channels.FileLock> held;
      try {
        held = Daemons.lock(home);
      } catch (java.io.IOException | RuntimeException unlockable) {
        held = java.util.Optional.empty();
      }
      if (held.isEmpty()) {
        throw new IllegalStateException(
            "pmfx: the daemon for " + home.dir() + " does not answer: " + e.getMessage(), e);
      }
      noDaemon = e.getMessage();
      System.err.println("pmfx: no daemon (" + e.getMessage() + "); workers stop with the window");
      return Supervisor.create(home, dev.pmfx.config.EcosystemLoader::loadOnThisMachine);
    }
  }

  /** Light or dark, as AtlantaFX's Primer themes draw them. */
  static void theme(boolean dark) {
    Application.setUserAgentStylesheet(
        dark
            ? new PrimerDark().getUserAgentStylesheet()
            : new PrimerLight().getUserAgentStylesheet());
  }

  @Override
  public void start(Stage stage) {
    try (java.io.InputStream icon = PmfxApp.class.getResourceAsStream("/dev/pmfx/pmfx.png")) {
      if (icon != null) {
        stage.getIcons().add(new javafx.scene.image.Image(icon));
      }
    } catch (java.io.IOException unreadable) {
      // the window keeps the desktop's default icon
    }
    PmfxHome home = PmfxHome.current();
    // The window opens at once; what it asks of the engine waits until the daemon answers.
    PendingEngine pending =
        new PendingEngine(
            connecting != null
                ? connecting
                : CompletableFuture.supplyAsync(PmfxApp::openEngine, Thread::startVirtualThread));
    engine = pending;
    MainWindowViewModel viewModel =
        new MainWindowViewModel(
            EcosystemLoader.forThisMachine(), engine, Background.virtualThreads(), home);
    shown = viewModel;
    theme(viewModel.darkTheme());
    MainWindow.Loaded window =
        MainWindow.loadWithController(
            viewModel,
            dark -> {
              theme(dark);
              viewModel.darkTheme(dark);
            });
    window.controller().showDark(viewModel.darkTheme());
    window
        .controller()
        .folderOpener(
            folder -> {
              try {
                java.nio.file.Files.createDirectories(folder);
              } catch (java.io.IOException e) {
                return;
              }
              getHostServices().showDocument(folder.toUri().toString());
            });
    bridge = new EngineBridge(FxThread::run, viewModel::apply);
    engine.subscribe(bridge);
    Scene scene = new Scene(window.root());
    // On the scene too, not only the root: popups such as notifications take the scene's sheets.
    scene.getStylesheets().add(PmfxApp.class.getResource("/dev/pmfx/pmfx.css").toExternalForm());
    stage.setScene(scene);
    viewModel
        .windowPlace()
        .ifPresent(
            place -> {
              stage.setX(place.x());
              stage.setY(place.y());
              stage.setWidth(place.width());
              stage.setHeight(place.height());
              stage.setMaximized(place.maximized());
              window.controller().restore(place.divider(), place.tab());
            });
    stage
        .titleProperty()
        .bind(
            javafx.beans.binding.Bindings.createStringBinding(
                () ->
                    switch (viewModel.openFiles().size()) {
                      case 0 -> "pmfx";
                      case 1 -> "pmfx — " + viewModel.openFiles().getFirst().getFileName();
                      default -> "pmfx — " + viewModel.openFiles().size() + " files";
                    },
                viewModel.openFiles()));
    stage.setMinWidth(720);
    stage.setMinHeight(420);
    stage.setOnCloseRequest(
        event -> {
          event.consume();
          if (viewModel.quittingProperty().get()) {
            return; // already stopping
          }
          // Nothing running: a daemon this window started ends with it; one that ran before it
          // (the CLI's, systemd's) runs on.
          Engine resolved = pending.now().orElse(null);
          Quit quit =
              viewModel.anyRunning()
                  ? askQuit(stage, resolved instanceof ReconnectingEngine)
                  : resolved instanceof ReconnectingEngine remote && !remote.startedTheDaemon()
                      ? Quit.KEEP_RUNNING
                      : Quit.STOP_ALL;
          if (quit == Quit.CANCEL) {
            return;
          }
          viewModel.windowPlace(
              new GuiState.WindowPlace(
                  stage.getX(),
                  stage.getY(),
                  stage.getWidth(),
                  stage.getHeight(),
                  stage.isMaximized(),
                  window.controller().divider(),
                  window.controller().tab()));
          if (quit == Quit.KEEP_RUNNING) {
            Platform.exit(); // stop() disconnects; the daemon keeps the workers
            return;
          }
          viewModel.beginQuit();
          stage.titleProperty().unbind();
          stage.setTitle("pmfx — stopping every worker…");
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      if (resolved instanceof ReconnectingEngine remote) {
                        remote.kill(); // every worker, gracefully, and the daemon after them
                      } else if (resolved != null) {
                        resolved.close();
                      }
                    } catch (RuntimeException gone) {
                      // the daemon went away meanwhile: nothing left to stop
                    } finally {
                      FxThread.run(Platform::exit);
                    }
                  });
        });
    pending
        .later()
        .whenComplete(
            (reached, unreachable) -> {
              if (unreachable != null) {
                FxThread.run(() -> cannotReach(unreachable));
              } else if (reached instanceof ReconnectingEngine remote) {
                remote.notices(
                    words ->
                        FxThread.run(
                            () -> {
                              if (!viewModel.quittingProperty().get()) {
                                viewModel.tell(words);
                              }
                            }));
              } else if (noDaemon != null) {
                FxThread.run(
                    () ->
                        viewModel.tell(
                            "No pmfx daemon ("
                                + noDaemon
                                + "): the workers run in this window and stop with it"));
              }
            });
    stage.show();
    javafx.animation.PauseTransition settle =
        new javafx.animation.PauseTransition(javafx.util.Duration.millis(400));
    settle.setOnFinished(e -> drawn.countDown());
    settle.play();
    if (Boolean.getBoolean("pmfx.aotTraining")) {
      // The installer build's training run: the window opens, draws, and closes, and the JVM
      // writes down what it loaded for the AOT cache that starts the installed app faster.
      javafx.animation.PauseTransition drawn =
          new javafx.animation.PauseTransition(javafx.util.Duration.seconds(3));
      drawn.setOnFinished(e -> javafx.application.Platform.exit());
      drawn.play();
    }
    viewModel.openAtStart(Optional.ofNullable(requestedFile));
  }

  /** No engine at all: a daemon holds the home and does not answer. The window cannot work. */
  private static void cannotReach(Throwable unreachable) {
    Throwable why =
        unreachable instanceof java.util.concurrent.CompletionException
                && unreachable.getCause() != null
            ? unreachable.getCause()
            : unreachable;
    Alert alert = new Alert(Alert.AlertType.ERROR, why.getMessage());
    alert.setHeaderText("pmfx cannot reach its daemon");
    alert.getDialogPane().setPrefWidth(560);
    alert.showAndWait();
    Platform.exit();
  }

  enum Quit {
    KEEP_RUNNING,
    STOP_ALL,
    CANCEL
  }

  /**
   * Closing with workers running: they keep running in the daemon (the default), or stop with the
   * window; without a daemon, only the second.
   */
  static Quit askQuit(Stage owner, boolean daemon) {
    Alert alert = new Alert(Alert.AlertType.CONFIRMATION);
    alert.initOwner(owner);
    alert.setTitle("Quit pmfx");
    alert.setHeaderText("Workers are running");
    alert.setContentText(
        daemon
            ? "Keep them running in the background: pmfx's daemon supervises them, 'pmfx list'"
                + " shows them and the window shows them again when it opens. Or stop them all"
                + " gracefully (kill_signal first, SIGKILL after kill_timeout)."
            : "Quitting stops them gracefully: kill_signal first, SIGKILL after kill_timeout.");
    ButtonType keep = new ButtonType("Keep Running in Background", ButtonBar.ButtonData.OK_DONE);
    ButtonType stop =
        new ButtonType(
            "Stop All and Quit",
            daemon ? ButtonBar.ButtonData.OTHER : ButtonBar.ButtonData.OK_DONE);
    alert
        .getButtonTypes()
        .setAll(daemon ? List.of(keep, stop, ButtonType.CANCEL) : List.of(stop, ButtonType.CANCEL));
    for (ButtonType type : alert.getButtonTypes()) {
      javafx.scene.Node button = alert.getDialogPane().lookupButton(type);
      ButtonBar.setButtonUniformSize(button, false); // each button as wide as its words
      if (button instanceof javafx.scene.control.Button b) {
        b.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
      }
    }
    Optional<ButtonType> chosen = alert.showAndWait();
    return chosen.filter(keep::equals).isPresent()
        ? Quit.KEEP_RUNNING
        : chosen.filter(stop::equals).isPresent() ? Quit.STOP_ALL : Quit.CANCEL;
  }

  @Override
  public void stop() {
    if (bridge != null) {
      bridge.close();
    }
    if (shown != null) {
      shown.closeHosts(); // their daemons run on
    }
    if (engine != null) {
      engine.close();
    }
  }
}
