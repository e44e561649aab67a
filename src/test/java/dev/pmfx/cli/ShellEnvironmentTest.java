package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment of the shell that runs {@code bin/pmfx}, not the daemon's, is what workers get,
 * as with PM2: each command here is a real {@code bin/pmfx} process with an environment of its own,
 * and each worker's environment is read from {@code /proc/PID/environ}.
 */
class ShellEnvironmentTest {

  @TempDir Path dir;
  DaemonHarness pmfx;
  Path sleeper;

  @BeforeEach
  void home() throws Exception {
    pmfx = new DaemonHarness(dir);
    sleeper = Files.writeString(dir.resolve("sleeper.sh"), "#!/bin/sh\nexec sleep 600\n");
    sleeper.toFile().setExecutable(true);
    pmfx.daemonPid(); // the daemon runs with this test's environment, which sets none of these
    assertFalse(System.getenv().containsKey("GREETING"));
  }

  @AfterEach
  void end() throws Exception {
    pmfx.close();
  }

  /** {@code bin/pmfx args…} with the test's environment, {@code shell} over it (null: unset). */
  private DaemonHarness.Run shell(Map<String, String> shell, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of("bin/pmfx").toAbsolutePath().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().put("PMFX_SKIP_BUILD", "1");
    builder.environment().put("PMFX_HOME", pmfx.home.dir().toString());
    shell.forEach(
        (key, value) -> {
          if (value == null) {
            builder.environment().remove(key);
          } else {
            builder.environment().put(key, value);
          }
        });
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "bin/pmfx " + String.join(" ", args));
    return new DaemonHarness.Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private WorkerStatus worker(String app) throws IOException {
    try (RemoteEngine engine = pmfx.connect()) {
      return engine.snapshot().stream()
          .filter(a -> a.name().equals(app))
          .flatMap(a -> a.workers().stream())
          .findFirst()
          .orElseThrow();
    }
  }

  /** The environment of the app's running process, as the kernel holds it. */
  private Map<String, String> environ(String app) throws Exception {
    DaemonHarness.await(
        app + " online",
        () -> {
          try {
            return worker(app).state() == WorkerState.ONLINE;
          } catch (IOException e) {
            return false;
          }
        });
    long pid = worker(app).pid().getAsLong();
    Map<String, String> env = new HashMap<>();
    String raw =
        new String(
            Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
    for (String pair : raw.split("\0")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        env.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return env;
  }

  @Test
  void aNewAppGetsTheShellsEnvironmentAndOnlyUpdateEnvChangesItLater() throws Exception {
    DaemonHarness.Run started =
        shell(Map.of("GREETING", "hello", "API_TOKEN", "abc123"), "start", sleeper.toString());
    assertEquals(0, started.code(), started.toString());
    Map<String, String> first = environ("sleeper");
    assertEquals("hello", first.get("GREETING"), "the shell's, though the daemon has none");
    assertEquals("abc123", first.get("API_TOKEN"));

    DaemonHarness.Run env = shell(Map.of(), "env", String.valueOf(worker("sleeper").id()));
    assertEquals(0, env.code(), env.toString());
    assertTrue(env.out().contains("GREETING: hello\n"), env.out());
    assertTrue(env.out().contains("API_TOKEN: ********\n"), env.out());
    assertFalse(env.out().contains("abc123"), "a secret stays hidden: " + env.out());
    DaemonHarness.Run shown =
        shell(Map.of(), "env", String.valueOf(worker("sleeper").id()), "--show");
    assertTrue(shown.out().contains("API_TOKEN: abc123\n"), shown.out());

    long before = worker("sleeper").pid().getAsLong();
    DaemonHarness.Run restarted = shell(Map.of("GREETING", "bye"), "restart", "sleeper");
    assertEquals(0, restarted.code(), restarted.toString());
    DaemonHarness.await(
        "a new process",
        () -> {
          try {
            return worker("sleeper").pid().getAsLong() != before;
          } catch (IOException e) {
            return false;
          }
        });
    assertEquals("hello", environ("sleeper").get("GREETING"), "a restart keeps what it had");

    Map<String, String> shellWithout = new HashMap<>();
    shellWithout.put("GREETING", "bye");
    shellWithout.put("API_TOKEN", null);
    long second = worker("sleeper").pid().getAsLong();
    DaemonHarness.Run updated = shell(shellWithout, "restart", "sleeper", "--update-env");
    assertEquals(0, updated.code(), updated.toString());
    DaemonHarness.await(
        "a third process",
        () -> {
          try {
            return worker("sleeper").pid().getAsLong() != second;
          } catch (IOException e) {
            return false;
          }
        });
    Map<String, String> third = environ("sleeper");
    assertEquals("bye", third.get("GREETING"));
    assertFalse(third.containsKey("API_TOKEN"), "gone from the shell, gone from the worker");
  }

  /** Waits until each of the app's workers has a process. */
  private List<WorkerStatus> started(String app, int workers) throws Exception {
    DaemonHarness.await(
        app + "'s " + workers + " workers started",
        () -> {
          try (RemoteEngine engine = pmfx.connect()) {
            List<WorkerStatus> all =
                engine.snapshot().stream()
                    .filter(a -> a.name().equals(app))
                    .flatMap(a -> a.workers().stream())
                    .toList();
            return all.size() == workers
                && all.stream().allMatch(w -> engine.environment(w.id()).isPresent());
          } catch (IOException e) {
            return false;
          }
        });
    try (RemoteEngine engine = pmfx.connect()) {
      return engine.snapshot().stream()
          .filter(a -> a.name().equals(app))
          .flatMap(a -> a.workers().stream())
          .toList();
    }
  }

  @Test
  void envHidesSecretsButNotTheAddressesPmfxAndTheDesktopGiveAWorker() throws Exception {
    DaemonHarness.Run started =
        shell(
            Map.of("API_TOKEN", "abc123", "SSH_AUTH_SOCK", "/tmp/agent.sock", "DB_PASSWORD", "pw"),
            "start",
            sleeper.toString(),
            "--name",
            "api",
            "-i",
            "1");
    assertEquals(0, started.code(), started.toString());
    int id = started("api", 1).getFirst().id();

    DaemonHarness.Run env = shell(Map.of(), "env", String.valueOf(id));

    assertEquals(0, env.code(), env.toString());
    assertTrue(
        java.util.regex.Pattern.compile("(?m)^PMFX_PRIVATE_PORT: \\d+$").matcher(env.out()).find(),
        "a cluster worker's own port is no secret: " + env.out());
    assertTrue(env.out().contains("SSH_AUTH_SOCK: /tmp/agent.sock\n"), env.out());
    assertTrue(env.out().contains("API_TOKEN: ********\n"), env.out());
    assertTrue(env.out().contains("DB_PASSWORD: ********\n"), env.out());
    assertTrue(env.out().contains("(2 values hidden; pmfx env " + id + " --show"), env.out());
  }

  @Test
  void envOfAnAppPrintsEachWorkersEnvironmentUnderAHeading() throws Exception {
    DaemonHarness.Run started =
        shell(
            Map.of("API_TOKEN", "abc123", "GREETING", "hello"),
            "start",
            sleeper.toString(),
            "--name",
            "api",
            "-i",
            "2");
    assertEquals(0, started.code(), started.toString());
    List<WorkerStatus> workers = started("api", 2);

    DaemonHarness.Run env = shell(Map.of(), "env", "api");

    assertEquals(0, env.code(), env.toString());
    for (WorkerStatus w : workers) {
      String heading = "Environment of worker " + w.id() + " of api\n";
      assertTrue(env.out().contains(heading), env.out());
      String own = env.out().substring(env.out().indexOf(heading));
      assertTrue(own.contains("pm_id: " + w.id() + "\n"), "its own environment: " + own);
      assertTrue(own.contains("NODE_APP_INSTANCE: " + w.instance() + "\n"), own);
    }
    assertEquals(2, env.out().split("GREETING: hello\n", -1).length - 1, env.out());
    assertFalse(env.out().contains("abc123"), env.out());
    assertTrue(env.out().contains("(2 values hidden; pmfx env api --show prints them)"), env.out());
    assertTrue(shell(Map.of(), "env", "all", "--show").out().contains("API_TOKEN: abc123\n"));

    DaemonHarness.Run unknown = shell(Map.of(), "env", "nope");
    assertEquals(1, unknown.code(), unknown.toString());
    assertTrue(unknown.err().contains("no app, worker id or namespace 'nope'"), unknown.err());
  }

  @Test
  void saveKeepsEachAppsEnvironmentAndResurrectGivesItBack() throws Exception {
    DaemonHarness.Run started = shell(Map.of("GREETING", "saved"), "start", sleeper.toString());
    assertEquals(0, started.code(), started.toString());
    assertEquals("saved", environ("sleeper").get("GREETING"));

    assertEquals(0, pmfx.pmfx("save").code());
    assertEquals(0, pmfx.pmfx("kill").code());
    DaemonHarness.Run resurrected = pmfx.pmfx("resurrect"); // from a shell without GREETING
    assertEquals(0, resurrected.code(), resurrected.toString());

    assertEquals("saved", environ("sleeper").get("GREETING"), "as it was started");
  }

  @Test
  void aDaemonThatDiedHandsTheEnvironmentOnToTheNext() throws Exception {
    assertEquals(0, shell(Map.of("GREETING", "kept"), "start", sleeper.toString()).code());
    long before = worker("sleeper").pid().getAsLong();
    long daemon = pmfx.daemonPid();
    Thread.sleep(500); // the daemon writes its state 50 ms after a change
    ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
    DaemonHarness.await(
        "the daemon gone", () -> ProcessHandle.of(daemon).map(p -> !p.isAlive()).orElse(true));

    assertEquals(0, pmfx.pmfx("list").code()); // a new daemon, from a shell without GREETING
    assertEquals(before, worker("sleeper").pid().getAsLong(), "adopted, not started again");
    assertEquals(0, pmfx.pmfx("restart", "sleeper").code()); // from a shell without GREETING
    DaemonHarness.await(
        "the app started again by the new daemon",
        () -> {
          try {
            return worker("sleeper").pid().orElse(before) != before;
          } catch (IOException e) {
            return false;
          }
        });
    assertEquals("kept", environ("sleeper").get("GREETING"));
  }

  @Test
  void aReloadReadsAJsFileWithTheEnvironmentItsWorkersGet() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("ecosystem.config.js"),
            """
            module.exports = {
              apps: [{
                name: 'greeter',
                script: '%s',
                env: { SAID: process.env.GREETING || 'nothing' },
              }],
            };
            """
                .formatted(sleeper));
    assertEquals(0, shell(Map.of("GREETING", "hi"), "start", file.toString()).code());
    assertEquals("hi", environ("greeter").get("SAID"));

    long first = worker("greeter").pid().getAsLong();
    DaemonHarness.Run kept = shell(Map.of("GREETING", "hello"), "reload", "greeter");
    assertEquals(0, kept.code(), kept.toString());
    assertNotEquals(first, worker("greeter").pid().getAsLong(), kept.toString());
    assertEquals("hi", environ("greeter").get("SAID"), "read with the environment it kept");

    DaemonHarness.Run updated =
        shell(Map.of("GREETING", "hello"), "reload", "greeter", "--update-env");
    assertEquals(0, updated.code(), updated.toString());
    Map<String, String> now = environ("greeter");
    assertEquals("hello", now.get("SAID"), "read with the shell's environment");
    assertEquals("hello", now.get("GREETING"));
  }
}
