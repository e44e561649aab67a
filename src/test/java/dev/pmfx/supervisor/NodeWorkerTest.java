package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.EngineEvent.WorkerChanged;
import dev.pmfx.engine.WorkerState;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Node app written for PM2 works unchanged: process.send is there, Node's own or the shim's. */
class NodeWorkerTest {

  @TempDir Path dir;
  private EngineHarness pmfx;

  @BeforeEach
  void engine() {
    pmfx = new EngineHarness(dir);
  }

  @AfterEach
  void close() {
    pmfx.close();
  }

  @Test
  void processSendReadyMakesTheWorkerOnline() throws Exception {
    pmfx.start(
        """
        apps:
          - name: node-app
            script: ready.js
            cwd: ${workers}
            wait_ready: true
            listen_timeout: 20s
        """);

    WorkerChanged online = pmfx.events.awaitState("node-app", WorkerState.ONLINE);

    assertEquals("ready", online.reason());
    // stdout and the IPC socket are separate pipes: the line may arrive after the ready message
    pmfx.events.awaitLine("node-app", "listening, process.send is function"::equals);
  }

  @Test
  void whereNoChannelCanBePassedTheShimGivesProcessSend() throws Exception {
    System.setProperty("pmfx.launch", "java"); // Java's ProcessBuilder, as on other systems
    try {
      pmfx.start(
          """
          apps:
            - name: node-app
              script: ready.js
              cwd: ${workers}
              wait_ready: true
              shutdown_with_message: true
              kill_timeout: 10s
          """);

      WorkerChanged online = pmfx.events.awaitState("node-app", WorkerState.ONLINE);
      assertEquals("ready", online.reason());
      String environ =
          java.nio.file.Files.readString(
              Path.of("/proc/" + online.worker().pid().orElseThrow() + "/environ"),
              java.nio.charset.StandardCharsets.ISO_8859_1);
      assertTrue(environ.contains("PMFX_IPC="), "the shim's socket");
      assertTrue(!environ.contains("NODE_CHANNEL_FD="), "no Node channel");

      pmfx.engine.stop("node-app").get();
      assertEquals(
          "exited with code 0", pmfx.events.awaitState("node-app", WorkerState.STOPPED).reason());
      assertTrue(pmfx.events.lines("node-app").contains("got shutdown message"));
    } finally {
      System.clearProperty("pmfx.launch");
    }
  }

  @Test
  void shutdownWithMessageDeliversShutdownInsteadOfASignal() throws Exception {
    pmfx.start(
        """
        apps:
          - name: polite-node
            script: ready.js
            cwd: ${workers}
            wait_ready: true
            shutdown_with_message: true
            kill_timeout: 10s
        """);
    pmfx.events.awaitState("polite-node", WorkerState.ONLINE);

    pmfx.engine.stop("polite-node").get();

    WorkerChanged stopped = pmfx.events.awaitState("polite-node", WorkerState.STOPPED);
    assertEquals("exited with code 0", stopped.reason());
    assertTrue(pmfx.events.lines("polite-node").contains("got shutdown message"));
    assertTrue(
        pmfx.events
            .awaitState("polite-node", WorkerState.STOPPING)
            .reason()
            .contains("sent the shutdown message"));
  }
}
