package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code bin/pmfx} script, as a user runs it from a checkout. */
class BinPmfxTest {

  private static final Path PROJECT =
      Path.of(System.getProperty("pmfx.project.dir", ".")).toAbsolutePath();

  record Run(int code, String out, String err) {}

  private static Run pmfx(String... args) throws IOException, InterruptedException {
    return run(Map.of("PMFX_SKIP_BUILD", "1"), "bin/pmfx", args);
  }

  private static Run run(Map<String, String> env, String script, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PROJECT.resolve(script).toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("pmfx-out", ".txt");
    Path err = Files.createTempFile("pmfx-err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(PROJECT.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().remove("JAVA_HOME");
    builder.environment().putAll(env);
    Process process = builder.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), script + " did not finish");
    try {
      return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  @Test
  void versionNamesPmfxAndItsJava() throws Exception {
    Run run = pmfx("--version");

    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("pmfx 0."), run.out());
    assertTrue(
        run.out().contains("Java 25") || run.out().matches("(?s).*Java 2[5-9].*"), run.out());
    Run pm2Style = pmfx("-v");
    assertEquals(0, pm2Style.code(), pm2Style.err());
    assertEquals(run.out(), pm2Style.out(), "-v as pm2 -v");
  }

  @Test
  void theDaemonRunsOnTheSupervisorOptionsWhetherACommandOrBinPmfxStartsIt() throws Exception {
    Path home = Files.createTempDirectory("pmfx-home");
    Map<String, String> env = Map.of("PMFX_SKIP_BUILD", "1", "PMFX_HOME", home.toString());
    assertTrue(!dev.pmfx.daemon.Daemons.SUPERVISOR_OPTIONS.isEmpty());
    try {
      Run ping = run(env, "bin/pmfx", "ping"); // starts the daemon, as any command does
      assertEquals(0, ping.code(), ping.err());
      assertSupervisorJvm(daemonCommandLine(ping.out()));
      assertEquals(0, run(env, "bin/pmfx", "kill").code());

      List<String> daemon = new ArrayList<>(List.of(PROJECT.resolve("bin/pmfx").toString()));
      daemon.add("daemon");
      ProcessBuilder builder =
          new ProcessBuilder(daemon)
              .directory(home.toFile())
              .redirectOutput(home.resolve("own-daemon.log").toFile())
              .redirectErrorStream(true);
      builder.environment().putAll(env);
      Process own = builder.start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(home.resolve("pmfx.sock")) && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        Run pinged = run(env, "bin/pmfx", "ping");
        assertTrue(pinged.out().contains("pid " + own.pid()), pinged.out());
        assertSupervisorJvm(daemonCommandLine(pinged.out()));
      } finally {
        own.destroy();
        own.waitFor(30, TimeUnit.SECONDS);
      }
    } finally {
      run(env, "bin/pmfx", "kill");
      try (var files = Files.walk(home)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  /** The daemon's own command line, from the pid that {@code pmfx ping} printed. */
  private static List<String> daemonCommandLine(String ping) throws IOException {
    java.util.regex.Matcher pid = java.util.regex.Pattern.compile("pid (\\d+)").matcher(ping);
    assertTrue(pid.find(), ping);
    String line = Files.readString(Path.of("/proc", pid.group(1), "cmdline"));
    return List.of(line.split("\0"));
  }

  private static void assertSupervisorJvm(List<String> command) {
    int main = command.indexOf("dev.pmfx.Main");
    assertTrue(main > 0 && command.get(main + 1).equals("daemon"), command.toString());
    List<String> jvm = command.subList(0, main);
    for (String option : dev.pmfx.daemon.Daemons.SUPERVISOR_OPTIONS) {
      assertTrue(jvm.contains(option), option + " missing in " + jvm);
    }
    assertTrue(jvm.stream().noneMatch(o -> o.startsWith("--module-path")), "no JavaFX: " + jvm);
    assertTrue(
        jvm.stream()
            .noneMatch(o -> o.startsWith("-XX:AOTCache") && !o.endsWith("/pmfx-daemon.aot")),
        "not the quick CLI's class cache, the daemon's own if any: " + jvm);
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
            PROJECT
                .resolve("src/main/resources/dev/pmfx/home/demo/ecosystem.config.js")
                .toString());
    Run broken =
        pmfx("check", PROJECT.resolve("src/test/resources/configs/invalid/syntax.json").toString());

    assertEquals(0, demo.code(), demo.err());
    assertTrue(demo.out().contains("web     cluster  2 instances"), demo.out());
    assertEquals(1, broken.code());
    assertTrue(broken.err().contains("syntax.json:4:5: error: JSON syntax"), broken.err());
  }

  @Test
  void unknownCommandOrMissingFileIsNamedNotOpenedInAWindow() throws Exception {
    Run command = pmfx("frobnicate");
    Run file = pmfx("no-such-ecosystem.config.js");

    assertEquals(2, command.code());
    assertEquals(
        "pmfx: unknown command 'frobnicate'; 'pmfx --help' lists the commands\n", command.err());
    assertEquals(1, file.code());
    assertTrue(file.err().endsWith("no-such-ecosystem.config.js: file not found\n"), file.err());
  }

  @Test
  void withoutADisplayTheWindowSaysSoInsteadOfAStackTrace() throws Exception {
    Run run =
        run(
            Map.of("PMFX_SKIP_BUILD", "1", "DISPLAY", "", "WAYLAND_DISPLAY", ""),
            "bin/pmfx",
            PROJECT
                .resolve("src/main/resources/dev/pmfx/home/demo/ecosystem.config.js")
                .toString());

    assertEquals(1, run.code());
    assertTrue(run.err().startsWith("pmfx: the window needs a display"), run.err());
  }

  @Test
  void withoutGtkTheWindowSaysWhichPackageToInstallInsteadOfAStackTrace(@TempDir Path noGtk)
      throws Exception {
    // a libgtk-3.so.0 that is no library, found first: what the loader meets on a machine
    // without GTK is a missing one, and both fail the same way
    Files.writeString(noGtk.resolve("libgtk-3.so.0"), "");
    Run run =
        run(
            Map.of("PMFX_SKIP_BUILD", "1", "DISPLAY", ":99", "LD_LIBRARY_PATH", noGtk.toString()),
            "bin/pmfx",
            PROJECT
                .resolve("src/main/resources/dev/pmfx/home/demo/ecosystem.config.js")
                .toString());

    assertEquals(1, run.code(), run.toString());
    assertTrue(run.err().startsWith("pmfx: the window needs GTK 3"), run.err());
    assertTrue(run.err().contains("sudo apt install libgtk-3-0"), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
  }

  @Test
  void withoutAJdk25TheFirstLinePrintedSaysWhatToInstall() throws Exception {
    // given a machine whose only JDK is the default 17
    Map<String, String> noJdk25 =
        Map.of(
            "PMFX_JDK_DIRS", "/nonexistent",
            "PATH", "/usr/local/bin:/usr/bin:/bin",
            "HOME", PROJECT.resolve("target").toString());

    // when
    Run pmfx = run(noJdk25, "bin/pmfx", "--version");
    Run mvnw = run(noJdk25, "mvnw", "--version");

    // then
    for (Run run : List.of(pmfx, mvnw)) {
      assertEquals(1, run.code());
      assertEquals("", run.out());
      assertEquals(1, run.err().lines().count(), run.err());
      assertTrue(run.err().startsWith("pmfx needs a JDK 25 or newer and found none"), run.err());
      assertTrue(run.err().contains("install one, e.g. Temurin 25"), run.err());
    }
  }
}
