package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.WorkerState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands as scripts, resolved as PM2 resolves them: a program on PATH runs itself with the app's
 * args, a command line runs in the shell, and a missing command is named with the PATH searched.
 */
class ScriptCommandsTest {

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

  private static String path() {
    return System.getenv().getOrDefault("PATH", "");
  }

  private static List<String> commandLine(long pid) throws Exception {
    String raw =
        new String(
            Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
    return List.of(raw.split("\0"));
  }

  @Test
  void aProgramOnPathRunsItselfWithTheArgsAndIsNamedAfterIt() throws Exception {
    // given a script that is no file but a program on PATH
    pmfx.start(
        """
        apps:
          - script: sleep
            args: '30'
            cwd: %s
        """
            .formatted(dir));

    // then it runs as that program, named as PM2 names it
    long pid = pmfx.events.awaitState("sleep", WorkerState.ONLINE).worker().pid().orElseThrow();
    List<String> command = commandLine(pid);
    assertEquals(
        List.of("sleep", "30"),
        List.of(Path.of(command.get(0)).getFileName().toString(), command.get(1)));
    assertEquals(List.of("sleep"), pmfx.engine.snapshot().stream().map(AppStatus::name).toList());
  }

  @Test
  void aCommandLineRunsInTheShellWithTheArgsQuotedAfterIt() throws Exception {
    // given a script with spaces that is no file, and args with a space and a quote
    pmfx.start(
        """
        apps:
          - script: printf '%%s|%%s|%%s\\n' $((6 * 7))
            args: ["a b", "it's"]
            cwd: %s
            autorestart: false
        """
            .formatted(dir));

    // then the shell ran it, and PM2's name for it is the command line
    String app = "printf '%s|%s|%s\\n' $((6 * 7))";
    pmfx.events.awaitLine(app, "42|a b|it's"::equals);
    assertEquals(List.of(app), pmfx.engine.snapshot().stream().map(AppStatus::name).toList());
    // and its log file's name has no spaces or quotes, as PM2 names it
    java.nio.file.Path log =
        pmfx.home.dir().resolve("logs").resolve("printf---s--s--s-n-----6---7---out.log");
    assertEquals("42|a b|it's\n", java.nio.file.Files.readString(log));
  }

  @Test
  void stoppingACommandLineStopsTheShellAndWhatItStarted() throws Exception {
    // given a command line whose shell stays, waiting for its first command
    pmfx.start(
        """
        apps:
          - name: chain
            script: sleep 300 && echo never
            cwd: %s
            kill_timeout: 5s
        """
            .formatted(dir));
    long pid = pmfx.events.awaitState("chain", WorkerState.ONLINE).worker().pid().orElseThrow();
    List<ProcessHandle> started = List.of();
    long deadline = System.nanoTime() + EngineHarness.PATIENCE.toNanos();
    while (started.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20); // until the shell has started its sleep
      started = ProcessHandle.of(pid).orElseThrow().descendants().toList();
    }
    assertEquals(1, started.size(), "the shell's sleep");

    // when it is stopped
    pmfx.engine.stop("chain").get();
    pmfx.events.awaitState("chain", WorkerState.STOPPED);

    // then neither the shell nor its sleep is left
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    assertEquals(List.of(), started.stream().filter(ProcessHandle::isAlive).toList());
  }

  @Test
  void anInterpreterRunsAProgramOnPathAsItsScriptAsPm2Does() throws Exception {
    // given a shell script on the app's PATH, not in its folder, and sh as interpreter
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.writeString(bin.resolve("hello"), "echo \"hello from PATH, $1\"\n");
    bin.resolve("hello").toFile().setExecutable(true);

    pmfx.start(
        """
        apps:
          - script: hello
            args: you
            interpreter: sh
            cwd: %s
            autorestart: false
            env: { PATH: "%s:%s" }
        """
            .formatted(dir, bin, path()));

    pmfx.events.awaitLine("hello", "hello from PATH, you"::equals);
  }

  @Test
  void aFolderAsScriptSaysSo() throws Exception {
    Files.createDirectories(dir.resolve("src"));

    CommandResult result =
        pmfx.start(
            """
            apps:
              - script: src
                cwd: %s
            """
                .formatted(dir));

    assertEquals(
        List.of("script " + dir.resolve("src") + " is a folder: name the file to run in it"),
        result.problems().stream().map(CommandResult.Problem::message).toList());
  }

  @Test
  void interpreterNoneRunsACommandLineToo() throws Exception {
    pmfx.start(
        """
        apps:
          - name: none
            script: echo ran without an interpreter
            interpreter: none
            cwd: %s
            autorestart: false
        """
            .formatted(dir));

    pmfx.events.awaitLine("none", "ran without an interpreter"::equals);
  }

  @Test
  void aMissingCommandIsNamedWithThePathSearched() throws Exception {
    // given a word that is neither a file nor on PATH, and a command line that starts with one
    CommandResult result =
        pmfx.start(
            """
            apps:
              - name: word
                script: no-such-command-here
                cwd: %1$s
              - name: line
                script: no-such-command-here --port 3000
                cwd: %1$s
            """
                .formatted(dir));

    // then each fails to start, naming the command and the PATH
    assertEquals(
        List.of(
            "word: command 'no-such-command-here' is not on PATH ("
                + path()
                + "), and "
                + dir.resolve("no-such-command-here")
                + " does not exist",
            "line: command 'no-such-command-here' (the first word of script"
                + " 'no-such-command-here --port 3000') is not on PATH ("
                + path()
                + ")"),
        result.problems().stream().map(p -> p.app() + ": " + p.message()).toList());
    assertEquals(
        WorkerState.ERRORED, pmfx.events.awaitState("word", WorkerState.ERRORED).worker().state());
  }

  @Test
  void anExistingFileWithSpacesInItsNameIsAFileNotACommandLine() throws Exception {
    // given an executable file whose name has a space
    Path tool = dir.resolve("my tool");
    Files.writeString(tool, "#!/bin/sh\necho \"tool got $1\"\nexec sleep 30\n");
    tool.toFile().setExecutable(true);

    pmfx.start(
        """
        apps:
          - name: tool
            script: my tool
            args: x
            cwd: %s
        """
            .formatted(dir));

    pmfx.events.awaitLine("tool", "tool got x"::equals);
  }
}
