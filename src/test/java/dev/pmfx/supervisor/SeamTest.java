package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineJson;
import dev.pmfx.engine.Scale;
import dev.pmfx.engine.Target;
import dev.pmfx.engine.WorkerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What crosses the Engine seam survives JSON, so a remote engine can carry it. */
class SeamTest {

  @TempDir Path dir;

  @Test
  void snapshotsAndEventsRoundTripThroughJson() throws Exception {
    ObjectMapper json = EngineJson.mapper();
    try (EngineHarness pmfx = new EngineHarness(dir)) {
      pmfx.engine.sampleEvery(java.time.Duration.ofMillis(200));
      pmfx.engine
          .start(
              pmfx.ecosystem(
                  """
                  apps:
                    - name: api
                      script: Sleeper.java
                      cwd: ${workers}
                      env: { A: b }
                      max_memory_restart: 300M
                      cron_restart: "0 3 * * *"
                      health_check: { exec: 'true', interval: 200ms }
                  """),
              Optional.empty(),
              Set.of())
          .get();
      pmfx.events.awaitState("api", WorkerState.ONLINE);
      pmfx.events.await(EngineEvent.MetricsSample.class, sample -> true);
      pmfx.events.await(EngineEvent.HealthChecked.class, checked -> true);
      // Scale and reload bring every rollout event: steps, app updates, a worker removed.
      assertEquals(true, pmfx.engine.scale("api", Scale.parse("+1")).get().ok());
      assertEquals(true, pmfx.engine.reload("api").get().ok());
      assertEquals(true, pmfx.engine.scale("api", Scale.parse("-1")).get().ok());

      pmfx.events.await(EngineEvent.LogLine.class, line -> true);
      List<AppStatus> snapshot = pmfx.engine.snapshot();
      assertEquals(true, pmfx.engine.delete("api").get().ok());
      pmfx.events.await(EngineEvent.AppRemoved.class, removed -> true);
      List<EngineEvent> events = pmfx.events.all();

      for (AppStatus app : snapshot) {
        assertEquals(app, json.readValue(json.writeValueAsString(app), AppStatus.class));
      }
      for (EngineEvent event : events) {
        assertEquals(event, json.readValue(json.writeValueAsString(event), EngineEvent.class));
      }
      assertEquals(
          Set.of(EngineEvent.class.getPermittedSubclasses()),
          Set.copyOf(events.stream().map(Object::getClass).toList()),
          "every kind of event crossed the seam");
    }
  }

  @Test
  void targetsParseAsPm2NamesThem() {
    assertEquals(new Target.All(), Target.parse("all"));
    assertEquals(new Target.WorkerId(3), Target.parse("3"));
    assertEquals(new Target.Named("api"), Target.parse(" api "));
  }

  @Test
  void workerChannelReadsReadyInEveryFormPm2AppsUse() {
    assertEquals("ready", WorkerChannel.message("ready"));
    assertEquals("ready", WorkerChannel.message("\"ready\""));
    assertEquals("ready", WorkerChannel.message("{\"type\":\"ready\"}"));
    assertEquals("{broken", WorkerChannel.message("{broken"));
  }

  @Test
  void specsSavedWithTheBalancerAsWordsReadAsItsValues() throws Exception {
    Files.writeString(
        dir.resolve("ecosystem.yaml"),
        "apps:\n  - { name: api, script: app.js, instances: 2, balancer: tcp,"
            + " balancer_strategy: sticky }\n");
    dev.pmfx.config.AppSpec spec =
        ((dev.pmfx.config.LoadResult.Loaded)
                dev.pmfx.config.EcosystemLoader.forThisMachine()
                    .load(dir.resolve("ecosystem.yaml")))
            .ecosystem()
            .apps()
            .getFirst();
    ObjectMapper json = EngineJson.mapper();
    com.fasterxml.jackson.databind.node.ObjectNode saved = json.valueToTree(spec);
    assertEquals("tcp", saved.get("balancer").asText(), "written as the file writes it");
    assertEquals("sticky", saved.get("balancerStrategy").asText());
    assertEquals(spec, json.treeToValue(saved, dev.pmfx.config.AppSpec.class));

    // As a pmfx saved an app that named no balancer, and one from before balancer_strategy.
    saved.put("balancer", "");
    saved.remove("balancerStrategy");
    dev.pmfx.config.AppSpec older = json.treeToValue(saved, dev.pmfx.config.AppSpec.class);
    assertEquals(Optional.empty(), older.balancer());
    assertEquals(dev.pmfx.config.BalancerMode.HANDOFF, older.balancerMode(), "a Node app's");
    assertEquals(dev.pmfx.config.BalancerStrategy.ROUND_ROBIN, older.balancerStrategy());
  }
}
