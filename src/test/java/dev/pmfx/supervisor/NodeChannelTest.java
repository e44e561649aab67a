package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.EngineEvent.WorkerChanged;
import dev.pmfx.engine.WorkerState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers start through posix_spawn: Node workers with Node's own IPC channel on descriptor 3, as
 * child_process.fork starts them, and every worker with nothing of pmfx's open but its stdout and
 * stderr pipes, in a session of its own.
 */
class NodeChannelTest {

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
  void aNodeWorkerSpeaksOverNodesOwnChannelBothWays() throws Exception {
    pmfx.start(
        """
        apps:
          - name: node-app
            script: channel.js
            cwd: ${workers}
            wait_ready: true
            shutdown_with_message: true
            kill_timeout: 10s
        """);

    WorkerChanged online = pmfx.events.awaitState("node-app", WorkerState.ONLINE);
    assertEquals("ready", online.reason(), "process.send('ready') reached pmfx");
    pmfx.events.awaitLine("node-app", "connected=true own-channel=true"::equals);
    long pid = online.worker().pid().orElseThrow();
    assertTrue(
        Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/3")).toString().startsWith("socket:"),
        "descriptor 3 is the channel's socket");
    String environ =
        Files.readString(Path.of("/proc/" + pid + "/environ"), StandardCharsets.ISO_8859_1);
    assertTrue(environ.contains("NODE_CHANNEL_FD=3\0"), "named to Node as fork names it");
    assertTrue(!environ.contains("PMFX_IPC="), "no second channel beside Node's");

    pmfx.engine.stop("node-app").get();

    pmfx.events.awaitLine("node-app", "got message \"shutdown\""::equals);
    assertEquals(
        "exited with code 0", pmfx.events.awaitState("node-app", WorkerState.STOPPED).reason());
  }

  @Test
  void aWorkerHoldsNothingOfPmfxButItsPipesAndLeadsItsOwnSession() throws Exception {
    pmfx.start(
        """
        apps:
          - name: sleeper
            script: sleep
            args: ["60"]
            cwd: ${workers}
        """);

    long pid = pmfx.events.awaitState("sleeper", WorkerState.ONLINE).worker().pid().orElseThrow();

    TreeMap<Integer, String> fds = new TreeMap<>();
    try (Stream<Path> open = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : open.toList()) {
        fds.put(
            Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
      }
    }
    assertEquals(List.of(0, 1, 2), List.copyOf(fds.keySet()), fds.toString());
    assertTrue(
        fds.values().stream().allMatch(fd -> fd.startsWith("pipe:")),
        "stdin (for pmfx send), stdout and stderr on pipes: " + fds);
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    assertEquals(String.valueOf(pid), fields[3], "session id: " + stat);
    assertEquals(
        EngineHarness.workers().toString(),
        Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")).toString());
  }

  @Test
  void aScriptWithoutAShebangLineRunsThroughTheShell() throws Exception {
    Path script = dir.resolve("plain-script");
    Files.writeString(script, "echo \"plain script in $(pwd)\"\nsleep 30\n");
    script.toFile().setExecutable(true);
    pmfx.start(
        """
        apps:
          - name: plain
            script: %s
            cwd: %s
        """
            .formatted(script, dir));

    pmfx.events.awaitLine("plain", ("plain script in " + dir)::equals);
  }

  @Test
  void aNodeWorkerIsDisconnectedWhenPmfxDies() throws Exception {
    Path disconnected = dir.resolve("disconnected");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process harness =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                PmfxDiesHarness.class.getName(),
                EngineHarness.workers().toString(),
                disconnected.toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(harness.waitFor(60, TimeUnit.SECONDS), "the harness did not end");
    String output = new String(harness.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    long worker =
        output
            .lines()
            .filter(line -> line.startsWith("pid "))
            .mapToLong(line -> Long.parseLong(line.substring(4).strip()))
            .findFirst()
            .orElseThrow(() -> new AssertionError(output));

    long deadline = System.nanoTime() + EngineHarness.PATIENCE.toNanos();
    while (!Files.exists(disconnected) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    try {
      assertEquals("disconnected, connected=false\n", Files.readString(disconnected));
    } finally {
      ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
