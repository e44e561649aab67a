package dev.pmfx.ui;

import dev.pmfx.PmfxHome;
import dev.pmfx.config.EcosystemLoader;
import java.nio.file.Path;
import java.util.Optional;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The desktop application: one main window on the opened ecosystem file. */
public final class PmfxApp extends Application {

  private static volatile Path requestedFile;

  /**
   * Opens the window on {@code file}, or on the last file or the demo when null; returns when it
   * closes.
   */
  public static void launchWindow(Path file) {
    requestedFile = file;
    Application.launch(PmfxApp.class);
  }

  @Override
  public void start(Stage stage) {
    MainWindowViewModel viewModel =
        new MainWindowViewModel(
            EcosystemLoader.forThisMachine(), Background.virtualThreads(), PmfxHome.current());
    stage.setScene(new Scene(MainWindow.load(viewModel)));
    stage
        .titleProperty()
        .bind(viewModel.fileProperty().map(f -> "pmfx — " + f.getFileName()).orElse("pmfx"));
    stage.setMinWidth(640);
    stage.setMinHeight(360);
    stage.show();
    viewModel.openAtStart(Optional.ofNullable(requestedFile));
  }
}
