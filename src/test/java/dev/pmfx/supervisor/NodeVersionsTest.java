package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.WorkerState;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Node's IPC channel and the hand-off of connections are Node's own protocol: they hold on the
 * other major versions too (the machine's Node runs every other test).
 */
class NodeVersionsTest {

  static final List<String> VERSIONS = NodeVersions.OTHERS;

  @TempDir Path dir;
  private EngineHarness pmfx;
  private int port;

  @BeforeEach
  void engine() throws Exception {
    pmfx = new EngineHarness(dir);
    port = EngineHarness.freePort();
  }

  @AfterEach
  void close() {
    pmfx.close();
  }

  @ParameterizedTest(name = "Node {0}")
  @FieldSource("VERSIONS")
  void theChannelCarriesReadyAndShutdown(String version) throws Exception {
    Path node = NodeVersions.node(version);
    pmfx.start(
        """
        apps:
          - name: channel
            script: channel.js
            interpreter: %s
            cwd: ${workers}
            wait_ready: true
            shutdown_with_message: true
            kill_timeout: 10s
        """
            .formatted(node));

    assertEquals("ready", pmfx.events.awaitState("channel", WorkerState.ONLINE).reason());
    pmfx.events.awaitLine("channel", "connected=true own-channel=true"::equals);
    pmfx.engine.stop("channel").get(30, TimeUnit.SECONDS);
    pmfx.events.awaitLine("channel", "got message \"shutdown\""::equals);
    assertEquals(
        "exited with code 0", pmfx.events.awaitState("channel", WorkerState.STOPPED).reason());
  }

  @ParameterizedTest(name = "Node {0}")
  @FieldSource("VERSIONS")
  void handedOffConnectionsReachBothWorkersAndAReloadLosesNothing(String version) throws Exception {
    Path node = NodeVersions.node(version);
    pmfx.start(
        """
        apps:
          - name: web
            script: versioned.js
            interpreter: %s
            cwd: ${workers}
            instances: 2
            exec_mode: cluster
            env: { PORT: %d, DELAY_MS: 20 }
        """
            .formatted(node, port));
    pmfx.awaitOnline("web", 2);
    Set<String> pids =
        pmfx.workers("web").stream()
            .map(w -> String.valueOf(w.pid().orElseThrow()))
            .collect(Collectors.toSet());
    assertEquals(pids, EngineHarness.servedOnNewConnections(port, 8));

    try (LoadClients load = new LoadClients(port, 10)) {
      load.awaitAnswers(100);
      CommandResult reloaded = pmfx.engine.reload("web").get(60, TimeUnit.SECONDS);
      assertTrue(reloaded.ok(), reloaded.toString());
      load.awaitAnswers(100);
      load.close();
      assertEquals(0, load.failed.get(), "failed requests: " + load.failures);
    }
  }
}
