// Restart latency: from a worker's crash to the worker online again. The worker is a shell script
// that lives 300 ms, prints the time, and exits 1; the latency runs from that printed time to
// the engine's ONLINE event for the next process. So what is measured is pmfx (the exit noticed,
// the output drained, the restart policy, the spawn), not a runtime's start.
// With "node" as the second argument the worker is a Node app with wait_ready, which says ready
// with process.send as soon as it runs: the figure then adds Node's start and the ready message.
// Run with bench/engine.sh or bench/launch.sh.

import dev.pmfx.home.PmfxHome;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.supervisor.Supervisor;
import dev.pmfx.engine.WorkerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

public class RestartLatency {
  public static void main(String[] args) throws Exception {
    int restarts = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    boolean node = args.length > 1 && args[1].equals("node");
    Path dir = Files.createTempDirectory("pmfx-bench-restart");
    Files.writeString(dir.resolve("crash.sh"), "sleep 0.3\ndate +%s%N\nexit 1\n");
    Files.writeString(
        dir.resolve("crash.js"),
        """
        process.send('ready');
        setTimeout(() => {
          const ms = performance.timeOrigin + performance.now();
          console.log(String(BigInt(Math.round(ms * 1e6))).padStart(19, '0'));
          process.exit(1);
        }, 300);
        """);
    Files.writeString(
        dir.resolve("ecosystem.yaml"),
        "apps:\n  - name: crash\n    script: "
            + (node ? "crash.js\n    wait_ready: true" : "crash.sh")
            + "\n    min_uptime: 100\n    max_restarts: 100000\n");
    var ecosystem =
        ((LoadResult.Loaded) EcosystemLoader.forThisMachine().load(dir.resolve("ecosystem.yaml")))
            .ecosystem();

    List<Duration> latencies = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    Instant[] crashed = {null};
    try (Supervisor engine = Supervisor.create(new PmfxHome(dir.resolve("home")), dev.pmfx.config.EcosystemLoader::loadOnThisMachine)) {
      engine.subscribe(
          new EngineListener() {
            @Override
            public void onSnapshot(List<AppStatus> apps) {}

            @Override
            public void onEvent(EngineEvent event) {
              if (event instanceof EngineEvent.LogLine line && line.text().matches("\\d{19}")) {
                long nanos = Long.parseLong(line.text());
                crashed[0] = Instant.ofEpochSecond(nanos / 1_000_000_000, nanos % 1_000_000_000);
              } else if (event instanceof EngineEvent.WorkerChanged c) {
                if (c.worker().state() == WorkerState.ONLINE && crashed[0] != null) {
                  latencies.add(Duration.between(crashed[0], c.at()));
                  if (latencies.size() == restarts) {
                    done.countDown();
                  }
                }
              }
            }
          });
      engine.start(ecosystem, Optional.empty(), Set.of()).join();
      done.await();
    }
    List<Long> micros = latencies.stream().map(d -> d.toNanos() / 1000).sorted().toList();
    System.out.printf(
        "restart latency (%s), crash to online, %d restarts: median %.1f ms, p90 %.1f ms, max %.1f"
            + " ms%n",
        node ? "node, wait_ready" : "shell",
        micros.size(),
        micros.get(micros.size() / 2) / 1000.0,
        micros.get(micros.size() * 9 / 10) / 1000.0,
        micros.getLast() / 1000.0);
  }
}
