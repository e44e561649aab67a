package dev.pmfx.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.pmfx.PmfxHome;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.engine.LocalEngine;
import java.nio.file.Path;
import java.util.Optional;
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

  private LocalEngine engine;
  private EngineBridge bridge;

  /**
   * Opens the window on {@code file}, or on the last file or the demo when null; returns when it
   * closes.
   */
  public static void launchWindow(Path file) {
    requestedFile = file;
    Application.launch(PmfxApp.class);
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
    engine = LocalEngine.create(home);
    MainWindowViewModel viewModel =
        new MainWindowViewModel(
            EcosystemLoader.forThisMachine(), engine, Background.virtualThreads(), home);
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
          if (viewModel.anyRunning() && !confirmStop(stage)) {
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
          viewModel.beginQuit();
          stage.titleProperty().unbind();
          stage.setTitle("pmfx — stopping every worker…");
          Thread.ofVirtual()
              .start(
                  () -> {
                    engine.close();
                    FxThread.run(Platform::exit);
                  });
        });
    stage.show();
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

  /** Closing with workers running: they stop with the window (a daemon comes later). */
  private static boolean confirmStop(Stage owner) {
    Alert alert = new Alert(Alert.AlertType.CONFIRMATION);
    alert.initOwner(owner);
    alert.setTitle("Quit pmfx");
    alert.setHeaderText("Workers are running");
    alert.setContentText(
        "Quitting stops them gracefully: kill_signal first, SIGKILL after kill_timeout.");
    ButtonType stop = new ButtonType("Stop All and Quit", ButtonBar.ButtonData.OK_DONE);
    alert.getButtonTypes().setAll(stop, ButtonType.CANCEL);
    return alert.showAndWait().filter(stop::equals).isPresent();
  }

  @Override
  public void stop() {
    if (bridge != null) {
      bridge.close();
    }
    if (engine != null) {
      engine.close();
    }
  }
}
