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
import java.util.concurrent.CompletableFuture;

/**
 * Runs an engine in a JVM of its own for {@link NodeChannelTest}: starts {@code channel.js}, prints
 * its pid once it is online, and dies at once, as a daemon killed with SIGKILL does (no close, no
 * stop).
 */
public final class PmfxDiesHarness {

  private PmfxDiesHarness() {}

  /** Arguments: the workers' folder, the file the worker writes when its channel ends. */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("pmfx-dies");
    Files.writeString(
        dir.resolve("ecosystem.yaml"),
        String.join(
            "\n",
            "apps:",
            "  - name: channel",
            "    script: channel.js",
            "    cwd: " + args[0],
            "    wait_ready: true",
            "    env:",
            "      DISCONNECT_FILE: " + args[1],
            ""));
    var ecosystem =
        ((LoadResult.Loaded) EcosystemLoader.forThisMachine().load(dir.resolve("ecosystem.yaml")))
            .ecosystem();
    CompletableFuture<Long> online = new CompletableFuture<>();
    Supervisor engine =
        Supervisor.create(
            new PmfxHome(dir.resolve("home")), dev.pmfx.config.EcosystemLoader::loadOnThisMachine);
    engine.subscribe(
        new EngineListener() {
          @Override
          public void onSnapshot(List<AppStatus> apps) {}

          @Override
          public void onEvent(EngineEvent event) {
            if (event instanceof EngineEvent.WorkerChanged changed
                && changed.worker().state() == WorkerState.ONLINE) {
              online.complete(changed.worker().pid().orElseThrow());
            }
          }
        });
    engine.start(ecosystem, Optional.empty(), Set.of()).join();
    System.out.println("pid " + online.get());
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }
}
