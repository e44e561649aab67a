package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pmfx bridge}: standard input and output joined to the home's daemon, both ways. */
class BridgeTest {

  @TempDir Path dir;

  private Process bridge(String... options) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.pmfx.Main"));
    command.add("bridge");
    command.addAll(List.of(options));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PMFX_HOME", dir.resolve("home").toString());
    builder.environment().remove("PMFX_HOST");
    return builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  @AfterEach
  void killDaemon() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.pmfx.Main", "kill"));
    ProcessBuilder kill = new ProcessBuilder(command);
    kill.environment().put("PMFX_HOME", dir.resolve("home").toString());
    kill.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    kill.start().waitFor(60, TimeUnit.SECONDS);
  }

  @Test
  void callsGoToTheDaemonItStartedAndItsAnswersComeBackUntilInputEnds() throws Exception {
    // given a home where no daemon runs
    Process bridge = bridge();

    // when two calls are written and the input closed
    bridge
        .getOutputStream()
        .write(
            ("{\"id\":1,\"call\":{\"op\":\"Ping\"}}\n"
                    + "{\"id\":2,\"call\":{\"op\":\"View\",\"view\":\"ping\"}}\n")
                .getBytes(StandardCharsets.UTF_8));
    bridge.getOutputStream().close();

    // then both answers come back, and the bridge ends on its own
    List<String> lines =
        new String(bridge.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertTrue(bridge.waitFor(30, TimeUnit.SECONDS), "the bridge did not end");
    assertEquals(0, bridge.exitValue());
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("{\"id\":1,\"result\":{"), lines.get(0));
    assertTrue(lines.get(0).contains(dir.resolve("home").toString()), lines.get(0));
    assertTrue(lines.get(1).startsWith("{\"id\":2,\"result\":\"pong"), lines.get(1));
  }

  @Test
  void withRunningItStartsNoDaemonAndSaysNothing() throws Exception {
    // when
    Process bridge = bridge("--running");
    bridge.getOutputStream().close();

    // then
    assertEquals(0, bridge.getInputStream().readAllBytes().length);
    assertTrue(bridge.waitFor(30, TimeUnit.SECONDS));
    assertEquals(dev.pmfx.daemon.Bridge.NONE_RUNS, bridge.exitValue());
  }
}
