package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.EngineEvent.RolloutChanged;
import dev.pmfx.engine.Scale;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.supervisor.EffectRunnerTest.FakeLauncher;
import dev.pmfx.supervisor.EffectRunnerTest.ManualTimers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollouts driving workers' machines with events, on a manual clock and a launcher that starts no
 * process: each step waits for one worker to settle, and its move takes the rollout on.
 */
class RolloutsTest {

  @TempDir Path dir;

  private RunnerFixture fixture;
  private ManualTimers timers;
  private FakeLauncher launcher;
  private EffectRunner runner;
  private Apps apps;
  private Rollouts rollouts;

  @BeforeEach
  void rollouts() throws Exception {
    Files.writeString(dir.resolve("app.sh"), "echo never run\n");
    fixture =
        new RunnerFixture(
            dir,
            new EffectRunner.Host() {
              @Override
              public void remove(Worker w, String why) {
                apps.remove(w, why, app -> rollouts.interrupt(app, "delete"));
              }

              @Override
              public void replaceUnwell(Worker w, String why) {}

              @Override
              public void moved(Worker w, WorkerState to, String why, boolean late) {
                rollouts.moved(w, to, why, late);
              }

              @Override
              public boolean closing() {
                return false;
              }
            });
    timers = fixture.timers;
    launcher = fixture.launcher;
    runner = fixture.runner;
    apps = new Apps(fixture.events, fixture.logs, fixture.routing, timers::now);
    SpecSource noFile =
        (file, environment) -> {
          throw new AssertionError("an app placed without a file reloads the spec it runs");
        };
    rollouts =
        new Rollouts(
            timers,
            fixture.events,
            fixture.steps,
            runner,
            fixture.routing,
            noFile,
            apps,
            () -> false);
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  /** A fork-mode app "app" of {@code instances} workers, all started and online. */
  private App running(int instances) throws Exception {
    Path file = dir.resolve("ecosystem.yaml");
    Files.writeString(
        file,
        "apps:\n  - name: app\n    script: app.sh\n    cwd: "
            + dir
            + "\n    instances: "
            + instances
            + "\n    exec_mode: fork\n");
    LoadResult result = new EcosystemLoader(Optional.empty(), Map.of(), 2).load(file);
    AppSpec spec = ((LoadResult.Loaded) result).ecosystem().apps().getFirst();
    App app = apps.place(spec);
    for (Worker w : app.workers) {
      runner.launch(w, new MachineEvent.Start(spec, "started", MachineEvent.StartKind.COMMAND));
      assertEquals(WorkerState.ONLINE, w.state());
    }
    launcher.signals.clear();
    return app;
  }

  /** The worker's process, as the fake launcher started it last. */
  private EffectRunnerTest.FakeProcess process(Worker w) {
    return launcher.started.stream()
        .filter(p -> p.pid() == w.process.pid())
        .findFirst()
        .orElseThrow();
  }

  /** The worker's process ends as a graceful stop ends it; the loop hears of it. */
  private void exits(Worker w) throws InterruptedException {
    process(w).exit(0);
    timers.awaitPosted();
  }

  @Test
  void aForkReloadStopsEachWorkerAndStartsItAgainBeforeTouchingTheNext() throws Exception {
    App app = running(2);
    Worker first = app.workers.get(0);
    Worker second = app.workers.get(1);
    long secondPid = second.process.pid();

    CompletableFuture<CommandResult> done =
        rollouts.enqueue(app, RolloutChanged.Kind.RELOAD, Set.of(), null);
    assertEquals(List.of("SIGINT to the tree"), launcher.signals, "only the first is asked");
    assertEquals(WorkerState.STOPPING, first.state());
    assertEquals(WorkerState.ONLINE, second.state());

    exits(first);
    assertEquals(WorkerState.ONLINE, first.state(), "started again on the spec reloaded");
    assertEquals(3, launcher.started.size());
    assertEquals(WorkerState.STOPPING, second.state(), "then the second is asked");
    assertFalse(done.isDone());

    exits(second);
    assertEquals(WorkerState.ONLINE, second.state());
    assertTrue(second.process.pid() != secondPid);
    assertEquals(
        new CommandResult("reload", List.of(first.id, second.id), List.of()), done.getNow(null));
  }

  @Test
  void aScaleUpEndsOnceItsNewWorkerIsOnline() throws Exception {
    App app = running(1);

    CompletableFuture<CommandResult> done =
        rollouts.enqueue(app, RolloutChanged.Kind.SCALE, Set.of(), Scale.parse("+1"));
    timers.run();

    assertEquals(2, app.workers.size());
    assertEquals(WorkerState.ONLINE, app.workers.get(1).state());
    assertEquals(
        new CommandResult("scale", List.of(app.workers.get(1).id), List.of()), done.getNow(null));
    assertEquals(2, app.spec.instances(), "the spec says how many it has now");
  }

  @Test
  void aNewWorkerThatCannotStartIsRemovedAndTheScaleFailsNamingWhy() throws Exception {
    App app = running(1);
    launcher.refuse = new java.io.IOException("no such interpreter: bunx");

    CompletableFuture<CommandResult> done =
        rollouts.enqueue(app, RolloutChanged.Kind.SCALE, Set.of(), Scale.parse("+1"));
    timers.run();

    assertEquals(1, app.workers.size(), "the failed worker left; the first stays");
    assertEquals(WorkerState.ONLINE, app.workers.getFirst().state());
    assertEquals(List.of(), launcher.signals, "the running worker was not touched");
    String problem = done.getNow(null).problems().getFirst().message();
    assertTrue(problem.startsWith("scale failed: worker 1 (app-1) "), problem);
    assertTrue(problem.contains("no such interpreter: bunx"), problem);
  }

  @Test
  void aStopDuringAReloadEndsItOnceTheWorkerItWaitsForSettles() throws Exception {
    App app = running(2);
    Worker first = app.workers.get(0);
    CompletableFuture<CommandResult> done =
        rollouts.enqueue(app, RolloutChanged.Kind.RELOAD, Set.of(), null);

    rollouts.interrupt(app, "stop");
    exits(first);

    assertEquals(WorkerState.STOPPED, first.state(), "not started again");
    assertEquals(WorkerState.ONLINE, app.workers.get(1).state(), "the second was not asked");
    assertEquals(List.of("SIGINT to the tree", "leftovers"), launcher.signals);
    assertEquals(
        List.of(new CommandResult.Problem("app", "reload failed: interrupted by stop")),
        done.getNow(null).problems());
  }
}
