package dev.pmfx.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** health_check and wait_ready: 'health', as files write them, and every way to get them wrong. */
class HealthCheckConfigTest {

  @TempDir Path dir;

  private LoadResult load(String app) throws Exception {
    Path file = dir.resolve("ecosystem.yaml");
    Files.writeString(file, "apps:\n  - name: api\n    script: server.js\n" + app.indent(4));
    return new EcosystemLoader(Optional.empty(), Map.of(), 2).load(file);
  }

  private AppSpec spec(String app) throws Exception {
    LoadResult result = load(app);
    if (result instanceof LoadResult.Failed failed) {
      throw new AssertionError(failed.diagnostics());
    }
    return ((LoadResult.Loaded) result).ecosystem().apps().getFirst();
  }

  /** Each error as {@code line key: message}. */
  private List<String> errors(String app) throws Exception {
    LoadResult result = load(app);
    assertTrue(result instanceof LoadResult.Failed, "refused: " + result);
    return ((LoadResult.Failed) result)
        .errors().stream()
            .map(d -> d.location().line() + " " + d.key() + ": " + d.message())
            .toList();
  }

  @Test
  void anHttpCheckWithItsDefaults() throws Exception {
    HealthCheck check =
        spec("env: { PORT: 3000 }\nhealth_check: { http: /healthz }").healthCheck().orElseThrow();
    assertEquals(Optional.of("/healthz"), check.path());
    assertEquals(OptionalInt.empty(), check.port());
    assertEquals(OptionalInt.empty(), check.expect());
    assertEquals(Duration.ofSeconds(10), check.interval());
    assertEquals(Duration.ofSeconds(5), check.timeout());
    assertEquals(3, check.failures());
    assertEquals(Duration.ZERO, check.startPeriod());
    assertEquals(false, check.readiness());
    assertEquals(
        "GET /healthz every 10s, 5s timeout, unhealthy after 3 failures in a row", check.words());
  }

  @Test
  void everyKeyOfAnHttpCheckAndWaitReadyHealth() throws Exception {
    AppSpec spec =
        spec(
            """
            wait_ready: health
            health_check:
              http: { path: /ready, port: 9000, expect: 204 }
              interval: 2s
              timeout: 500
              failures: 1
              start_period: 1m
            """);
    HealthCheck check = spec.healthCheck().orElseThrow();
    assertEquals(OptionalInt.of(9000), check.port());
    assertEquals(OptionalInt.of(204), check.expect());
    assertEquals(Duration.ofMillis(500), check.timeout());
    assertEquals(1, check.failures());
    assertEquals(Duration.ofMinutes(1), check.startPeriod());
    assertTrue(spec.readyOnHealth());
    assertEquals(false, spec.waitReady(), "no ready message awaited");
    assertEquals(
        "GET /ready on port 9000, expecting 204 every 2s, 500ms timeout, unhealthy after 1"
            + " failure, 1m to start; online once it passes",
        check.words());
  }

  @Test
  void anExecCheckAndTheAlias() throws Exception {
    HealthCheck check =
        spec("healthcheck: { exec: './check.sh --quick' }").healthCheck().orElseThrow();
    assertEquals(Optional.of("./check.sh --quick"), check.exec());
    assertEquals(Optional.empty(), check.path());
  }

  @Test
  void badChecksAreNamedAtTheirLineWithWhatIsAllowed() throws Exception {
    assertEquals(
        List.of(
            "4 apps[0].health_check: app 'api': health_check has neither 'http' nor 'exec': it"
                + " needs one"),
        errors("health_check: { interval: 5s }"));
    assertEquals(
        List.of(
            "5 apps[0].health_check: app 'api': health_check has both 'http' and 'exec': it needs"
                + " one"),
        errors("env: { PORT: 1 }\nhealth_check: { http: /a, exec: 'true' }"));
    assertEquals(
        List.of(
            "4 apps[0].health_check.http: app 'api': health_check.http must be a path that starts"
                + " with '/' and has no spaces, such as '/healthz'; found \"healthz\""),
        errors("health_check: { http: healthz }"));
    List<String> wrong =
        errors(
            """
            env: { PORT: 3000 }
            health_check:
              http: { path: /h, expect: 999 }
              interval: soon
              failures: 0
            """);
    assertEquals(
        List.of(
            "6 apps[0].health_check.http.expect: app 'api': health_check.http.expect must be an"
                + " HTTP status from 100 to 599, such as 200; found 999",
            "7 apps[0].health_check.interval: app 'api': health_check.interval must be a duration"
                + " up to 30 days: milliseconds (1600) or a number with ms, s, m, h or d ('1.6s');"
                + " found \"soon\"",
            "8 apps[0].health_check.failures: app 'api': health_check.failures must be a whole"
                + " number of at least 1; found 0"),
        wrong);
  }

  @Test
  void waitReadyHealthNeedsACheck() throws Exception {
    assertEquals(
        List.of(
            "4 apps[0].wait_ready: app 'api': wait_ready: 'health' waits for a health check, and"
                + " the app has none"),
        errors("wait_ready: health"));
    assertTrue(
        errors("wait_ready: healthy").getFirst().contains("wait_ready must be true (online when"));
  }

  @Test
  void aForkAppsHttpCheckWithoutAPortIsWarnedOf() throws Exception {
    LoadResult.Loaded loaded = (LoadResult.Loaded) load("health_check: { http: /healthz }");
    assertEquals(
        List.of(
            "4 apps[0].health_check.http: app 'api': health_check.http has no port to ask unless"
                + " the shell that starts the app sets PORT: the app sets no env.PORT (or port),"
                + " and the check names none"),
        loaded.diagnostics().stream()
            .filter(d -> d.key().contains("health_check"))
            .map(d -> d.location().line() + " " + d.key() + ": " + d.message())
            .toList());
    for (String fine :
        List.of(
            "port: 3000\nhealth_check: { http: /healthz }",
            "instances: 2\nenv: { PORT: 3000 }\nhealth_check: { http: /healthz }",
            "health_check: { http: { path: /healthz, port: 9000 } }")) {
      LoadResult.Loaded ok = (LoadResult.Loaded) load(fine);
      assertEquals(
          List.of(),
          ok.diagnostics().stream().filter(d -> d.key().contains("health_check")).toList(),
          fine);
    }
  }

  @Test
  void aPathWithASpaceIsRefused() throws Exception {
    assertEquals(
        List.of(
            "5 apps[0].health_check.http: app 'api': health_check.http must be a path that starts"
                + " with '/' and has no spaces, such as '/healthz'; found \"/health z\""),
        errors("env: { PORT: 1 }\nhealth_check: { http: '/health z' }"));
  }

  @Test
  void aMisspelledKeyIsWarnedWithTheKeyItMayBe() throws Exception {
    LoadResult result = load("env: { PORT: 1 }\nhealth_check: { http: /h, intervall: 5s }");
    LoadResult.Loaded loaded = (LoadResult.Loaded) result;
    assertTrue(
        loaded.diagnostics().stream()
            .anyMatch(
                d ->
                    d.message()
                        .equals(
                            "app 'api': health_check: unknown key 'intervall': did you mean"
                                + " 'interval'?")),
        loaded.diagnostics().toString());
  }
}
