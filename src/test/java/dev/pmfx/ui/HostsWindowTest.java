package dev.pmfx.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.cli.Sshd;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.daemon.HostEngine;
import dev.pmfx.daemon.SshHost;
import dev.pmfx.engine.EngineEvent.RolloutChanged;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.supervisor.Supervisor;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.FleetItem;
import dev.pmfx.ui.ProcessItems.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.ListView;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The window on two hosts besides this machine, each a pmfx home of its own on this machine reached
 * through a real sshd on loopback, as {@code pmfx --host} reaches a server: their apps in one
 * table, a reload on one host with its steps, a host whose connection is cut greyed and back, and a
 * reload on every host that stops at the host whose new version fails.
 */
@ExtendWith(ApplicationExtension.class)
class HostsWindowTest {

  private static final Path BIN_PMFX = Path.of("bin/pmfx").toAbsolutePath();

  @TempDir static Path serverDir;
  private static Sshd sshd;

  @TempDir Path dir;

  private MainWindowViewModel viewModel;
  private Supervisor engine;
  private EngineBridge bridge;
  private final List<Path> homes = new ArrayList<>();

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = Sshd.start(serverDir.resolve("sshd"));
    Sshd.warmBinPmfx(serverDir.resolve("warm.log"));
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  @Start
  void start(Stage stage) {
    PmfxApp.theme(false);
    PmfxHome home = new PmfxHome(dir.resolve("local"));
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
                    "env PMFX_SKIP_BUILD=1 PMFX_HOME="
                        + dir.resolve(entry.destination())
                        + " "
                        + BIN_PMFX,
                    List.of(sshd.sshCommand().split(" "))));
    stage.setScene(new Scene(MainWindow.load(viewModel), 1200, 700));
    bridge = new EngineBridge(FxThread::run, viewModel::apply);
    engine.subscribe(bridge);
    stage.show();
  }

  @AfterEach
  void close() throws Exception {
    viewModel.closeHosts();
    bridge.close();
    engine.close();
    for (Path home : homes) {
      onHost(home, "kill");
    }
  }

  /** pmfx run on the host itself, in its home, as its user would run it there. */
  private String onHost(Path home, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(BIN_PMFX.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PMFX_HOME", home.toString());
    builder.environment().put("PMFX_SKIP_BUILD", "1");
    Process process = builder.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "pmfx " + String.join(" ", args));
    return out;
  }

  private static Path workers() {
    return Path.of("src/test/resources/workers").toAbsolutePath();
  }

  /**
   * The host's ecosystem file: one cluster worker of versioned.js on {@code port}, a new version
   * that {@code boot}s as BOOT says (empty: well).
   */
  private Path ecosystem(String host, int port, String boot) throws IOException {
    Path home = dir.resolve(host);
    Files.createDirectories(home);
    return Files.writeString(
        home.resolve("web.yaml"),
        """
        apps:
          - name: web
            script: %s/versioned.js
            exec_mode: cluster
            instances: 1
            wait_ready: true
            listen_timeout: 3000
            env: { PORT: %d, STYLE: pm2, BOOT: '%s' }
        """
            .formatted(workers(), port, boot));
  }

  /** Starts web on the host (its own daemon, there), and adds the host to the window. */
  private int hostWithWeb(String host) throws Exception {
    int port = freePort();
    Path file = ecosystem(host, port, "");
    homes.add(dir.resolve(host));
    String out = onHost(dir.resolve(host), "start", file.toString());
    assertTrue(out.contains("web"), out);
    onFx(() -> viewModel.addHost(host, Optional.empty()));
    waitFor(() -> online(host, "web") == 1);
    return port;
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private Optional<AppItem> app(String host, String name) throws Exception {
    return onFx(
        () ->
            viewModel.apps().stream()
                .filter(a -> a.host().equals(host) && a.name().equals(name))
                .findFirst());
  }

  private long online(String host, String name) throws Exception {
    return onFx(
        () ->
            app(host, name).stream()
                .flatMap(a -> a.workers().stream())
                .filter(w -> w.status().state() == WorkerState.ONLINE)
                .count());
  }

  private List<Long> pids(String host) throws Exception {
    return onFx(
        () ->
            app(host, "web").stream()
                .flatMap(a -> a.workers().stream())
                .map(w -> w.status().pid().orElse(-1))
                .toList());
  }

  private static void waitFor(Callable<Boolean> condition) throws Exception {
    OnFx.waitFor(condition);
  }

  private static <T> T onFx(Callable<T> work) throws Exception {
    return OnFx.read(work);
  }

  private static void onFx(Runnable work) throws Exception {
    OnFx.read(
        () -> {
          work.run();
          return null;
        });
  }

  @SuppressWarnings("unchecked")
  private static TreeTableView<Row> table(FxRobot robot) {
    return robot.lookup("#processTable").queryAs(TreeTableView.class);
  }

  /** What the column headed {@code title} shows for the row of {@code row}. */
  private String cell(FxRobot robot, String title, Row row) throws Exception {
    return onFx(
        () -> {
          TreeTableView<Row> table = table(robot);
          TreeItem<Row> item = find(table.getRoot(), row);
          return table.getColumns().stream()
              .filter(c -> c.getText().equals(title))
              .findFirst()
              .map(c -> String.valueOf(c.getCellData(item)))
              .orElseThrow();
        });
  }

  /** What the Status column shows on the host's heading. */
  private static String headingState(FxRobot robot, String host) {
    TreeTableView<Row> table = table(robot);
    TreeItem<Row> heading =
        table.getRoot().getChildren().stream()
            .filter(i -> i instanceof ProcessTableView.HostHeading h && h.host().equals(host))
            .findFirst()
            .orElseThrow();
    return table.getColumns().stream()
        .filter(c -> c.getText().equals("Status"))
        .findFirst()
        .map(c -> String.valueOf(c.getCellData(heading)))
        .orElseThrow();
  }

  /** The tree's item of {@code row}: under its host's heading. */
  private static TreeItem<Row> find(TreeItem<Row> under, Row row) {
    for (TreeItem<Row> child : under.getChildren()) {
      if (child.getValue() == row) {
        return child;
      }
      TreeItem<Row> below = find(child, row);
      if (below != null) {
        return below;
      }
    }
    return null;
  }

  @Test
  void bothHostsShowInOneTableAndOneHostsAppReloadsWithItsSteps(FxRobot robot) throws Exception {
    hostWithWeb("alpha");
    hostWithWeb("beta");
    AppItem alpha = app("alpha", "web").orElseThrow();
    AppItem beta = app("beta", "web").orElseThrow();
    assertEquals("alpha", cell(robot, "Host", alpha));
    assertEquals("beta", cell(robot, "Host", beta));
    assertTrue(
        onFx(
            () ->
                table(robot).getColumns().stream()
                    .anyMatch(c -> c.getText().equals("Host") && c.isVisible())));
    assertEquals(
        List.of("alpha", "beta"),
        onFx(
            () ->
                table(robot).getRoot().getChildren().stream()
                    .map(i -> ((ProcessTableView.HostHeading) i).host())
                    .toList()),
        "each host's apps under its heading");
    List<Long> betaPids = pids("beta");
    long alphaPid = pids("alpha").getFirst();

    onFx(
        () -> {
          TreeTableView<Row> table = table(robot);
          table.getSelectionModel().select(find(table.getRoot(), alpha));
        });
    robot.clickOn("#reloadButton");
    waitFor(
        () ->
            alpha.rolloutProperty().get() != null
                && alpha.rolloutProperty().get().stateProperty().get().phase()
                    == RolloutChanged.Phase.DONE);
    assertFalse(
        alpha.rolloutProperty().get().steps().isEmpty(), "the reload's steps came over ssh");
    ListView<?> steps = robot.lookup("#rolloutSteps").queryAs(ListView.class);
    assertFalse(onFx(() -> steps.getItems().isEmpty()), "the Progress tab shows them");
    waitFor(() -> online("alpha", "web") == 1 && pids("alpha").getFirst() != alphaPid);
    assertEquals(betaPids, pids("beta"), "beta is left alone");
    assertEquals(null, beta.rolloutProperty().get());

    onFx(() -> viewModel.hostFilterProperty().set("beta"));
    assertEquals(List.of(beta), onFx(() -> List.copyOf(viewModel.visibleApps())));
  }

  @Test
  void aHostAddedFromTheHostsMenuIsRememberedAndRemovedFromIt(FxRobot robot) throws Exception {
    homes.add(dir.resolve("delta"));
    robot.clickOn("Hosts").clickOn("Add Host…");
    robot.clickOn("#hostDestination").write("delta");
    robot.clickOn("Add");
    waitFor(() -> viewModel.hostNames().equals(List.of("delta")));
    waitFor(() -> viewModel.hosts().getFirst().online());
    assertEquals(
        List.of(new GuiState.HostEntry("delta", null)),
        GuiState.load(new PmfxHome(dir.resolve("local"))).hosts(),
        "remembered for the next start");
    assertTrue(
        onFx(() -> robot.lookup("#hostFilter").query().isVisible()), "the host filter shows");

    robot.clickOn("Hosts");
    robot.clickOn(
        (javafx.scene.Node n) ->
            n instanceof javafx.scene.control.Labeled l
                && l.getText() != null
                && l.getText().startsWith("delta: online"));
    robot.clickOn("Remove from the List");
    waitFor(() -> viewModel.hosts().isEmpty());
    assertEquals(List.of(), GuiState.load(new PmfxHome(dir.resolve("local"))).hosts());
  }

  @Test
  void aHostWhoseConnectionIsCutIsGreyedThenReachedAgain(FxRobot robot) throws Exception {
    hostWithWeb("alpha");
    AppItem web = app("alpha", "web").orElseThrow();
    long pid = pids("alpha").getFirst();
    // the tunnel: this JVM's ssh to alpha, ended as a dropped network would end it
    List<ProcessHandle> tunnels =
        ProcessHandle.current()
            .descendants()
            .filter(
                p ->
                    p.info().commandLine().orElse("").contains("ssh")
                        && p.info().commandLine().orElse("").contains("alpha"))
            .toList();
    assertFalse(tunnels.isEmpty(), "no ssh to alpha among this JVM's children");
    tunnels.forEach(ProcessHandle::destroyForcibly);

    waitFor(() -> !web.reachableProperty().get());
    assertTrue(cell(robot, "Host", web).endsWith("unreachable"), cell(robot, "Host", web));
    waitFor(() -> "unreachable".equals(headingState(robot, "alpha")));
    assertEquals(1, online("alpha", "web"), "its last state is kept");
    waitFor(
        () ->
            viewModel.hosts().getFirst().stateProperty().get().kind()
                    == HostEngine.State.Kind.ONLINE
                && web.reachableProperty().get());
    assertEquals("alpha", cell(robot, "Host", web));
    assertEquals("reached", onFx(() -> headingState(robot, "alpha")));
    assertEquals(List.of(pid), pids("alpha"), "the same worker, seen again");
  }

  @Test
  void aHostsDaemonEndedOnPurposeIsStartedAgainOnlyWhenAsked(FxRobot robot) throws Exception {
    hostWithWeb("alpha");
    onHost(dir.resolve("alpha"), "kill");
    waitFor(
        () -> viewModel.hosts().getFirst().stateProperty().get().detail().contains("pmfx kill"));
    Thread.sleep(2_500); // past the pause after which a lost connection is tried again (1 s)
    assertFalse(onFx(() -> viewModel.hosts().getFirst().online()), "no daemon started unasked");
    assertFalse(
        Files.exists(dir.resolve("alpha").resolve("pmfx.sock")), "the host has no daemon again");

    onFx(() -> viewModel.reconnect("alpha"));
    waitFor(() -> viewModel.hosts().getFirst().online());
    waitFor(() -> app("alpha", "web").isEmpty());
  }

  @Test
  void aReloadOnEveryHostStopsAtTheHostWhoseNewVersionFails(FxRobot robot) throws Exception {
    hostWithWeb("alpha");
    int betaPort = hostWithWeb("beta");
    hostWithWeb("gamma");
    long alphaPid = pids("alpha").getFirst();
    long betaPid = pids("beta").getFirst();
    long gammaPid = pids("gamma").getFirst();
    ecosystem("beta", betaPort, "crash"); // beta's deploy brought a version that cannot boot

    onFx(() -> viewModel.reloadEverywhere("web"));
    FleetItem fleet = viewModel.fleetProperty().get();
    assertEquals(
        List.of("alpha", "beta", "gamma"),
        fleet.hosts().stream().map(FleetItem.HostStep::host).toList());
    waitFor(fleet::over);
    assertEquals(
        List.of(FleetItem.Phase.DONE, FleetItem.Phase.FAILED, FleetItem.Phase.SKIPPED),
        onFx(() -> fleet.hosts().stream().map(h -> h.phaseProperty().get()).toList()));
    String why = onFx(() -> fleet.hosts().get(1).detailProperty().get());
    assertTrue(why.startsWith("reload failed: worker ") && why.contains("exited with code 3"), why);
    waitFor(() -> online("alpha", "web") == 1 && pids("alpha").getFirst() != alphaPid);
    assertEquals(List.of(betaPid), pids("beta"), "beta's old version runs on");
    assertEquals(String.valueOf(betaPid), dev.pmfx.cli.DaemonHarness.get(betaPort), "and serves");
    assertEquals(List.of(gammaPid), pids("gamma"), "gamma is not touched");
  }
}
