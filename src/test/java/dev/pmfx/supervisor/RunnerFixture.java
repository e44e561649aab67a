package dev.pmfx.supervisor;

import dev.pmfx.home.PmfxHome;
import dev.pmfx.supervisor.EffectRunnerTest.FakeLauncher;
import dev.pmfx.supervisor.EffectRunnerTest.ManualTimers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An effect runner with what surrounds it in pmfx (events, logs, routing, sampling, steps), real,
 * but for the clock, which the test moves, and a launcher that starts no process.
 */
final class RunnerFixture implements AutoCloseable {

  final ManualTimers timers = new ManualTimers();
  final FakeLauncher launcher = new FakeLauncher();
  final EventHub events = new EventHub(() -> true);
  final WorkerLogs logs;
  final Routing routing;
  final Sampling sampling;
  final Steps steps;
  final EffectRunner runner;

  /** The runner's home is {@code dir/home}; {@code host} hears what the runner asks of pmfx. */
  RunnerFixture(Path dir, EffectRunner.Host host) throws IOException {
    logs = new WorkerLogs(new PmfxHome(dir.resolve("home")), events, timers::now, app -> {});
    routing =
        new Routing(
            null,
            new Routing.Host() {
              @Override
              public void note(String app, String text) {}

              @Override
              public void cannotServe(String app, String why) {}
            });
    sampling = new Sampling(events, timers::now, List::of, (id, pid, bytes) -> {});
    steps = new Steps(events, timers::now);
    runner =
        new EffectRunner(
            timers,
            events,
            logs,
            routing,
            sampling,
            steps,
            launcher,
            LaunchSetup.prepare(dir.resolve("home"), Map.of("PATH", System.getenv("PATH"))),
            host);
  }

  @Override
  public void close() {
    sampling.close();
    events.close();
  }
}
