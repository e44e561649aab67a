package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A pmfx started with SIGINT ignored (a shell's background job) still stops workers with it. */
class SignalDispositionTest {

  @Test
  void workersOfAPmfxThatIgnoresSigintStillStopOnSigint() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process pmfx =
        new ProcessBuilder(
                List.of(
                    "sh",
                    "-c",
                    "trap '' INT; exec \"$0\" --enable-native-access=ALL-UNNAMED -cp \"$1\" "
                        + IgnoredSigintHarness.class.getName()
                        + " \"$2\"",
                    java,
                    System.getProperty("java.class.path"),
                    EngineHarness.workers().toString()))
            .redirectErrorStream(true)
            .start();

    assertTrue(pmfx.waitFor(60, TimeUnit.SECONDS), "the harness did not finish");
    String output = new String(pmfx.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(0, pmfx.exitValue(), output);
    assertTrue(output.contains("stopped: exited on SIGINT"), output);
  }
}
