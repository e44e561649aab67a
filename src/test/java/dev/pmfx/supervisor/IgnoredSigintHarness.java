package dev.pmfx.supervisor;

import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.home.PmfxHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an engine in a JVM that {@link SignalDispositionTest} starts with SIGINT ignored, as a shell
 * starts a background job: starts a Sleeper, stops it, and prints how it ended.
 */
public final class IgnoredSigintHarness {

  private IgnoredSigintHarness() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("pmfx-sigint");
    Files.writeString(
        dir.resolve("ecosystem.yaml"),
        "apps:\n  - name: s\n    script: Sleeper.java\n    cwd: "
            + args[0]
            + "\n    kill_timeout: 20s\n");
    var ecosystem =
        ((LoadResult.Loaded) EcosystemLoader.forThisMachine().load(dir.resolve("ecosystem.yaml")))
            .ecosystem();
    CountDownLatch sleeping = new CountDownLatch(1);
    try (Supervisor engine =
        Supervisor.create(
            new PmfxHome(dir.resolve("home")),
            dev.pmfx.config.EcosystemLoader::loadOnThisMachine)) {
      engine.subscribe(
          new EngineListener() {
            @Override
            public void onSnapshot(List<AppStatus> apps) {}

            @Override
            public void onEvent(EngineEvent event) {
              if (event instanceof EngineEvent.LogLine line && line.text().startsWith("sleeping")) {
                sleeping.countDown();
              }
              if (event instanceof EngineEvent.WorkerChanged changed
                  && changed.worker().state() == WorkerState.STOPPED) {
                System.out.println("stopped: " + changed.reason());
              }
            }
          });
      engine.start(ecosystem, Optional.empty(), Set.of()).join();
      sleeping.await();
      engine.stop("all").join();
    }
  }
}
