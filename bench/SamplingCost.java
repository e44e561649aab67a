// The cost of CPU and memory sampling: 200 workers (each a shell with a child, so 400 processes
// in the trees), then the time one sample of all their trees takes, as the sampler thread spends
// it once per interval (1 s by default). Run with bench/metrics.sh.

import dev.pmfx.home.PmfxHome;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.supervisor.Supervisor;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.metrics.ProcessTreeSampler;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

public class SamplingCost {
  public static void main(String[] args) throws Exception {
    int workers = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Path dir = Files.createTempDirectory("pmfx-bench-sampling");
    Files.writeString(dir.resolve("idle.sh"), "sleep 600 &\nwait\n");
    Files.writeString(
        dir.resolve("ecosystem.yaml"),
        "apps:\n  - name: idle\n    script: idle.sh\n    instances: " + workers
            + "\n    exec_mode: fork\n");
    var ecosystem =
        ((LoadResult.Loaded) EcosystemLoader.forThisMachine().load(dir.resolve("ecosystem.yaml")))
            .ecosystem();
    try (Supervisor engine = Supervisor.create(new PmfxHome(dir.resolve("home")), dev.pmfx.config.EcosystemLoader::loadOnThisMachine)) {
      engine.start(ecosystem, Optional.empty(), Set.of()).get();
      List<Long> pids = List.of();
      for (int i = 0; i < 300 && pids.size() < workers; i++) {
        Thread.sleep(100);
        pids =
            engine.snapshot().stream()
                .map(AppStatus::workers)
                .flatMap(List::stream)
                .filter(w -> w.state() == WorkerState.ONLINE && w.pid().isPresent())
                .map(w -> w.pid().getAsLong())
                .toList();
      }
      Thread.sleep(1_000); // every shell has started its child
      var threads = ManagementFactory.getThreadMXBean();
      ProcessTreeSampler sampler = new ProcessTreeSampler();
      sampler.sample(pids); // warm up: class loading, JIT
      List<Double> wall = new ArrayList<>();
      List<Double> cpu = new ArrayList<>();
      int processes = 0;
      for (int i = 0; i < 30; i++) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        var usage = sampler.sample(pids);
        wall.add((System.nanoTime() - t0) / 1e6);
        cpu.add((threads.getCurrentThreadCpuTime() - cpu0) / 1e6);
        processes = usage.values().stream().mapToInt(u -> u.processes()).sum();
        Thread.sleep(100);
      }
      Collections.sort(wall);
      Collections.sort(cpu);
      System.out.printf(
          "sampling %d workers (%d processes in their trees): median %.1f ms wall, %.1f ms CPU"
              + " per sample (%.1f%% of one core at 1 Hz); p90 %.1f ms wall%n",
          pids.size(), processes, wall.get(15), cpu.get(15), cpu.get(15) / 10, wall.get(27));
    }
  }
}
