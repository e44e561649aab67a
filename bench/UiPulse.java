// The window under load: 200 workers online and one flooding its log (about 10,000 lines a
// second, followed in the log pane), while an AnimationTimer records the gap between JavaFX
// pulses (frames) for 20 seconds. A responsive window keeps gaps near 16.7 ms (60 Hz).
// With CHARTS set, the selected app is instead the idle one (run it with -Dworkers=16) with its
// Metrics tab open, its charts full: ten minutes of samples of every worker before measuring
// (LOGS_TAB set too: the same, with the Logs tab left open, to compare).
// Needs a display: bench/ui.sh runs it under Xvfb.

import dev.pmfx.home.PmfxHome;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.supervisor.Supervisor;
import dev.pmfx.ui.Background;
import dev.pmfx.ui.EngineBridge;
import dev.pmfx.ui.FxThread;
import dev.pmfx.ui.MainWindow;
import dev.pmfx.ui.MainWindowViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;

public class UiPulse extends Application {

  static final int WORKERS = Integer.getInteger("workers", 200);
  static final int SECONDS = 20;

  public static void main(String[] args) {
    launch(args);
  }

  @Override
  public void start(Stage stage) throws Exception {
    Application.setUserAgentStylesheet(new atlantafx.base.theme.PrimerLight().getUserAgentStylesheet());
    Path dir = Files.createTempDirectory("pmfx-bench-ui");
    Files.writeString(dir.resolve("idle.sh"), "exec sleep 600\n");
    Files.writeString(
        dir.resolve("flood.sh"),
        "i=0\nwhile true; do seq -f \"flood line %g, a bit of text to make it realistic\" $i $((i+999)); i=$((i+1000)); sleep 0.1; done\n");
    Files.writeString(
        dir.resolve("ecosystem.yaml"),
        "apps:\n  - name: idle\n    script: idle.sh\n    instances: " + WORKERS
            + "\n    exec_mode: fork\n  - name: flood\n    script: flood.sh\n");
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    Supervisor engine = Supervisor.create(home, dev.pmfx.config.EcosystemLoader::loadOnThisMachine);
    if (System.getenv("NO_METRICS") != null) engine.sampleEvery(java.time.Duration.ofDays(1));
    MainWindowViewModel viewModel =
        new MainWindowViewModel(EcosystemLoader.forThisMachine(), engine, Background.virtualThreads(), home);
    Parent root = MainWindow.load(viewModel);
    EngineBridge bridge = new EngineBridge(FxThread::run, viewModel::apply);
    engine.subscribe(bridge);
    stage.setScene(new Scene(root, 1200, 750));
    stage.show();
    viewModel.open(dir.resolve("ecosystem.yaml"));

    List<Long> gaps = new ArrayList<>();
    long[] last = {0};
    long[] measuring = {0};
    AnimationTimer timer =
        new AnimationTimer() {
          @Override
          public void handle(long now) {
            if (measuring[0] > 0) {
              gaps.add(now - last[0]);
              if (now - measuring[0] > SECONDS * 1_000_000_000L) {
                stop();
                report(gaps, viewModel);
                Thread.ofVirtual().start(() -> {
                  bridge.close();
                  engine.close();
                  Platform.exit();
                  System.exit(0);
                });
              }
            }
            last[0] = now;
          }
        };
    timer.start();

    // once the file is shown: start everything, follow the flood, then measure
    Thread.ofVirtual().start(() -> {
      try {
        while (viewModel.loadingProperty().get() || viewModel.apps().isEmpty()) {
          Thread.sleep(100);
        }
        FxThread.run(viewModel::startAll);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!viewModel.statusProperty().get().contains((WORKERS + 1) + " of " + (WORKERS + 1) + " workers online")
            && System.nanoTime() < deadline) {
          Thread.sleep(500);
          if (Boolean.getBoolean("progress")) {
            System.out.println(viewModel.statusProperty().get() + " | engine: " + engine.snapshot().stream().map(a -> a.name() + "=" + a.workers().stream().filter(w -> w.state() == dev.pmfx.engine.WorkerState.ONLINE).count() + "/" + a.workers().size()).toList());
          }
        }
        System.out.println("started: " + viewModel.statusProperty().get());
        boolean charts = System.getenv("CHARTS") != null;
        FxThread.run(() -> {
          @SuppressWarnings("unchecked")
          TreeTableView<Object> table = (TreeTableView<Object>) root.lookup("#processTable");
          table.getSelectionModel().select(table.getRoot().getChildren().get(charts ? 0 : 1));
          if (charts) {
            fillTenMinutes(viewModel);
            javafx.scene.control.TabPane tabs = (javafx.scene.control.TabPane) root.lookup("#detailTabs");
            if (System.getenv("LOGS_TAB") == null) tabs.getSelectionModel().select(tabs.getTabs().stream().filter(t -> t.getText().equals("Metrics")).findFirst().orElseThrow());
          }
          measuring[0] = last[0];
        });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /** Ten minutes of made-up samples of the idle app's workers, as if it had run that long. */
  private static void fillTenMinutes(MainWindowViewModel viewModel) {
    var idle = viewModel.apps().getFirst();
    java.time.Instant now = java.time.Instant.now();
    List<dev.pmfx.engine.EngineEvent> samples = new ArrayList<>();
    for (int s = 600; s > 0; s--) {
      List<dev.pmfx.engine.EngineEvent.MetricsSample.WorkerUsage> usage = new ArrayList<>();
      for (var w : idle.workers()) {
        usage.add(new dev.pmfx.engine.EngineEvent.MetricsSample.WorkerUsage(
            w.id(), idle.name(), w.status().instance(), (s * 7 + w.id()) % 100, 50_000_000L + s * 10_000L));
      }
      samples.add(new dev.pmfx.engine.EngineEvent.MetricsSample(now.minusSeconds(s), usage, List.of()));
    }
    viewModel.apply(new EngineBridge.Batch(null, samples));
  }

  private static void report(List<Long> gaps, MainWindowViewModel viewModel) {
    List<Long> sorted = gaps.stream().sorted().toList();
    double median = sorted.get(sorted.size() / 2) / 1e6;
    double p99 = sorted.get((int) (sorted.size() * 0.99)) / 1e6;
    double max = sorted.getLast() / 1e6;
    long stalls = sorted.stream().filter(g -> g > 100_000_000L).count();
    long lines = viewModel.apps().stream().filter(a -> a.name().equals("flood")).mapToLong(a -> a.logs().size()).sum();
    System.out.printf(
        (System.getenv("CHARTS") != null ? "Metrics tab open on " + WORKERS + " workers' full charts; " : "")
            + "FX pulse gaps over %d s, %d workers online, one flooding: %d frames, median %.1f ms, p99 %.1f ms, max %.1f ms, %d gaps over 100 ms (log pane holds %d lines)%n",
        SECONDS, WORKERS + 1, gaps.size(), median, p99, max, stalls, lines);
  }
}
