package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.supervisor.RestartPolicy.Decision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PM2's restart rules, one decision at a time, without processes. */
class RestartPolicyTest {

  @TempDir Path dir;

  private AppSpec app(String options) throws Exception {
    Path file = dir.resolve("ecosystem.yaml");
    Files.writeString(file, "apps:\n  - name: app\n    script: app.sh\n" + options.indent(4));
    LoadResult result = new EcosystemLoader(Optional.empty(), Map.of(), 2).load(file);
    return ((LoadResult.Loaded) result).ecosystem().apps().getFirst();
  }

  private static final OptionalInt CODE_1 = OptionalInt.of(1);
  private static final Duration SHORT = Duration.ofMillis(10);
  private static final Duration LONG = Duration.ofMinutes(1);

  @Test
  void stableCrashRestartsAfterRestartDelayAndForgetsEarlierInstability() throws Exception {
    assertEquals(
        new Decision.Restart(Duration.ofSeconds(2), 0, Duration.ZERO),
        RestartPolicy.afterExit(app("restart_delay: 2000"), CODE_1, LONG, 5, Duration.ZERO));
  }

  @Test
  void unstableCrashCountsAndNeverRestartsFasterThanTheFloor() throws Exception {
    assertEquals(
        new Decision.Restart(RestartPolicy.UNSTABLE_FLOOR, 3, Duration.ZERO),
        RestartPolicy.afterExit(app(""), CODE_1, SHORT, 2, Duration.ZERO));
  }

  @Test
  void maxRestartsUnstableExitsInARowGiveUpAsInPm2() throws Exception {
    Decision decision =
        RestartPolicy.afterExit(app("max_restarts: 2"), CODE_1, SHORT, 1, Duration.ZERO);

    assertEquals(
        new Decision.GiveUp(
            "exited 2 times in a row, each time up less than min_uptime (1000 ms); max_restarts is 2"),
        decision);
  }

  @Test
  void backoffGrowsByHalfUpToFifteenSecondsAndStartsOverAfterThirtySecondsUp() throws Exception {
    AppSpec app = app("exp_backoff_restart_delay: 4000\nmin_uptime: 0");

    Decision first = RestartPolicy.afterExit(app, CODE_1, SHORT, 0, Duration.ZERO);
    Decision grown = RestartPolicy.afterExit(app, CODE_1, SHORT, 0, Duration.ofSeconds(4));
    Decision capped = RestartPolicy.afterExit(app, CODE_1, SHORT, 0, Duration.ofSeconds(12));
    Decision reset =
        RestartPolicy.afterExit(app, CODE_1, Duration.ofSeconds(31), 0, Duration.ofSeconds(12));

    assertEquals(Duration.ofSeconds(4), ((Decision.Restart) first).delay());
    assertEquals(Duration.ofSeconds(6), ((Decision.Restart) grown).delay());
    assertEquals(Duration.ofSeconds(15), ((Decision.Restart) capped).delay());
    assertEquals(Duration.ofSeconds(4), ((Decision.Restart) reset).delay());
  }

  @Test
  void stopExitCodesAndAutorestartOffKeepTheWorkerStopped() throws Exception {
    assertEquals(
        new Decision.Stay("exit code 0 is in stop_exit_codes"),
        RestartPolicy.afterExit(
            app("stop_exit_codes: [0, 2]"), OptionalInt.of(0), LONG, 0, Duration.ZERO));
    assertEquals(
        new Decision.Stay("autorestart is off"),
        RestartPolicy.afterExit(app("autorestart: false"), CODE_1, LONG, 0, Duration.ZERO));
  }

  @Test
  void killedBySignalHasNoCodeAndStillRestarts() throws Exception {
    Decision decision =
        RestartPolicy.afterExit(
            app("stop_exit_codes: [0]"), OptionalInt.empty(), LONG, 0, Duration.ZERO);

    assertEquals(new Decision.Restart(Duration.ZERO, 0, Duration.ZERO), decision);
  }
}
