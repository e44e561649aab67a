// The window with other hosts in it, each a pmfx daemon of its own reached over ssh (a real sshd
// on loopback; bench/hosts-window.sh starts it and the hosts' daemons). Three modes (-Dmode=):
//   reload: this machine's app `web` and host h1's `web`; Reload (what the toolbar button does:
//           viewModel.reload(row) on the FX thread) on one then the other, -Dreps= times each,
//           A B A B; each time, the time until the reload's first RolloutStep is in the app's
//           rollout steps (what the Progress tab lists), on the FX thread.
//   idle:   -Dhosts= hosts (0 or more), nothing happening: after -Dsettle= s, this JVM's resident
//           memory and CPU (/proc/self/stat utime+stime) over -Dseconds= s; and the same of every
//           host's bridge JVM (dev.pmfx.Main bridge, found by its PMFX_HOME) and of this JVM's
//           ssh children.
//   pulse:  -Dhosts= hosts, their workers online, the gaps between JavaFX pulses (frames) over 20 s,
//           as bench/UiPulse.java records them, first host's app selected.
// Hosts are h1..hN; host hN's home is -Dhosts.dir=/hN, reached as
// `ssh -F CONFIG hN 'env PMFX_SKIP_BUILD=1 PMFX_HOME=DIR/hN BIN/pmfx bridge'` (-Dssh=, -Dpmfx=).
// -Dlocal=FILE opens an ecosystem file on this machine's engine and starts it.
// -Dscratch=DIR is where the window's own home goes (a folder in it).
// -Dworkers= is how many workers each host's app has (they are waited for).
// Needs a display: bench/hosts-window.sh runs it under Xvfb.

import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.daemon.SshHost;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.supervisor.Supervisor;
import dev.pmfx.ui.Background;
import dev.pmfx.ui.EngineBridge;
import dev.pmfx.ui.FxThread;
import dev.pmfx.ui.MainWindow;
import dev.pmfx.ui.MainWindowViewModel;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.RolloutItem;
import dev.pmfx.ui.ProcessItems.StepItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.beans.value.ChangeListener;
import javafx.collections.ListChangeListener;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;

public class HostsPulse extends Application {

  static final String MODE = System.getProperty("mode", "reload");
  static final int HOSTS = Integer.getInteger("hosts", 1);
  static final int WORKERS = Integer.getInteger("workers", 2);
  static final int REPS = Integer.getInteger("reps", 9);
  static final int SECONDS = Integer.getInteger("seconds", MODE.equals("pulse") ? 20 : 60);
  static final int SETTLE = Integer.getInteger("settle", 10);
  static final Path HOSTS_DIR = Path.of(System.getProperty("hosts.dir", "/tmp"));
  static final String SSH = System.getProperty("ssh", "ssh");
  static final String PMFX = System.getProperty("pmfx", "bin/pmfx");

  private MainWindowViewModel viewModel;
  private Supervisor engine;
  private EngineBridge bridge;
  private Parent root;

  public static void main(String[] args) {
    launch(args);
  }

  @Override
  public void start(Stage stage) throws Exception {
    Application.setUserAgentStylesheet(new atlantafx.base.theme.PrimerLight().getUserAgentStylesheet());
    Path dir = Files.createTempDirectory(Path.of(System.getProperty("scratch", System.getProperty("java.io.tmpdir"))), "window");
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    engine = Supervisor.create(home, EcosystemLoader::loadOnThisMachine);
    viewModel =
        new MainWindowViewModel(
            EcosystemLoader.forThisMachine(),
            engine,
            Background.virtualThreads(),
            home,
            entry ->
                new SshHost(
                    entry.destination(),
                    "env PMFX_SKIP_BUILD=1 PMFX_HOME=" + HOSTS_DIR.resolve(entry.destination()) + " " + PMFX,
                    List.of(SSH.split(" "))));
    root = MainWindow.load(viewModel);
    bridge = new EngineBridge(FxThread::run, viewModel::apply);
    engine.subscribe(bridge);
    stage.setScene(new Scene(root, 1200, 750));
    stage.show();
    String local = System.getProperty("local");
    if (local != null) {
      viewModel.open(Path.of(local));
    }
    Thread.ofPlatform().daemon().start(() -> {
      try {
        run(local != null);
      } catch (Throwable e) {
        e.printStackTrace();
      } finally {
        viewModel.closeHosts();
        bridge.close();
        engine.close();
        Platform.exit();
        System.exit(0);
      }
    });
  }

  private void run(boolean local) throws Exception {
    long begin = System.nanoTime();
    if (local) {
      while (read(() -> viewModel.loadingProperty().get() || viewModel.apps().isEmpty())) {
        Thread.sleep(100);
      }
      FxThread.run(viewModel::startAll);
    }
    // a few hosts at a time: each is an ssh and a bridge JVM starting on the host
    for (int h = 1; h <= HOSTS; h++) {
      String name = "h" + h;
      FxThread.run(() -> viewModel.addHost(name, Optional.empty()));
      if (h % 4 == 0) {
        waitOnline(h, 0);
      }
    }
    waitOnline(HOSTS, local ? WORKERS : 0);
    System.out.printf("window ready: %d hosts, %d workers online, %.1f s%n",
        HOSTS, read(this::onlineAll), (System.nanoTime() - begin) / 1e9);
    switch (MODE) {
      case "reload" -> reload();
      case "idle" -> idle();
      case "pulse" -> pulse();
      default -> throw new IllegalArgumentException("mode: reload, idle or pulse");
    }
  }

  /** Waits until hosts h1..hN show WORKERS online workers each and this machine `local` more. */
  private void waitOnline(int hosts, int local) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      boolean all = read(() -> {
        for (int h = 1; h <= hosts; h++) {
          if (online("h" + h) < WORKERS) {
            return false;
          }
        }
        return online("") >= local;
      });
      if (all) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("not all online after 180 s: " + read(this::onlineAll) + " workers");
  }

  private long online(String host) {
    return viewModel.apps().stream()
        .filter(a -> a.host().equals(host))
        .flatMap(a -> a.workers().stream())
        .filter(w -> w.status().state() == WorkerState.ONLINE)
        .count();
  }

  private long onlineAll() {
    return viewModel.apps().stream()
        .flatMap(a -> a.workers().stream())
        .filter(w -> w.status().state() == WorkerState.ONLINE)
        .count();
  }

  // reload

  private void reload() throws Exception {
    AppItem here = read(() -> app(""));
    AppItem there = read(() -> app("h1"));
    List<Double> local = new ArrayList<>();
    List<Double> remote = new ArrayList<>();
    Thread.sleep(TimeUnit.SECONDS.toMillis(SETTLE));
    for (int i = 0; i < 2 * REPS; i++) {
      boolean overSsh = i % 2 == 1;
      AppItem app = overSsh ? there : here;
      double ms = firstStep(app);
      (overSsh ? remote : local).add(ms);
      System.out.printf("reload %d, %s: first step shown after %.1f ms%n",
          i / 2 + 1, overSsh ? "over ssh (h1)" : "this machine", ms);
      // let the reload finish and its new workers come online before the next
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline
          && !read(() -> app.rolloutProperty().get().over()
              && app.workers().stream().filter(w -> w.status().state() == WorkerState.ONLINE).count() == WORKERS)) {
        Thread.sleep(100);
      }
      // and a random pause more, so that the command falls anywhere between two of the views'
      // batches (EngineBridge.PERIOD) rather than at one phase of them every time
      Thread.sleep(1000 + java.util.concurrent.ThreadLocalRandom.current().nextLong(300));
    }
    double ml = median(local);
    double mr = median(remote);
    System.out.printf("reload to first step shown, medians of %d each: this machine %.1f ms (%.1f-%.1f), over ssh %.1f ms (%.1f-%.1f), ratio %.2f%n",
        REPS, ml, min(local), max(local), mr, min(remote), max(remote), mr / ml);
  }

  private AppItem app(String host) {
    return viewModel.apps().stream()
        .filter(a -> a.host().equals(host) && a.name().equals("web"))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no web on " + (host.isEmpty() ? "this machine" : host)));
  }

  /** Reload on the FX thread, as the toolbar's button does; ms until its first step is listed. */
  private double firstStep(AppItem app) throws Exception {
    CompletableFuture<Long> shown = new CompletableFuture<>();
    long[] began = {0};
    List<Runnable> undo = new ArrayList<>();
    FxThread.run(() -> {
      RolloutItem before = app.rolloutProperty().get();
      Runnable check = () -> {
        RolloutItem now = app.rolloutProperty().get();
        if (now != null && now != before && !now.steps().isEmpty()) {
          shown.complete(System.nanoTime());
        }
      };
      ListChangeListener<StepItem> onStep = c -> check.run();
      ChangeListener<RolloutItem> onRollout = (o, was, now) -> {
        if (was != null && was != before) {
          was.steps().removeListener(onStep);
        }
        if (now != null && now != before) {
          now.steps().addListener(onStep);
          check.run();
        }
      };
      app.rolloutProperty().addListener(onRollout);
      undo.add(() -> {
        app.rolloutProperty().removeListener(onRollout);
        RolloutItem now = app.rolloutProperty().get();
        if (now != null) {
          now.steps().removeListener(onStep);
        }
      });
      began[0] = System.nanoTime();
      viewModel.reload(app);
    });
    long at = shown.get(60, TimeUnit.SECONDS);
    FxThread.run(() -> undo.forEach(Runnable::run));
    return (at - began[0]) / 1e6;
  }

  // idle

  private void idle() throws Exception {
    Thread.sleep(TimeUnit.SECONDS.toMillis(SETTLE));
    long self = ProcessHandle.current().pid();
    List<Long> bridges = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("dev.pmfx.Main bridge"))
        .map(ProcessHandle::pid)
        .filter(pid -> environ(pid).contains("PMFX_HOME=" + HOSTS_DIR + "/"))
        .toList();
    List<Long> sshs = ProcessHandle.current().children().map(ProcessHandle::pid).toList();
    long t0 = ticks(self);
    long[] b0 = bridges.stream().mapToLong(HostsPulse::ticks).toArray();
    long[] s0 = sshs.stream().mapToLong(HostsPulse::ticks).toArray();
    List<Long> rssSamples = new ArrayList<>();
    for (int s = 0; s < SECONDS; s++) {
      Thread.sleep(1000);
      rssSamples.add(rss(self));
    }
    long t1 = ticks(self);
    double hz = 100; // CLK_TCK on Linux
    System.out.printf("idle window, %d hosts (%d workers each): window JVM %.1f MiB resident (median of %d samples, 1 s apart; %.1f at the end), %.3f %% of a core over %d s%n",
        HOSTS, WORKERS, medianL(rssSamples) / 1024.0, rssSamples.size(), rss(self) / 1024.0,
        (t1 - t0) / hz / SECONDS * 100, SECONDS);
    if (!bridges.isEmpty()) {
      List<Double> cpu = new ArrayList<>();
      List<Double> mem = new ArrayList<>();
      for (int i = 0; i < bridges.size(); i++) {
        cpu.add((ticks(bridges.get(i)) - b0[i]) / hz / SECONDS * 100);
        mem.add(rss(bridges.get(i)) / 1024.0);
      }
      System.out.printf("idle hosts' bridges (%d JVMs on the hosts): median %.1f MiB resident (%.1f-%.1f), median %.3f %% of a core (%.3f-%.3f), sum %.1f MiB, %.2f %% of a core%n",
          bridges.size(), median(mem), min(mem), max(mem), median(cpu), min(cpu), max(cpu),
          mem.stream().mapToDouble(d -> d).sum(), cpu.stream().mapToDouble(d -> d).sum());
    }
    if (!sshs.isEmpty()) {
      double cpu = 0;
      double mem = 0;
      for (int i = 0; i < sshs.size(); i++) {
        cpu += (ticks(sshs.get(i)) - s0[i]) / hz / SECONDS * 100;
        mem += rss(sshs.get(i)) / 1024.0;
      }
      System.out.printf("the window's %d ssh children: %.1f MiB resident together, %.3f %% of a core together%n",
          sshs.size(), mem, cpu);
    }
  }

  private static String environ(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ"))).replace('\0', '\n');
    } catch (IOException e) {
      return "";
    }
  }

  /** utime + stime, in clock ticks. */
  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException e) {
      return 0;
    }
  }

  /** VmRSS in KiB. */
  private static long rss(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
          .filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
          .findFirst()
          .orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }

  // pulse

  private void pulse() throws Exception {
    Thread.sleep(TimeUnit.SECONDS.toMillis(Math.min(SETTLE, 5)));
    CompletableFuture<List<Long>> done = new CompletableFuture<>();
    FxThread.run(() -> {
      @SuppressWarnings("unchecked")
      TreeTableView<Object> table = (TreeTableView<Object>) root.lookup("#processTable");
      TreeItem<Object> first = table.getRoot().getChildren().getFirst();
      table.getSelectionModel().select(first.getChildren().isEmpty() ? first : first.getChildren().getFirst());
      List<Long> gaps = new ArrayList<>();
      long[] last = {0};
      long[] start = {0};
      new AnimationTimer() {
        @Override
        public void handle(long now) {
          if (start[0] == 0) {
            start[0] = now;
          } else {
            gaps.add(now - last[0]);
            if (now - start[0] > SECONDS * 1_000_000_000L) {
              stop();
              done.complete(gaps);
            }
          }
          last[0] = now;
        }
      }.start();
    });
    List<Long> sorted = done.get(SECONDS + 120, TimeUnit.SECONDS).stream().sorted().toList();
    System.out.printf(
        "FX pulse gaps over %d s, %d hosts, %d remote workers online: %d frames, median %.1f ms, p99 %.1f ms, max %.1f ms, %d gaps over 100 ms%n",
        SECONDS, HOSTS, read(this::onlineAll), sorted.size(), sorted.get(sorted.size() / 2) / 1e6,
        sorted.get((int) (sorted.size() * 0.99)) / 1e6, sorted.getLast() / 1e6,
        sorted.stream().filter(g -> g > 100_000_000L).count());
  }

  // helpers

  private static <T> T read(java.util.concurrent.Callable<T> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    FxThread.run(() -> {
      try {
        result.complete(work.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(60, TimeUnit.SECONDS);
  }

  private static double median(List<Double> values) {
    double[] a = values.stream().mapToDouble(d -> d).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  private static double medianL(List<Long> values) {
    return median(values.stream().map(Long::doubleValue).toList());
  }

  private static double min(List<Double> values) {
    return values.stream().mapToDouble(d -> d).min().orElse(0);
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(d -> d).max().orElse(0);
  }
}
