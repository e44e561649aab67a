package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmfx.cli.DaemonHarness.Run;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.supervisor.NodeVersions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PM2's commands for apps that use @pm2/io, and for sending to workers, against a daemon. */
class Pm2IoCliTest {

  @TempDir Path dir;
  DaemonHarness pmfx;

  @BeforeEach
  void startTheApps() throws Exception {
    pmfx = new DaemonHarness(dir);
    Path apps =
        pmfx.ecosystem(
            "ecosystem.yaml",
            """
            apps:
              - name: io
                script: pm2io.js
                cwd: ${workers}
                env: { NODE_PATH: '%s' }
              - name: input
                script: input.js
                cwd: ${workers}
            """
                .formatted(NodeVersions.nodeModules("@pm2/io", "6.1.0")));
    assertEquals(0, pmfx.pmfx("start", apps.toString()).code());
    DaemonHarness.await("both apps online", () -> online("io") != null && online("input") != null);
  }

  @AfterEach
  void end() throws Exception {
    pmfx.close();
  }

  @Test
  void describeAndJlistShowTheMetricsAndActionsOfPm2Io() throws Exception {
    // when
    DaemonHarness.await(
        "the metrics in describe", () -> pmfx.pmfx("describe", "io").out().contains("latency"));
    Run describe = pmfx.pmfx("describe", "io");
    Run jlist = pmfx.pmfx("jlist");

    // then
    assertTrue(describe.out().contains("Code metrics value"), describe.out());
    assertTrue(describe.out().matches("(?s).*Realtime user\\s*│\\s*42 users.*"), describe.out());
    assertTrue(describe.out().contains("Actions available"), describe.out());
    assertTrue(describe.out().matches("(?s).*│\\s*db:clean\\s*│.*"), describe.out());
    assertTrue(!describe.out().contains("km:heapdump"), "only the app's own actions listed");
    JsonNode io = null;
    for (JsonNode process : new ObjectMapper().readTree(jlist.out())) {
      if (process.path("name").asText().equals("io")) {
        io = process.path("pm2_env");
      }
    }
    assertEquals(
        42, io.path("axm_monitor").path("Realtime user").path("value").asInt(), jlist.out());
    assertEquals("users", io.path("axm_monitor").path("Realtime user").path("unit").asText());
    assertTrue(
        io.path("axm_actions").findValuesAsText("action_name").contains("db:clean"), jlist.out());
  }

  @Test
  void triggerCallsAnActionAndPrintsItsReply() throws Exception {
    // given
    DaemonHarness.await(
        "the actions in describe", () -> pmfx.pmfx("describe", "io").out().contains("greet"));

    // when
    Run clean = pmfx.pmfx("trigger", "io", "db:clean");
    Run greet = pmfx.pmfx("trigger", "io", "greet", "bob");
    Run unknown = pmfx.pmfx("trigger", "io", "no:such");

    // then
    assertEquals(0, clean.code(), clean.err());
    assertTrue(
        clean.out().contains("[io-0 #" + online("io").id() + "] {\"success\":true}"), clean.out());
    assertEquals(0, greet.code(), greet.err());
    assertTrue(greet.out().contains("{\"hello\":\"bob\"}"), greet.out());
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().contains("no running worker offers action 'no:such'"), unknown.err());
  }

  @Test
  void sendWritesALineToTheWorkersInputAndSendSignalSignalsIt() throws Exception {
    // given
    int id = online("input").id();
    awaitLine(id, "listening to stdin");

    // when
    Run send = pmfx.pmfx("send", String.valueOf(id), "hello there");
    Run signal = pmfx.pmfx("sendSignal", "SIGUSR2", "input");
    Run noSuchSignal = pmfx.pmfx("sendSignal", "SIGNOPE", "input");

    // then
    assertEquals(0, send.code(), send.err());
    awaitLine(id, "got line hello there");
    assertEquals(0, signal.code(), signal.err());
    awaitLine(id, "got SIGUSR2");
    assertEquals(WorkerState.ONLINE, online("input").state(), "the worker lives on");
    assertEquals(1, noSuchSignal.code());
    assertTrue(noSuchSignal.err().contains("no signal SIGNOPE"), noSuchSignal.err());
  }

  private void awaitLine(int id, String text) throws InterruptedException {
    DaemonHarness.await(
        "'" + text + "' from worker " + id,
        () -> {
          try (RemoteEngine engine = pmfx.connect()) {
            return engine.tail(id, 50).stream()
                .map(EngineEvent.LogLine::text)
                .anyMatch(text::equals);
          } catch (java.io.IOException | RuntimeException notYet) {
            return false;
          }
        });
  }

  private WorkerStatus online(String app) {
    try (RemoteEngine engine = pmfx.connect()) {
      List<WorkerStatus> ws =
          engine.snapshot().stream()
              .filter(a -> a.name().equals(app))
              .flatMap(a -> a.workers().stream())
              .filter(w -> w.state() == WorkerState.ONLINE)
              .toList();
      return ws.isEmpty() ? null : ws.getFirst();
    } catch (java.io.IOException | RuntimeException notYet) {
      return null;
    }
  }
}
