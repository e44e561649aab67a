package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.RolloutChanged;
import dev.pmfx.engine.EngineEvent.RolloutStep;
import dev.pmfx.engine.EngineEvent.RolloutStep.Status;
import dev.pmfx.engine.EngineEvent.RolloutStep.Step;
import dev.pmfx.engine.Scale;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reload and scale of real Node cluster apps under a bounded load: 20 keep-alive clients on an
 * endpoint that takes 200 ms, counting every failed request.
 */
class RolloutTest {

  @TempDir Path dir;
  private EngineHarness pmfx;
  private Path file;
  private int port;

  /** The cluster balancer the app names: pmfx's request balancer, or hand-off to Node's own. */
  private String balancer = "http";

  @BeforeEach
  void engine() throws Exception {
    pmfx = new EngineHarness(dir);
    port = EngineHarness.freePort();
  }

  @AfterEach
  void close() {
    pmfx.close();
  }

  /** Writes (or rewrites, as a deploy does) the app's ecosystem file and returns its text. */
  private String config(String style, String boot, boolean waitReady, int instances)
      throws Exception {
    String yaml =
        """
        apps:
          - name: web
            script: ${workers}/versioned.js
            instances: %d
            exec_mode: cluster
            wait_ready: %s
            listen_timeout: 1500
            balancer: %s
            env: { PORT: %d, STYLE: '%s', BOOT: '%s', NODE_PATH: '%s' }
        """
            .formatted(
                instances,
                waitReady,
                balancer,
                port,
                style,
                boot,
                style.equals("express") ? NodeVersions.nodeModules("express", "4.21.2") : "")
            .replace("${workers}", EngineHarness.workers().toString());
    if (file == null) {
      file = dir.resolve("ecosystem.yaml");
    }
    Files.writeString(file, yaml);
    return yaml;
  }

  private void startWeb(String style, boolean waitReady, int instances) throws Exception {
    config(style, "", waitReady, instances);
    CommandResult started =
        pmfx.engine
            .start(
                ((dev.pmfx.config.LoadResult.Loaded)
                        dev.pmfx.config.EcosystemLoader.forThisMachine().load(file))
                    .ecosystem(),
                Optional.empty(),
                Set.of())
            .get(30, TimeUnit.SECONDS);
    assertTrue(started.ok(), started.toString());
    awaitOnline(instances);
  }

  private List<WorkerStatus> workers() {
    return pmfx.engine.snapshot().stream()
        .filter(a -> a.name().equals("web"))
        .flatMap(a -> a.workers().stream())
        .toList();
  }

  private void awaitOnline(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (workers().stream().filter(w -> w.state() == WorkerState.ONLINE).count() != count
        || workers().size() != count) {
      assertTrue(System.nanoTime() < deadline, "not " + count + " online: " + workers());
      Thread.sleep(20);
    }
  }

  private Set<Long> pids() {
    return workers().stream().map(w -> w.pid().orElse(-1)).collect(Collectors.toUnmodifiableSet());
  }

  private List<RolloutStep> steps() {
    return pmfx.events.all().stream()
        .filter(RolloutStep.class::isInstance)
        .map(RolloutStep.class::cast)
        .toList();
  }

  private List<RolloutChanged> rollouts() {
    return pmfx.events.all().stream()
        .filter(RolloutChanged.class::isInstance)
        .map(RolloutChanged.class::cast)
        .toList();
  }

  /** The steps that ended for one worker, in order: START, READY, ROUTE or DRAIN, SIGNAL, ... */
  private List<Step> endedSteps(int workerId) {
    return steps().stream()
        .filter(s -> s.workerId() == workerId && s.status().over())
        .map(RolloutStep::step)
        .toList();
  }

  @ParameterizedTest(name = "{0} app, balancer {1}, clients {2}")
  @CsvSource({
    "naive, http, keep-alive",
    "pm2, http, keep-alive",
    "naive, handoff, keep-alive",
    "pm2, handoff, keep-alive",
    "naive, handoff, connection each",
    "express, handoff, keep-alive"
  })
  void reloadUnderLoadLosesNoRequest(String style, String balancer, String clients)
      throws Exception {
    this.balancer = balancer;
    boolean pm2 = style.equals("pm2");
    startWeb(style, pm2, 2);
    List<Integer> before = workers().stream().map(WorkerStatus::id).toList();
    Set<Long> oldPids = pids();
    CommandResult reloaded;
    try (LoadClients load = new LoadClients(port, 20, clients.equals("connection each"))) {
      load.awaitAnswers(100);
      reloaded = pmfx.engine.reload("web").get(60, TimeUnit.SECONDS);
      load.awaitAnswers(100);
      load.close();
      assertEquals(0, load.failed.get(), "failed requests: " + load.failures);
      Set<Long> newPids = pids();
      assertTrue(
          newPids.stream().noneMatch(oldPids::contains), "old " + oldPids + " now " + newPids);
      assertTrue(
          load.bodies.containsAll(newPids.stream().map(String::valueOf).toList()),
          "served by " + load.bodies + ", new pids " + newPids);
    }
    assertTrue(reloaded.ok(), reloaded.toString());
    List<WorkerStatus> after = workers();
    assertEquals(2, after.size());
    assertEquals(List.of(0, 1), after.stream().map(WorkerStatus::instance).toList());
    assertTrue(after.stream().allMatch(w -> w.restarts() == 1), after.toString());
    // As PM2 keeps pm_id: each new worker took the id of the one it replaced, and its processes
    // were told that id from their start.
    assertEquals(before, after.stream().map(WorkerStatus::id).toList());
    for (WorkerStatus w : after) {
      assertEquals(
          String.valueOf(w.id()), EngineHarness.environmentOf(w.pid().orElseThrow()).get("pm_id"));
      EngineEvent.WorkerRemoved old =
          pmfx.events.await(
              EngineEvent.WorkerRemoved.class,
              r -> r.workerId() == w.id() && r.reason().startsWith("replaced by a new process"));
      assertEquals("replaced by a new process (pid " + w.pid().orElseThrow() + ")", old.reason());
      assertEquals(List.of(Step.DRAIN, Step.SIGNAL), endedSteps(w.id()));
      assertEquals(List.of(Step.START, Step.READY, Step.ROUTE), endedSteps(idBefore(w.id())));
    }
    assertTrue(
        steps().stream().filter(s -> s.status().over()).allMatch(s -> s.status() == Status.DONE));
    // One worker at a time: the second new worker starts after the first old one is gone.
    List<EngineEvent> all = pmfx.events.all();
    int firstGone = indexOf(all, e -> e instanceof EngineEvent.WorkerRemoved);
    int second = idBefore(after.get(1).id());
    int secondStart =
        indexOf(
            all,
            e -> e instanceof RolloutStep s && s.step() == Step.START && s.workerId() == second);
    assertTrue(firstGone < secondStart, "the second replacement began before the first ended");
    assertEquals(
        List.of(RolloutChanged.Phase.RUNNING, RolloutChanged.Phase.DONE),
        rollouts().stream().map(RolloutChanged::phase).distinct().toList());
  }

  /** The id a reload's new worker had until it took {@code id} from the one it replaced. */
  private int idBefore(int id) throws Exception {
    return pmfx.events
        .await(EngineEvent.WorkerRemoved.class, r -> r.reason().equals("now worker " + id))
        .workerId();
  }

  private static int indexOf(
      List<EngineEvent> events, java.util.function.Predicate<EngineEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  @ParameterizedTest(name = "balancer {0}")
  @ValueSource(strings = {"http", "handoff"})
  void scaleUpAndDownUnderLoadLosesNoRequest(String balancer) throws Exception {
    this.balancer = balancer;
    startWeb("naive", false, 2);
    try (LoadClients load = new LoadClients(port, 20)) {
      load.awaitAnswers(100);
      CommandResult up = pmfx.engine.scale("web", Scale.parse("4")).get(60, TimeUnit.SECONDS);
      assertTrue(up.ok(), up.toString());
      awaitOnline(4);
      assertEquals(List.of(0, 1, 2, 3), workers().stream().map(WorkerStatus::instance).toList());
      load.awaitAnswers(200);
      Set<String> servedByFour = new java.util.HashSet<>(load.bodies);
      if (balancer.equals("handoff")) {
        // Connections are the workers' own: those open stay where they are, new ones reach the
        // new workers too.
        servedByFour.addAll(EngineHarness.servedOnNewConnections(port, 8));
      }
      CommandResult down = pmfx.engine.scale("web", Scale.parse("-3")).get(60, TimeUnit.SECONDS);
      assertTrue(down.ok(), down.toString());
      load.awaitAnswers(100);
      load.close();
      assertEquals(0, load.failed.get(), "failed requests: " + load.failures);
      assertTrue(servedByFour.size() >= 4, "served by " + servedByFour);
    }
    assertEquals(List.of(0), workers().stream().map(WorkerStatus::instance).toList());
    assertEquals(1, pmfx.engine.snapshot().getFirst().spec().instances());
    CommandResult none = pmfx.engine.scale("web", Scale.parse("-1")).get(10, TimeUnit.SECONDS);
    assertEquals(
        List.of(
            "scale failed: web has 1 worker; scale -1 would leave none (stop the app to stop"
                + " every worker)"),
        none.problems().stream().map(CommandResult.Problem::message).toList());
    assertEquals(1, workers().size());
  }

  @ParameterizedTest(name = "a new version that is {0}")
  @ValueSource(strings = {"silent", "crash"})
  void aBrokenDeployLeavesTheOldWorkersServing(String boot) throws Exception {
    startWeb("naive", false, 2);
    Set<Long> oldPids = pids();
    config("naive", boot, false, 2); // the deploy: the file now starts a broken version
    CommandResult reloaded;
    try (LoadClients load = new LoadClients(port, 20)) {
      load.awaitAnswers(50);
      reloaded = pmfx.engine.reload("web").get(60, TimeUnit.SECONDS);
      load.awaitAnswers(50);
      load.close();
      assertEquals(0, load.failed.get(), "failed requests: " + load.failures);
      assertEquals(oldPids.stream().map(String::valueOf).collect(Collectors.toSet()), load.bodies);
    }
    assertFalse(reloaded.ok());
    String why = reloaded.problems().getFirst().message();
    assertTrue(
        why.matches(
            "reload failed: worker \\d+ \\(web-0\\) "
                + (boot.equals("crash")
                    ? "exited with code 3 before it was ready \\(it said: cannot boot: config"
                        + " missing\\)"
                    : "not listening on .* within listen_timeout \\(1500 ms\\).*")
                + "; worker \\d+ keeps serving"),
        why);
    assertEquals(oldPids, pids());
    assertTrue(workers().stream().allMatch(w -> w.state() == WorkerState.ONLINE));
    assertEquals(RolloutChanged.Phase.FAILED, rollouts().getLast().phase());
    RolloutStep failedStep =
        steps().stream().filter(s -> s.status() == Status.FAILED).findFirst().orElseThrow();
    assertEquals(Step.READY, failedStep.step());
  }

  @Test
  void aNewVersionThatNeverSaysReadyGoesOnWithAWarning() throws Exception {
    startWeb("pm2", true, 2);
    config("pm2", "no-ready", true, 2);
    CommandResult reloaded = pmfx.engine.reload("web").get(60, TimeUnit.SECONDS);
    assertTrue(reloaded.ok(), reloaded.toString());
    awaitOnline(2);
    List<RolloutStep> ready =
        steps().stream().filter(s -> s.step() == Step.READY && s.status().over()).toList();
    assertEquals(2, ready.size());
    for (RolloutStep step : ready) {
      assertEquals(Status.WARNING, step.status());
      assertEquals(
          "no ready signal within listen_timeout (1500 ms), but it accepts connections: online"
              + " anyway",
          step.detail());
    }
  }

  @Test
  void aFileThatNoLongerLoadsTouchesNoWorker() throws Exception {
    startWeb("naive", false, 2);
    Set<Long> pids = pids();
    Files.writeString(file, "apps:\n  - name: web\n    instances: lots\n    script: web.js\n");
    CommandResult reloaded = pmfx.engine.reload("web").get(30, TimeUnit.SECONDS);
    String why = reloaded.problems().getFirst().message();
    assertTrue(why.startsWith("reload failed: " + file + " no longer loads"), why);
    assertTrue(why.contains(file + ":3:"), why);
    assertEquals(pids, pids());
    assertTrue(steps().isEmpty());
  }

  @Test
  void aSecondRolloutWaitsForTheFirst() throws Exception {
    startWeb("naive", false, 2);
    var reload = pmfx.engine.reload("web");
    var scale = pmfx.engine.scale("web", Scale.parse("+1"));
    assertTrue(reload.get(60, TimeUnit.SECONDS).ok());
    assertTrue(scale.get(60, TimeUnit.SECONDS).ok());
    awaitOnline(3);
    // the result can come before the listeners have the event that says the scale is done
    pmfx.events.await(
        RolloutChanged.class,
        r -> r.kind() == RolloutChanged.Kind.SCALE && r.phase() == RolloutChanged.Phase.DONE);
    List<String> phases =
        rollouts().stream().map(r -> r.kind() + " " + r.phase()).distinct().toList();
    assertEquals(
        List.of("RELOAD RUNNING", "SCALE QUEUED", "RELOAD DONE", "SCALE RUNNING", "SCALE DONE"),
        phases);
    // No step of the scale before the reload was over.
    long reloadId = rollouts().getFirst().rollout();
    List<EngineEvent> all = pmfx.events.all();
    int reloadDone =
        indexOf(
            all,
            e ->
                e instanceof RolloutChanged r
                    && r.rollout() == reloadId
                    && r.phase().equals(RolloutChanged.Phase.DONE));
    int firstScaleStep = indexOf(all, e -> e instanceof RolloutStep s && s.rollout() != reloadId);
    assertTrue(reloadDone < firstScaleStep);
  }

  @Test
  void stoppingTheAppMidReloadLeavesNoWorkerTooMany() throws Exception {
    startWeb("naive", false, 2);
    var reload = pmfx.engine.reload("web");
    pmfx.events.await(RolloutStep.class, s -> s.step() == Step.ROUTE && s.status().over());

    assertTrue(pmfx.engine.stop("web").get(30, TimeUnit.SECONDS).ok());
    CommandResult reloaded = reload.get(30, TimeUnit.SECONDS);

    assertEquals(
        List.of("reload failed: interrupted by stop"),
        reloaded.problems().stream().map(CommandResult.Problem::message).toList());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(workers().size() == 2
        && workers().stream().allMatch(w -> w.state() == WorkerState.STOPPED))) {
      assertTrue(System.nanoTime() < deadline, "two stopped workers: " + workers());
      Thread.sleep(20);
    }
    assertEquals(List.of(0, 1), workers().stream().map(WorkerStatus::instance).toList());
  }

  @Test
  void anAppBeingDeletedIsNotReloadedBackToLife() throws Exception {
    startWeb("naive", false, 2);
    var deleted = pmfx.engine.delete("web");
    CommandResult reloaded = pmfx.engine.reload("web").get(30, TimeUnit.SECONDS);
    CommandResult scaled = pmfx.engine.scale("web", Scale.parse("+1")).get(30, TimeUnit.SECONDS);

    assertTrue(deleted.get(30, TimeUnit.SECONDS).ok());
    assertEquals("it is being deleted", reloaded.problems().getFirst().message());
    assertEquals("it is being deleted", scaled.problems().getFirst().message());
    assertTrue(pmfx.engine.snapshot().isEmpty(), pmfx.engine.snapshot().toString());
  }

  @Test
  void forkModeReloadIsAGracefulRestartWithItsSteps() throws Exception {
    Path script = EngineHarness.workers().resolve("Sleeper.java");
    CommandResult started =
        pmfx.start(
            """
            apps:
              - name: job
                script: %s
            """
                .formatted(script));
    assertTrue(started.ok(), started.toString());
    pmfx.events.await(
        EngineEvent.WorkerChanged.class, c -> c.worker().state() == WorkerState.ONLINE);
    long pid = pmfx.engine.snapshot().getFirst().workers().getFirst().pid().orElseThrow();
    CommandResult reloaded = pmfx.engine.reload("job").get(30, TimeUnit.SECONDS);
    assertTrue(reloaded.ok(), reloaded.toString());
    WorkerStatus after = pmfx.engine.snapshot().getFirst().workers().getFirst();
    assertEquals(WorkerState.ONLINE, after.state());
    assertTrue(after.pid().orElseThrow() != pid);
    // Events reach listeners on their own thread, maybe just after the result.
    pmfx.events.await(
        EngineEvent.RolloutChanged.class, c -> c.phase() == EngineEvent.RolloutChanged.Phase.DONE);
    assertEquals(List.of(Step.SIGNAL, Step.START, Step.READY), endedSteps(after.id()));
  }
}
