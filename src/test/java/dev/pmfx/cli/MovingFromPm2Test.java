package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmfx.cli.DaemonHarness.Run;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.ExecMode;
import dev.pmfx.config.LoadResult;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineJson;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.supervisor.NodeVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a PM2 user types to move over: import, init, PM2's start flags, pid, id, prettylist. */
class MovingFromPm2Test {

  @TempDir Path dir;
  DaemonHarness pmfx;

  @BeforeEach
  void home() {
    pmfx = new DaemonHarness(dir);
  }

  @AfterEach
  void end() throws Exception {
    pmfx.close();
  }

  private AppStatus app(String name) throws Exception {
    try (RemoteEngine engine = pmfx.connect()) {
      return engine.snapshot().stream()
          .filter(a -> a.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no app " + name));
    }
  }

  /** Runs PM2 7.0.4 from npm with its home in {@code pm2Home}, and the extra variables. */
  private static String pm2(Path pm2Home, Path cwd, Map<String, String> env, String... args)
      throws Exception {
    Path bin = NodeVersions.nodeModules("pm2", "7.0.4").resolve("pm2/bin/pm2");
    List<String> command = new ArrayList<>(List.of("node", bin.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
    builder.redirectErrorStream(true);
    builder.environment().put("PM2_HOME", pm2Home.toString());
    builder.environment().putAll(env);
    Process pm2 = builder.start();
    String output = new String(pm2.getInputStream().readAllBytes());
    assertTrue(pm2.waitFor(60, TimeUnit.SECONDS), "pm2 " + args[0] + " ended");
    assertEquals(0, pm2.exitValue(), "pm2 " + String.join(" ", args) + ":\n" + output);
    return output;
  }

  @Test
  void importTurnsPm2sDumpIntoAnEcosystemFileAndRunsItsAppsWithTheSameOptions() throws Exception {
    Path pm2Home = dir.resolve("pm2home");
    Path project = Files.createDirectories(dir.resolve("project"));
    Files.writeString(project.resolve("job.js"), "setInterval(() => {}, 1000);\n");
    Files.writeString(
        project.resolve("ecosystem.config.js"),
        """
        module.exports = {
          apps: [{
            name: 'eco',
            script: 'job.js',
            env: { A: '1' },
            env_production: { NODE_ENV: 'production' },
          }],
        };
        """);
    int port = dev.pmfx.supervisor.EngineHarness.freePort();
    Path web = DaemonHarness.WORKERS.resolve("versioned.js");
    try {
      pm2(
          pm2Home,
          project,
          Map.of("PORT", String.valueOf(port), "DELAY_MS", "0"),
          "start",
          web.toString(),
          "-n",
          "web",
          "-i",
          "2",
          "-k",
          "3000");
      pm2(
          pm2Home,
          project,
          // a PATH of its own, as a login shell's with PM2's folder in it would be
          Map.of("MYVAR", "x", "PATH", System.getenv("PATH") + ":/opt/pm2-only/bin"),
          "start",
          "job.js",
          "--name",
          "solo",
          "--node-args=--max-old-space-size=100",
          "--",
          "one",
          "two");
      pm2(pm2Home, project, Map.of(), "start", "ecosystem.config.js", "--env", "production");
      pm2(pm2Home, project, Map.of(), "save");
    } finally {
      pm2(pm2Home, project, Map.of(), "kill");
    }
    Path dump = pm2Home.resolve("dump.pm2");
    assertTrue(Files.isRegularFile(dump), "pm2 save wrote " + dump);

    Path written = dir.resolve("from-pm2.json");
    Run imported = pmfx.pmfx("import", dump.toString(), "--out", written.toString());
    assertEquals(0, imported.code(), imported.toString());
    assertTrue(Files.isRegularFile(written), imported.toString());
    LoadResult loaded = EcosystemLoader.forThisMachine().load(written);
    assertTrue(loaded instanceof LoadResult.Loaded, "pmfx loads the file it wrote: " + loaded);
    assertTrue(
        imported.out().contains("variables of the shell that ran pm2"),
        "says which variables it left out:\n" + imported);
    assertTrue(imported.out().contains("PM2's own log files"), imported.toString());
    assertTrue(
        imported.out().contains("app solo: PATH of the session that ran pm2"), imported.toString());
    assertFalse(imported.out().contains("NODE_APP_INSTANCE"), imported.toString());
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(written)),
        "the apps' environment is its user's alone, as in PM2's home");

    AppStatus webApp = app("web");
    assertEquals(web.toString(), webApp.spec().script());
    assertEquals(2, webApp.spec().instances());
    assertEquals(ExecMode.CLUSTER, webApp.spec().execMode());
    assertEquals(Duration.ofMillis(3000), webApp.spec().killTimeout());
    assertEquals(String.valueOf(port), webApp.spec().env().get("PORT"));
    assertFalse(webApp.spec().env().containsKey("PATH"), "the shell's PATH is not the app's");
    assertFalse(webApp.spec().env().containsKey("PM2_HOME"), "PM2's own variables are left out");

    AppStatus solo = app("solo");
    assertEquals(project.resolve("job.js").toString(), solo.spec().script());
    assertEquals(project, solo.spec().cwd());
    assertEquals(List.of("one", "two"), solo.spec().args());
    assertEquals(List.of("--max-old-space-size=100"), solo.spec().interpreterArgs());
    assertEquals(ExecMode.FORK, solo.spec().execMode());
    assertEquals("x", solo.spec().env().get("MYVAR"));
    assertFalse(solo.spec().env().containsKey("PATH"), "the session's PATH is not the app's");

    AppStatus eco = app("eco");
    assertEquals("1", eco.spec().env().get("A"));
    assertEquals("production", eco.spec().env().get("NODE_ENV"));
    assertEquals(Map.of("NODE_ENV", "production"), eco.spec().envByName().get("production"));

    DaemonHarness.await(
        "the imported workers online",
        () -> {
          try {
            return List.of("web", "solo", "eco").stream()
                .allMatch(
                    a -> {
                      try {
                        return app(a).workers().stream().allMatch(w -> w.state().running());
                      } catch (Exception e) {
                        return false;
                      }
                    });
          } catch (RuntimeException e) {
            return false;
          }
        });
    long soloPid = app("solo").workers().getFirst().pid().orElseThrow();
    String environ = Files.readString(Path.of("/proc", String.valueOf(soloPid), "environ"));
    assertTrue(environ.contains("\0MYVAR=x\0"), "the worker runs with the app's variable");

    Run again = pmfx.pmfx("import", dump.toString(), "--out", written.toString());
    assertEquals(1, again.code(), again.toString());
    assertTrue(again.err().contains("exists already"), again.toString());
  }

  @Test
  void importNamesADumpThatIsMissingOrNotPm2s() throws Exception {
    Run missing = pmfx.pmfx("import", dir.resolve("nothing.pm2").toString());
    assertEquals(1, missing.code(), missing.toString());
    assertTrue(missing.err().contains("nothing.pm2: no such file"), missing.toString());
    Path bad = Files.writeString(dir.resolve("dump.pm2"), "{\"apps\": 1}");
    Run notAList = pmfx.pmfx("import", bad.toString(), "--out", dir.resolve("x.json").toString());
    assertEquals(1, notAList.code(), notAList.toString());
    assertTrue(notAList.err().contains("not PM2's dump"), notAList.toString());
  }

  @Test
  void initWritesAStarterThatPmfxLoadsAndNeverOverwritesOne() throws Exception {
    Path file = dir.resolve("ecosystem.config.js");
    Run init = pmfx.pmfx("init", dir.toString());
    assertEquals(0, init.code(), init.toString());
    String text = Files.readString(file);
    assertTrue(text.contains("// "), "the starter is commented");
    LoadResult loaded = EcosystemLoader.forThisMachine().load(file);
    assertTrue(loaded instanceof LoadResult.Loaded, "it loads: " + loaded.diagnostics());
    LoadResult.Loaded ecosystem = (LoadResult.Loaded) loaded;
    assertEquals("app", ecosystem.ecosystem().apps().getFirst().name());
    assertTrue(
        loaded.diagnostics().stream()
            .allMatch(d -> d.message().contains("script './app.js' does not exist yet")),
        "nothing to warn of but the script to write: " + loaded.diagnostics());

    Files.writeString(file, "// mine\n");
    Run again = pmfx.pmfx("init", file.toString());
    assertEquals(1, again.code(), again.toString());
    assertTrue(again.err().contains("exists already"), again.toString());
    assertEquals("// mine\n", Files.readString(file), "the user's file is left as it was");
  }

  @Test
  void startTakesPm2sFlagsShortFormsIncludedAndPidIdAndPrettylistAnswerAsPm2s() throws Exception {
    Path script = Files.writeString(dir.resolve("job.js"), "setInterval(() => {}, 1000);\n");
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Run started =
        pmfx.pmfx(
            "start",
            script.toString(),
            "-n",
            "api",
            "-i",
            "2",
            "-x",
            "-k",
            "2500",
            "-c",
            "0 3 * * *",
            "-l",
            logs.resolve("all.log").toString(),
            "-o",
            logs.resolve("out.log").toString(),
            "-e",
            logs.resolve("err.log").toString(),
            "--node-args",
            "--max-old-space-size=200",
            "--cwd",
            dir.toString(),
            "--restart-delay",
            "400",
            "--exp-backoff-restart-delay",
            "100",
            "--max-restarts",
            "5",
            "--watch-delay",
            "2000",
            "--no-autostart",
            "--merge-logs",
            "--log-date-format",
            "HH:mm",
            "--shutdown-with-message",
            "--stop-exit-codes",
            "0",
            "3",
            "--ignore-watch",
            "node_modules logs");
    assertEquals(0, started.code(), started.toString());
    AppStatus api = app("api");
    assertEquals(ExecMode.FORK, api.spec().execMode(), "-x: fork mode, even with -i");
    assertEquals(2, api.spec().instances());
    assertEquals(Duration.ofMillis(2500), api.spec().killTimeout());
    assertEquals("0 3 * * *", api.spec().cronRestart().orElseThrow());
    assertEquals(logs.resolve("all.log"), api.spec().logFile().orElseThrow());
    assertEquals(logs.resolve("out.log"), api.spec().outFile().orElseThrow());
    assertEquals(logs.resolve("err.log"), api.spec().errorFile().orElseThrow());
    assertEquals(List.of("--max-old-space-size=200"), api.spec().interpreterArgs());
    assertEquals(dir, api.spec().cwd());
    assertEquals(Duration.ofMillis(400), api.spec().restartDelay());
    assertEquals(Duration.ofMillis(100), api.spec().expBackoffRestartDelay());
    assertEquals(5, api.spec().maxRestarts());
    assertEquals(Duration.ofMillis(2000), api.spec().watchDelay());
    assertFalse(api.spec().autostart());
    assertTrue(api.spec().mergeLogs());
    assertEquals("HH:mm", api.spec().logDateFormat().orElseThrow());
    assertTrue(api.spec().shutdownWithMessage());
    assertEquals(List.of(0, 3), api.spec().stopExitCodes());
    assertEquals(List.of("node_modules", "logs"), api.spec().ignoreWatch());
    assertTrue(
        api.workers().stream().noneMatch(w -> w.state().running()), "--no-autostart: not started");

    Run forced = pmfx.pmfx("start", "api");
    assertEquals(0, forced.code(), forced.toString());
    DaemonHarness.await(
        "api running",
        () -> {
          try {
            return app("api").workers().stream().allMatch(w -> w.state().running());
          } catch (Exception e) {
            return false;
          }
        });
    Run refused = pmfx.pmfx("start", script.toString(), "-n", "api");
    assertEquals(1, refused.code(), refused.toString());
    assertTrue(refused.err().contains("start it with -f"), refused.toString());
    Run again = pmfx.pmfx("start", script.toString(), "-n", "api", "-f");
    assertEquals(0, again.code(), again.toString());
    AppStatus replaced = app("api");
    assertEquals(1, replaced.spec().instances(), "-f started it as asked this time");
    assertEquals(ExecMode.FORK, replaced.spec().execMode());

    DaemonHarness.await(
        "api running",
        () -> {
          try {
            return app("api").workers().stream().allMatch(w -> w.state().running());
          } catch (Exception e) {
            return false;
          }
        });
    WorkerStatus worker = app("api").workers().getFirst();
    Run pid = pmfx.pmfx("pid", "api");
    assertEquals(0, pid.code(), pid.toString());
    assertEquals(String.valueOf(worker.pid().orElseThrow()), pid.out().strip());
    Run id = pmfx.pmfx("id", "api");
    assertEquals("[ " + worker.id() + " ]", id.out().strip(), id.toString());
    Run unknown = pmfx.pmfx("id", "nope");
    assertEquals(1, unknown.code(), unknown.toString());
    assertTrue(unknown.err().contains("nope"), unknown.toString());

    Run pretty = pmfx.pmfx("prettylist");
    assertEquals(0, pretty.code(), pretty.toString());
    assertTrue(pretty.out().contains("\n  \"pid\" : "), "indented:\n" + pretty.out());
    JsonNode list = EngineJson.mapper().readTree(pretty.out());
    assertEquals("api", list.get(0).path("name").asText());
    assertEquals(worker.pid().orElseThrow(), list.get(0).path("pid").asLong());
  }

  @Test
  void startAndReloadReadTheFileGivenAndStartWithANameStartsTheCommandUnderIt() throws Exception {
    Path script = Files.writeString(dir.resolve("job.js"), "setInterval(() => {}, 1000);\n");
    Path first = dir.resolve("first.config.js");
    Path second = dir.resolve("second.config.js");
    for (Path file : List.of(first, second)) {
      Files.writeString(
          file,
          "module.exports = { apps: [{ name: 'api', script: '%s', env: { FROM: '%s' } }] };\n"
              .formatted(script, file.getFileName()));
    }
    Run started = pmfx.pmfx("start", first.toString());
    assertEquals(0, started.code(), started.toString());

    // as PM2 applies the file it is given: the app runs from the second file from now on
    Run again = pmfx.pmfx("start", second.toString());
    assertEquals(0, again.code(), again.toString());
    assertTrue(again.out().contains("api runs already: reloading it from " + second), again.out());
    assertEquals(second, app("api").file().orElseThrow());
    assertEquals("second.config.js", app("api").spec().env().get("FROM"));
    Run back = pmfx.pmfx("reload", first.toString());
    assertEquals(0, back.code(), back.toString());
    assertEquals(first, app("api").file().orElseThrow());
    assertEquals("first.config.js", app("api").spec().env().get("FROM"));

    // a name given with --name is the app's; the word before is the command, even when an app
    // of that name runs already
    Run sleep = pmfx.pmfx("start", "sleep", "--", "600");
    assertEquals(0, sleep.code(), sleep.toString());
    Run nap = pmfx.pmfx("start", "sleep", "--name", "nap", "--", "600");
    assertEquals(0, nap.code(), nap.toString());
    assertEquals("sleep", app("sleep").name());
    assertTrue(app("nap").spec().args().contains("600"), app("nap").spec().toString());
  }

  @Test
  void helpSaysWhatTargetsAndFormatsTheCommandsTake() {
    java.util.function.Function<String[], String> help =
        args -> {
          java.io.StringWriter out = new java.io.StringWriter();
          picocli.CommandLine command = PmfxCommand.commandLine();
          command.setOut(new java.io.PrintWriter(out, true));
          assertEquals(0, command.execute(args));
          return out.toString().replaceAll("\\s+", " ");
        };

    for (String verb : List.of("restart", "reload", "stop", "delete")) {
      String text = help.apply(new String[] {verb, "--help"});
      assertTrue(text.contains("an app, an id, a namespace, all, or an ecosystem file"), text);
    }
    String logs = help.apply(new String[] {"logs", "--help"});
    assertTrue(logs.contains("--timestamp[=FORMAT]"), logs);
    assertTrue(
        logs.contains("write pmfx logs api --timestamp, not pmfx logs --timestamp api"), logs);
  }

  @Test
  void resetSetsTheRestartCountsBackToZeroAndTheWorkersRunOn() throws Exception {
    Path script =
        Files.writeString(dir.resolve("flaky.js"), "setTimeout(() => process.exit(1), 1200);\n");
    Run started = pmfx.pmfx("start", script.toString(), "-n", "flaky");
    assertEquals(0, started.code(), started.toString());
    DaemonHarness.await(
        "flaky restarted twice",
        () -> {
          try {
            return app("flaky").workers().getFirst().restarts() >= 2;
          } catch (Exception e) {
            return false;
          }
        });
    Run reset = pmfx.pmfx("reset", "flaky");
    assertEquals(0, reset.code(), reset.toString());
    WorkerStatus worker = app("flaky").workers().getFirst();
    assertTrue(worker.restarts() <= 1, "counted from 0 again: " + worker.restarts());
    assertTrue(reset.out().contains("flaky"), "the table follows:\n" + reset.out());
    Run unknown = pmfx.pmfx("reset", "nope");
    assertEquals(1, unknown.code(), unknown.toString());
    assertTrue(unknown.err().contains("nope"), unknown.toString());
  }
}
