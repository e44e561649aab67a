package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real {@code bin/pmfx} script, as a user runs it from a checkout. */
class BinPmfxTest {

  private static final Path PROJECT =
      Path.of(System.getProperty("pmfx.project.dir", ".")).toAbsolutePath();

  record Run(int code, String out, String err) {}

  private static Run pmfx(String... args) throws IOException, InterruptedException {
    List<String> command =
        new java.util.ArrayList<>(List.of(PROJECT.resolve("bin/pmfx").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PMFX_SKIP_BUILD", "1");
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "bin/pmfx did not finish");
    return new Run(
        process.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void versionNamesPmfxAndItsJava() throws Exception {
    Run run = pmfx("--version");

    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("pmfx 0."), run.out());
    assertTrue(
        run.out().contains("Java 25") || run.out().matches("(?s).*Java 2[5-9].*"), run.out());
  }

  @Test
  void helpListsTheCheckCommand() throws Exception {
    Run run = pmfx("--help");

    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("Usage: pmfx"), run.out());
    assertTrue(run.out().contains("check"), run.out());
  }

  @Test
  void checkOfTheDemoPassesAndOfABrokenFileFails() throws Exception {
    Run demo =
        pmfx(
            "check",
            PROJECT.resolve("src/main/resources/dev/pmfx/demo/ecosystem.config.js").toString());
    Run broken =
        pmfx("check", PROJECT.resolve("src/test/resources/configs/invalid/syntax.json").toString());

    assertEquals(0, demo.code(), demo.err());
    assertTrue(demo.out().contains("web     cluster  2 instances"), demo.out());
    assertEquals(1, broken.code());
    assertTrue(broken.err().contains("syntax.json:4:5: error: JSON syntax"), broken.err());
  }

  @Test
  void unknownCommandIsAnErrorWithUsage() throws Exception {
    Run run = pmfx("frobnicate", "--now");

    assertEquals(2, run.code());
    assertTrue(
        run.err().contains("Unknown option: '--now'") || run.err().contains("Unmatched argument"),
        run.err());
  }
}
