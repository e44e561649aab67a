package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmfx.cli.DaemonHarness.Run;
import dev.pmfx.engine.EngineJson;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What list, describe and jlist say of a worker's health, through a real daemon. */
class HealthCliTest {

  @TempDir Path dir;
  DaemonHarness pmfx;

  @BeforeEach
  void home() {
    pmfx = new DaemonHarness(dir);
  }

  @AfterEach
  void end() throws Exception {
    pmfx.close();
  }

  private JsonNode describeJson(String target) throws Exception {
    Run described = pmfx.pmfx("describe", target, "--json");
    assertEquals(0, described.code(), described.toString());
    return EngineJson.mapper().readTree(described.out());
  }

  @Test
  void listDescribeAndJlistShowEachWorkersHealth() throws Exception {
    int port = dev.pmfx.supervisor.EngineHarness.freePort();
    Path file =
        pmfx.ecosystem(
            "ecosystem.yaml",
            """
            apps:
              - name: api
                script: sickens.js
                cwd: ${workers}
                env: { PORT: %d }
                health_check: { http: /healthz, interval: 300ms }
              - name: plain
                script: sleep 600
                depends_on: { api: healthy }
            """
                .formatted(port));
    assertEquals(0, pmfx.pmfx("start", file.toString()).code());
    DaemonHarness.await(
        "api healthy",
        () -> {
          try {
            JsonNode health = describeJson("api").get(0).path("pm2_env").path("pmfx_health");
            return health.path("status").asText().equals("healthy");
          } catch (Exception e) {
            return false;
          }
        });

    JsonNode api = describeJson("api");
    assertEquals(1, api.size(), "describe --json prints the target's workers alone");
    JsonNode health = api.get(0).path("pm2_env").path("pmfx_health");
    assertEquals("HTTP 200 from /healthz", health.path("detail").asText());
    assertEquals(0, health.path("failures").asInt(-1));
    assertTrue(health.path("checked_at").asLong() > 0);

    Run jlist = pmfx.pmfx("jlist");
    JsonNode all = EngineJson.mapper().readTree(jlist.out());
    assertEquals(2, all.size());
    for (JsonNode worker : all) {
      boolean checked = worker.path("name").asText().equals("api");
      assertEquals(
          checked, worker.path("pm2_env").has("pmfx_health"), "only a checked app has health");
      assertEquals(
          checked ? "" : "healthy",
          worker.path("pm2_env").path("pmfx_depends_on").path("api").asText(),
          "plain waits for api to be healthy");
    }

    Run list = pmfx.pmfx("list");
    String header = list.out().lines().filter(l -> l.contains("status")).findFirst().orElseThrow();
    assertTrue(header.matches(".*status\\s*│\\s*health\\s*│.*"), header);
    String apiRow = list.out().lines().filter(l -> l.contains(" api ")).findFirst().orElseThrow();
    assertTrue(apiRow.matches(".*online\\s*│\\s*healthy\\s*│.*"), apiRow);

    Run described = pmfx.pmfx("describe", "api");
    assertTrue(
        described
            .out()
            .contains(
                "health check │ GET /healthz every 300ms, 5s timeout, unhealthy after 3 failures"
                    + " in a row"),
        described.out());
    assertTrue(
        described
            .out()
            .lines()
            .anyMatch(l -> l.matches("│ health\\s*│ healthy: HTTP 200 from /healthz \\(.*")),
        described.out());
    String plain = pmfx.pmfx("describe", "plain").out();
    assertTrue(
        plain.lines().noneMatch(l -> l.startsWith("│ health")),
        "an app without a check says nothing of its health: " + plain);
    assertTrue(
        plain.lines().anyMatch(l -> l.matches("│ depends_on\\s*│ api \\(healthy\\)\\s*│")),
        "what it waited for, once online too: " + plain);
  }

  @Test
  void stoppingSeveralAppsStopsThoseThatDependOnOthersFirst() throws Exception {
    Path file =
        pmfx.ecosystem(
            "ecosystem.yaml",
            """
            apps:
              - name: db
                script: sleep 600
              - name: web
                script: sleep 601
                depends_on: [db]
            """);
    assertEquals(0, pmfx.pmfx("start", file.toString()).code());
    java.util.List<String> stopping = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var engine = pmfx.connect();
        var subscription =
            engine.subscribe(
                new dev.pmfx.engine.EngineListener() {
                  @Override
                  public void onSnapshot(java.util.List<dev.pmfx.engine.AppStatus> apps) {}

                  @Override
                  public void onEvent(dev.pmfx.engine.EngineEvent event) {
                    if (event instanceof dev.pmfx.engine.EngineEvent.WorkerChanged c
                        && c.worker().state() == dev.pmfx.engine.WorkerState.STOPPING) {
                      stopping.add(c.worker().name());
                    }
                  }
                })) {
      DaemonHarness.await(
          "both online",
          () ->
              engine.snapshot().stream()
                      .flatMap(a -> a.workers().stream())
                      .filter(w -> w.state() == dev.pmfx.engine.WorkerState.ONLINE)
                      .count()
                  == 2);
      Run stopped = pmfx.pmfx("stop", "db", "web");
      assertEquals(0, stopped.code(), stopped.toString());
      DaemonHarness.await("both stopping", () -> stopping.size() == 2);
      assertEquals(java.util.List.of("web", "db"), stopping, "web, which needs db, first");
    }
  }
}
