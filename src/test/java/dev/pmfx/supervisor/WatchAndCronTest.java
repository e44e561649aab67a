package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.CronSchedule;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.WorkerChanged;
import dev.pmfx.engine.WorkerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts that come from files changing and from the clock. */
class WatchAndCronTest {

  @TempDir Path dir;
  private EngineHarness pmfx;
  private Path app;

  @BeforeEach
  void engine() throws Exception {
    pmfx = new EngineHarness(dir);
    app = Files.createDirectories(dir.resolve("app"));
    Files.copy(EngineHarness.workers().resolve("Sleeper.java"), app.resolve("Sleeper.java"));
    Files.createDirectories(app.resolve("src"));
    Files.createDirectories(app.resolve("logs"));
  }

  @AfterEach
  void close() {
    pmfx.close();
  }

  private void startWatched() throws Exception {
    pmfx.start(
        """
        apps:
          - name: watched
            script: Sleeper.java
            cwd: %s
            watch: true
            ignore_watch: [logs, "*.tmp"]
            watch_delay: 300
        """
            .formatted(app));
    pmfx.events.awaitLine("watched", t -> t.startsWith("sleeping"));
  }

  @Test
  void changedFileRestartsTheAppGracefully() throws Exception {
    startWatched();

    Files.writeString(app.resolve("src/handler.txt"), "v2");

    WorkerChanged relaunch =
        pmfx.events.await(
            WorkerChanged.class,
            c -> c.worker().state() == WorkerState.STOPPING && c.reason().startsWith("watch:"));
    assertTrue(relaunch.reason().startsWith("watch: src/handler.txt changed"), relaunch.reason());
    pmfx.events.await(
        WorkerChanged.class,
        c -> c.worker().state() == WorkerState.ONLINE && c.worker().restarts() == 1);
  }

  @Test
  void aChangedFileReloadsAServingClusterAppWorkerByWorker() throws Exception {
    Files.copy(EngineHarness.workers().resolve("versioned.js"), app.resolve("server.js"));
    int port = EngineHarness.freePort();
    pmfx.start(
        """
        apps:
          - name: web
            script: server.js
            cwd: %s
            exec_mode: cluster
            instances: 2
            watch: [src]
            watch_delay: 300
            env: { PORT: %d, DELAY_MS: 0 }
        """
            .formatted(app, port));
    for (int id = 0; id < 2; id++) {
      int worker = id;
      pmfx.events.await(
          WorkerChanged.class,
          c -> c.worker().id() == worker && c.worker().state() == WorkerState.ONLINE);
    }

    Files.writeString(app.resolve("src/handler.txt"), "v2");

    EngineEvent.RolloutChanged reload =
        pmfx.events.await(
            EngineEvent.RolloutChanged.class,
            r -> r.phase() == EngineEvent.RolloutChanged.Phase.DONE);
    assertEquals(EngineEvent.RolloutChanged.Kind.RELOAD, reload.kind());
    assertTrue(
        pmfx.events.all().stream()
            .anyMatch(
                e ->
                    e instanceof WorkerChanged c
                        && c.worker().state() == WorkerState.LAUNCHING
                        && c.reason().equals("watch: src/handler.txt changed: replaces worker 0")),
        "the new worker says why it started");
    List<Integer> gone =
        pmfx.events.all().stream()
            .filter(EngineEvent.WorkerRemoved.class::isInstance)
            .map(EngineEvent.WorkerRemoved.class::cast)
            .filter(r -> r.reason().startsWith("replaced by"))
            .map(EngineEvent.WorkerRemoved::workerId)
            .toList();
    assertEquals(List.of(0, 1), gone, "replaced one by one, not restarted");
  }

  @Test
  void ignoredPathsDotFilesAndNodeModulesDoNotRestart() throws Exception {
    startWatched();
    Files.createDirectories(app.resolve("node_modules/lib"));

    Files.writeString(app.resolve("logs/today.log"), "noise");
    Files.writeString(app.resolve("build.tmp"), "noise");
    Files.writeString(app.resolve(".hidden"), "noise");
    Files.writeString(app.resolve("node_modules/lib/index.js"), "noise");
    // then a change that counts, to know the watcher has seen everything before it
    Files.writeString(app.resolve("src/real.txt"), "change");

    WorkerChanged stopping =
        pmfx.events.await(WorkerChanged.class, c -> c.worker().state() == WorkerState.STOPPING);
    // the restart names every file that changed while it waited: the ignored ones are not there
    assertEquals(
        "watch: src/real.txt changed: sent SIGINT, SIGKILL after 1600 ms", stopping.reason());
  }

  @Test
  void watchRulesMatchNamesGlobsDotFilesAndTheHome() throws Exception {
    AppWatch watch =
        AppWatch.start(
            pmfx.ecosystem(
                    """
                    apps:
                      - script: Sleeper.java
                        cwd: %s
                        watch: [src]
                        ignore_watch: [logs, "*.tmp", "dist/**"]
                    """
                        .formatted(app))
                .apps()
                .getFirst(),
            List.of(app.resolve("home")),
            path -> {});
    try {
      assertTrue(watch.ignored(app.resolve("logs/a.log")));
      assertTrue(watch.ignored(app.resolve("src/x.tmp")));
      assertTrue(watch.ignored(app.resolve("dist/js/app.js")));
      assertTrue(watch.ignored(app.resolve("src/.cache/x")));
      assertTrue(watch.ignored(app.resolve("node_modules/a/b.js")));
      assertTrue(watch.ignored(app.resolve("home/logs/w-out.log")));
      assertFalse(watch.ignored(app.resolve("src/server.js")));
      assertFalse(watch.ignored(app.resolve("src/logsview.js")));
    } finally {
      watch.close();
    }
  }

  @Test
  void cronRestartRestartsOnSchedule() throws Exception {
    pmfx.start(
        """
        apps:
          - name: nightly
            script: Sleeper.java
            cwd: ${workers}
            cron_restart: "*/2 * * * * *"
        """);
    pmfx.events.awaitState("nightly", WorkerState.ONLINE);

    WorkerChanged stopping = pmfx.events.awaitState("nightly", WorkerState.STOPPING);

    assertTrue(stopping.reason().startsWith("cron_restart: */2 * * * * *"), stopping.reason());
    pmfx.events.await(
        WorkerChanged.class,
        c ->
            c.worker().name().equals("nightly")
                && c.worker().state() == WorkerState.ONLINE
                && c.worker().restarts() >= 1);
  }

  @Test
  void cronExpressionsNameTheirNextTime() {
    ZonedDateTime at = ZonedDateTime.of(2026, 11, 23, 12, 0, 30, 0, ZoneOffset.UTC);

    assertEquals(
        Optional.of(at.withHour(15).withMinute(0).withSecond(0)),
        CronSchedule.next("0 15 * * *", at));
    assertEquals(
        Optional.of(at.plusDays(1).withHour(0).withMinute(0).withSecond(0)),
        CronSchedule.next("@daily", at));
    assertEquals(Optional.of(at.withSecond(45)), CronSchedule.next("*/15 * * * * *", at));
  }
}
