package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmfx.config.ExecMode;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.RolloutChanged;
import dev.pmfx.engine.EngineEvent.RolloutStep;
import dev.pmfx.engine.EngineJson;
import dev.pmfx.engine.Health;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The line {@code pmfx events} prints for each kind of event. */
class EventLineTest {

  private static final Instant AT = Instant.parse("2026-12-07T09:41:02.117654321Z");

  private static WorkerStatus web0(WorkerState state) {
    return new WorkerStatus(
        3,
        "web",
        "front",
        ExecMode.FORK,
        0,
        OptionalLong.of(4242),
        state,
        AT,
        Optional.of(AT),
        1,
        OptionalInt.empty(),
        Optional.empty(),
        Optional.of(AT),
        Health.NONE);
  }

  @Test
  void aWorkersMoveIsItsTimeToTheMillisecondItsNameIdStatesAndReason() {
    EventLine line =
        EventLine.of(
            new EngineEvent.WorkerChanged(
                AT, WorkerState.LAUNCHING, web0(WorkerState.ONLINE), "it said ready"));

    assertEquals(
        "2026-12-07T09:41:02.117Z worker web-0 (id 3) launching → online: it said ready",
        line.line());
    assertEquals(Optional.of("web"), line.app());
    assertEquals(OptionalInt.of(3), line.workerId());
  }

  @Test
  void rolloutsAndRemovalsSayWhatTheyDidAndToWhich() {
    Instant started = AT.minusMillis(120);
    assertEquals(
        "2026-12-07T09:41:02.117Z reload #4 of web done (2 → 2 workers): replaced 2 of 2 workers",
        EventLine.of(
                new RolloutChanged(
                    AT,
                    "web",
                    4,
                    RolloutChanged.Kind.RELOAD,
                    RolloutChanged.Phase.DONE,
                    2,
                    2,
                    "replaced 2 of 2 workers"))
            .line());
    assertEquals(
        "2026-12-07T09:41:02.117Z rollout #4 web-1 (id 7) ready done in 120 ms: ready",
        EventLine.of(
                new RolloutStep(
                    AT,
                    "web",
                    4,
                    1,
                    7,
                    RolloutStep.Step.READY,
                    RolloutStep.Status.DONE,
                    started,
                    Optional.empty(),
                    "ready"))
            .line());
    assertEquals(
        "2026-12-07T09:41:02.117Z worker web (id 5) removed: replaced by a new process",
        EventLine.of(new EngineEvent.WorkerRemoved(AT, "web", 5, "replaced by a new process"))
            .line());
    assertEquals(
        "2026-12-07T09:41:02.117Z app web removed",
        EventLine.of(new EngineEvent.AppRemoved(AT, "web")).line());
  }

  @Test
  void logLinesAndSamplesAreLeftToTheirOwnCommands() {
    assertFalse(
        EventLine.streamed(
            new EngineEvent.LogLine(AT, 3, "web", 0, EngineEvent.LogLine.Stream.OUT, "hello")));
    assertFalse(EventLine.streamed(new EngineEvent.MetricsSample(AT, List.of(), List.of())));
    assertTrue(EventLine.streamed(new EngineEvent.AppRemoved(AT, "web")));
    assertTrue(
        EventLine.streamed(
            new EngineEvent.WorkerChanged(
                AT, WorkerState.ONLINE, web0(WorkerState.STOPPING), "asked to stop")));
  }

  @Test
  void jsonIsTheEventAsTheSocketCarriesItWithItsType() throws Exception {
    EngineEvent event =
        new EngineEvent.WorkerChanged(
            AT, WorkerState.LAUNCHING, web0(WorkerState.ONLINE), "it said ready");

    String json = EventLine.of(event).json();

    assertEquals(-1, json.indexOf('\n'), json);
    JsonNode tree = EngineJson.mapper().readTree(json);
    assertEquals("WorkerChanged", tree.path("type").asText());
    assertEquals(event, EngineJson.mapper().readValue(json, EngineEvent.class));
  }
}
