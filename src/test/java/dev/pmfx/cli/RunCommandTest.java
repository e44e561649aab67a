package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pmfx.posix.Signals;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/pmfx run}: the foreground mode, driven with real signals. */
class RunCommandTest {

  private static final Path PROJECT =
      Path.of(System.getProperty("pmfx.project.dir", ".")).toAbsolutePath();

  /** One fixture worker that prints its pid and sleeps until stopped. */
  private static final String SLEEPER =
      """
      apps:
        - name: sleeper
          script: Sleeper.java
          cwd: ${workers}
      """;

  @TempDir Path dir;
  private Process pmfx;
  private final BlockingQueue<String> output = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  private void run(String yaml, String... before) throws Exception {
    Path config = dir.resolve("ecosystem.yaml");
    Files.writeString(
        config,
        yaml.replace("${workers}", PROJECT.resolve("src/test/resources/workers").toString()));
    List<String> command = new ArrayList<>(List.of(before));
    command.addAll(List.of(PROJECT.resolve("bin/pmfx").toString(), "run", config.toString()));
    start(command);
  }

  /** Runs {@code bin/pmfx} with the command line given. */
  private void start(List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PMFX_SKIP_BUILD", "1");
    builder.environment().put("PMFX_HOME", dir.resolve("home").toString());
    pmfx = builder.start();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(pmfx.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(output::add);
              } catch (java.io.IOException ended) {
                // the process ended
              }
            });
  }

  /** Waits for a line, seen before or arriving later, that contains {@code text}. */
  private String await(String text) throws InterruptedException {
    return await(line -> line.contains(text), text);
  }

  private String await(java.util.function.Predicate<String> match, String what)
      throws InterruptedException {
    for (String line : seen) {
      if (match.test(line)) {
        return line;
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String line = output.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        break;
      }
      seen.add(line);
      if (match.test(line)) {
        return line;
      }
    }
    fail("no line with '" + what + "' in:\n" + String.join("\n", seen));
    return null;
  }

  @AfterEach
  void kill() {
    if (pmfx != null && pmfx.isAlive()) {
      pmfx.destroyForcibly();
    }
  }

  @Test
  void sigtermStopsEveryWorkerGracefullyAndExitsZero() throws Exception {
    run(
        """
        apps:
          - name: sleeper
            script: Sleeper.java
            cwd: ${workers}
            instances: 2
            exec_mode: fork
        """);
    String first = await("sleeper-0 | sleeping, pid ");
    await("sleeper-1 | sleeping, pid ");
    long worker = Long.parseLong(first.substring(first.lastIndexOf(' ') + 1));

    Signals.send(pmfx.pid(), "SIGTERM");

    await("pmfx  | all stopped");
    assertTrue(pmfx.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, pmfx.exitValue());
    assertFalse(ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false));
    assertTrue(
        seen.stream().anyMatch(l -> l.startsWith("pmfx  | sleeper-0 stopped:")), seen::toString);
  }

  @Test
  void sighupReloadsEveryAppPrintingItsSteps() throws Exception {
    run(
        SLEEPER,
        "env",
        "--default-signal=HUP"); // whatever ran the tests (nohup) may have left it ignored
    String before = await("sleeper-0 | sleeping, pid ");

    Signals.send(pmfx.pid(), "SIGHUP");

    await("pmfx  | SIGHUP: reloading every app");
    await("pmfx  | sleeper reload running: restarting workers one at a time");
    await(l -> l.matches("pmfx  \\| sleeper-0 #0 signal done in \\d+ ms: exited.*"), "signal");
    await("pmfx  | sleeper-0 launching: reloaded");
    await(l -> l.matches("pmfx  \\| sleeper-0 #0 start done in \\d+ ms: pid \\d+"), "start");
    await("pmfx  | sleeper reload done: replaced 1 of 1 workers");
    String after =
        await(l -> l.startsWith("sleeper-0 | sleeping, pid ") && !l.equals(before), "a new pid");
    assertFalse(before.equals(after), "a new process");
    Signals.send(pmfx.pid(), "SIGINT");
    assertTrue(pmfx.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, pmfx.exitValue());
  }

  @Test
  void sigintIgnoredFromTheStartIsTakenBackAndStopsEveryWorker() throws Exception {
    // A shell without job control starts a script's background job ('pmfx run app.js &') with
    // SIGINT ignored; pmfx run gives it back its default and handles it.
    run(SLEEPER, "env", "--ignore-signal=INT");
    String line = await("sleeper-0 | sleeping, pid ");
    long worker = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
    assertFalse(ignoredSignals(pmfx.pid()).testBit(1), "SIGINT is no longer ignored");

    Signals.send(pmfx.pid(), "SIGINT");

    await("pmfx  | all stopped");
    assertTrue(pmfx.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, pmfx.exitValue());
    assertFalse(ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void sigintOfAShellsBackgroundJobStopsIt() throws Exception {
    // The case itself: sh -c 'pmfx run … & wait', where sh ignores SIGINT for the job.
    Path config = dir.resolve("ecosystem.yaml");
    Files.writeString(
        config,
        SLEEPER.replace("${workers}", PROJECT.resolve("src/test/resources/workers").toString()));
    start(
        List.of(
            "sh",
            "-c",
            "'" + PROJECT.resolve("bin/pmfx") + "' run '" + config + "' & echo \"job $!\"; wait"));
    String job = await("job ");
    long pid = Long.parseLong(job.substring(job.indexOf(' ') + 1).strip());
    String line = await("sleeper-0 | sleeping, pid ");
    long worker = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));

    Signals.send(pid, "SIGINT");

    await("pmfx  | all stopped");
    assertTrue(pmfx.waitFor(30, TimeUnit.SECONDS));
    assertFalse(ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void sighupIgnoredFromTheStartIsNamedWithWhatToDoInstead() throws Exception {
    // As nohup leaves SIGHUP: that one is the user's choice, and stays ignored.
    run(SLEEPER, "env", "--ignore-signal=HUP");
    await(
        "pmfx  | SIGHUP is ignored here (started with nohup?), so it cannot reload the apps;"
            + " start with env --default-signal=HUP to have it");
    await("sleeper-0 | sleeping, pid ");
    Signals.send(pmfx.pid(), "SIGTERM");
    assertTrue(pmfx.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, pmfx.exitValue());
  }

  /** The signals {@code pid} ignores, as /proc/PID/status's SigIgn mask (bit N-1 for signal N). */
  private static java.math.BigInteger ignoredSignals(long pid) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("SigIgn:")) {
        return new java.math.BigInteger(line.substring(7).strip(), 16);
      }
    }
    throw new AssertionError("no SigIgn in /proc/" + pid + "/status");
  }

  @Test
  void aScriptRunsWithPmfxStartsFlagsAsPm2RuntimeRunsOne() throws Exception {
    Path sleeper = PROJECT.resolve("src/test/resources/workers/Sleeper.java");
    start(
        List.of(
            PROJECT.resolve("bin/pmfx").toString(),
            "run",
            sleeper.toString(),
            "-i",
            "2",
            "-x",
            "--name",
            "sleepy",
            "--kill-timeout",
            "2000"));
    await("sleepy-0 | sleeping, pid ");
    await("sleepy-1 | sleeping, pid ");
    String written =
        Files.readString(dir.resolve("home/apps/sleepy.config.json"), StandardCharsets.UTF_8);
    assertTrue(written.contains("\"kill_timeout\" : 2000"), written);
    Signals.send(pmfx.pid(), "SIGTERM");
    await("pmfx  | all stopped");
    assertTrue(pmfx.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, pmfx.exitValue());
  }

  @Test
  void brokenConfigIsNotStartedAndExitsOne() throws Exception {
    run("apps:\n  - name: x\n    instances: lots\n");

    await("error: app 'x': instances must be");
    assertTrue(pmfx.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, pmfx.exitValue());
  }
}
