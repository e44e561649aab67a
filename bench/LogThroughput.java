// Log throughput: a worker writes LINES lines as fast as it can (seq); the engine pumps them into
// its log file, its tail and one listener. Prints lines per second from the worker's start to
// its last line reaching the listener, next to the same command writing to /dev/null.
// Run with bench/engine.sh.

import dev.pmfx.home.PmfxHome;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.supervisor.Supervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

public class LogThroughput {
  public static void main(String[] args) throws Exception {
    long lines = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
    Path dir = Files.createTempDirectory("pmfx-bench-logs");
    Files.writeString(dir.resolve("flood.sh"), "seq 1 " + lines + "\n");
    Files.writeString(
        dir.resolve("ecosystem.yaml"),
        "apps:\n  - name: flood\n    script: flood.sh\n    autorestart: false\n");
    var ecosystem =
        ((LoadResult.Loaded) EcosystemLoader.forThisMachine().load(dir.resolve("ecosystem.yaml")))
            .ecosystem();

    long raw = System.nanoTime();
    new ProcessBuilder("bash", dir.resolve("flood.sh").toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor();
    raw = System.nanoTime() - raw;

    AtomicLong seen = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    long start;
    long end;
    try (Supervisor engine = Supervisor.create(new PmfxHome(dir.resolve("home")), dev.pmfx.config.EcosystemLoader::loadOnThisMachine)) {
      engine.subscribe(
          new EngineListener() {
            @Override
            public void onSnapshot(List<AppStatus> apps) {}

            @Override
            public void onEvent(EngineEvent event) {
              if (event instanceof EngineEvent.LogLine && seen.incrementAndGet() == lines) {
                done.countDown();
              }
            }
          });
      start = System.nanoTime();
      engine.start(ecosystem, Optional.empty(), Set.of()).join();
      done.await();
      end = System.nanoTime();
    }
    System.out.printf(
        "log throughput, %,d lines: %,.0f lines/s through pmfx (file, tail, listener);"
            + " the writer alone to /dev/null: %,.0f lines/s%n",
        lines, lines / ((end - start) / 1e9), lines / (raw / 1e9));
  }
}
