package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.EcosystemLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pmfx check FILE}: the resolved apps or the errors, exit 0 or 1. */
class CheckCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int check(String... files) {
    EcosystemLoader loader =
        new EcosystemLoader(
            dev.pmfx.config.SearchPath.find("node", System.getenv().getOrDefault("PATH", "")),
            System.getenv(),
            4);
    CommandLine command =
        new CommandLine(
            new PmfxCommand(),
            new CommandLine.IFactory() {
              @Override
              @SuppressWarnings("unchecked")
              public <K> K create(Class<K> type) throws Exception {
                return type == CheckCommand.class
                    ? (K) new CheckCommand(loader)
                    : CommandLine.defaultFactory().create(type);
              }
            });
    command.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    String[] args = new String[files.length + 1];
    args[0] = "check";
    for (int i = 0; i < files.length; i++) {
      args[i + 1] =
          files[i].startsWith("--") || files[i].startsWith("/")
              ? files[i]
              : fixture(files[i]).toString();
    }
    return command.execute(args);
  }

  private static Path fixture(String relative) {
    try {
      return Path.of(CheckCommandTest.class.getResource("/configs/" + relative).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void validFilePrintsOneLinePerAppAndExitsZero() {
    int code = check("valid/ecosystem.json");

    assertEquals(0, code, err::toString);
    assertEquals(
        """
        %s: 2 apps (4 cores here)
          api   cluster  4 instances (max)    server.js
                runs: node (%s)
                balancer: handoff (a Node app: its workers take their connections from pmfx; balancer: 'http' routes each request instead)
          jobs  fork     1 instance           worker.py --queue default --verbose
                runs: python3 (%s)
        """
            .formatted(fixture("valid/ecosystem.json"), onPath("node"), onPath("python3")),
        out.toString());
    assertEquals("", err.toString());
  }

  private static Path onPath(String program) {
    return dev.pmfx.config.SearchPath.find(program, System.getenv("PATH")).orElseThrow();
  }

  @Test
  void eachAppSaysWhatRunsItHereOrWhyNothingCan(@TempDir Path dir) throws Exception {
    // given a program on PATH, a command line, an executable file and TypeScript on Node.js 20
    Path tool = dir.resolve("tool");
    Files.writeString(tool, "#!/bin/sh\nsleep 1\n");
    tool.toFile().setExecutable(true);
    Files.writeString(dir.resolve("api.ts"), "const port: number = 3000;\n");
    Path file = dir.resolve("ecosystem.yaml");
    Files.writeString(
        file,
        """
        apps:
          - script: sleep
            args: '60'
          - name: line
            script: sleep 60 && echo done
          - script: ./tool
          - script: api.ts
        """);

    int code = check(file.toString());

    // then each app's line is followed by what runs it
    assertEquals(0, code, err::toString);
    String shell = onPath("bash").getFileName().toString();
    List<String> runs =
        out.toString().lines().filter(l -> l.contains("runs: ")).map(String::strip).toList();
    assertEquals("runs: command " + onPath("sleep"), runs.get(0));
    assertEquals("runs: " + shell + " -c 'sleep 60 && echo done'", runs.get(1));
    assertEquals("runs: the file itself", runs.get(2));
    assertTrue(
        runs.get(3)
            .startsWith(
                "runs: nothing here: script " + dir.resolve("api.ts") + " is" + " TypeScript"),
        runs.get(3));
    // and an app nothing here can run is a warning, which --strict counts as an error
    assertTrue(err.toString().contains(": warning: app 'api' runs nothing here: "), err::toString);
    err.getBuffer().setLength(0);
    assertEquals(1, check("--strict", file.toString()), err::toString);
    assertTrue(
        err.toString().contains("1 warning, which --strict counts as errors"), err::toString);
  }

  @Test
  void brokenFilePrintsItsErrorsWithLinesAndExitsOne() {
    int code = check("invalid/wrong-types.json");

    assertEquals(1, code);
    assertEquals("", out.toString());
    String errors = err.toString();
    assertTrue(
        errors.contains(
            fixture("invalid/wrong-types.json") + ":6:20: error: app 'api': instances must be"),
        errors);
    assertTrue(errors.contains("  6 |       \"instances\": \"four\","), errors);
    assertTrue(errors.endsWith("9 errors; nothing loaded\n"), errors);
  }

  @Test
  void aDependsOnCycleIsReportedAtTheLineThatClosesIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ecosystem.yaml");
    Files.writeString(
        file,
        """
        apps:
          - name: web
            script: web.sh
            depends_on: [api]
          - name: api
            script: api.sh
            depends_on: {web: online}
        """);

    int code = check(file.toString());

    assertEquals(1, code);
    String errors = err.toString();
    assertTrue(
        errors.contains(
            file
                + ":7:18: error: app 'api': depends_on makes a cycle, web → api → web: none of"
                + " them could ever start"),
        errors);
    assertTrue(errors.contains("  7 |     depends_on: {web: online}"), errors);
  }

  @Test
  void dependenciesAreListedUnderTheirApp(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ecosystem.yaml");
    Files.writeString(
        file,
        """
        apps:
          - {name: db, script: db.sh}
          - {name: web, script: web.sh, depends_on: [db]}
        """);

    assertEquals(0, check(file.toString()), err::toString);
    assertTrue(out.toString().contains("starts after: db (online)"), out::toString);
  }

  @Test
  void aHealthCheckIsListedUnderItsApp(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ecosystem.yaml");
    Files.writeString(
        file,
        """
        apps:
          - {name: db, script: db.sh, health_check: {exec: 'pg_isready', interval: 5s}}
          - {name: web, script: web.sh}
        """);

    assertEquals(0, check(file.toString()), err::toString);
    assertTrue(
        out.toString()
            .contains(
                "health check: run 'pg_isready' every 5s, 5s timeout, unhealthy after 3 failures in"
                    + " a row"),
        out::toString);
    assertEquals(1, out.toString().split("health check:", -1).length - 1, "db's alone");
  }

  @Test
  void warningsGoToStderrAndTheFileStillPasses() {
    int code = check("invalid/unknown-key.yaml");

    assertEquals(0, code);
    assertTrue(
        err.toString()
            .contains("warning: app 'api': unknown key 'intances': did you mean 'instances'?"),
        err::toString);
    assertTrue(out.toString().contains("  api  fork"), out::toString);
  }

  @Test
  void anyFailingFileAmongSeveralMakesTheExitCodeOne() {
    int code = check("valid/ecosystem.yaml", "invalid/syntax.yaml", "valid/literal.config.js");

    assertEquals(1, code);
    assertTrue(out.toString().contains("ecosystem.yaml: 2 apps"));
    assertTrue(out.toString().contains("literal.config.js: 2 apps"));
    assertTrue(err.toString().contains("syntax.yaml:4:4: error: YAML syntax"));
  }

  @Test
  void withoutFilesItSaysWhatItNeeds() {
    CommandLine command = PmfxCommand.commandLine();
    command.setErr(new PrintWriter(err, true));

    int code = command.execute("check");

    assertEquals(2, code);
    assertTrue(err.toString().contains("Missing required parameter: 'FILE'"), err::toString);
  }

  @Test
  void strictCountsWarningsAsErrors() {
    int code = check("--strict", "invalid/unknown-key.yaml");

    assertEquals(1, code);
    assertTrue(
        err.toString().contains("2 warnings, which --strict counts as errors"), err::toString);
    assertEquals("", out.toString());
  }

  @Test
  void appsThatWouldListenOnOnePortAreFlaggedForTheEnvChecked() {
    int code = check("ports/shared.yaml");
    assertEquals(0, code, err::toString);
    assertTrue(
        err.toString()
            .contains("warning: port 4000: 'jobs' (instance 0) and 'jobs' (instance 1) would all"),
        err::toString);
    assertFalse(err.toString().contains("port 8080"), "env_production is not checked: " + err);

    err.getBuffer().setLength(0);
    code = check("--env=production", "--strict", "ports/shared.yaml");
    assertEquals(1, code, err::toString);
    assertTrue(
        err.toString().contains("warning: port 8080: 'api' and 'web' would all listen on it"),
        err::toString);
    assertTrue(
        err.toString().contains("2 warnings, which --strict counts as errors"), err::toString);
  }

  @Test
  void anEnvNoAppHasIsAWarningAndAnEnvShowsWhatItChanges(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ecosystem.yaml");
    Files.writeString(
        file,
        """
        apps:
          - name: api
            script: sleep
            args: '60'
            env: { NODE_ENV: development, PORT: "3000", LOG: info }
            env_production: { NODE_ENV: production, PORT: "3000", API_TOKEN: abc123 }
          - name: jobs
            script: sleep
            args: '60'
            env_staging: { NODE_ENV: staging }
        """);

    // a name no app has a block for: a warning naming the blocks there are; --strict fails
    int code = check("--env=prod", file.toString());
    assertEquals(0, code, err::toString);
    assertTrue(
        err.toString()
            .contains(
                ": warning: no app in ecosystem.yaml has env_prod; the apps have: env_production,"
                    + " env_staging"),
        err::toString);
    err.getBuffer().setLength(0);
    assertEquals(1, check("--strict", "--env=prod", file.toString()), err::toString);
    assertTrue(
        err.toString().contains("1 warning, which --strict counts as errors"), err::toString);

    // a name that is there: no warning, and each app says what it changes, secrets hidden
    err.getBuffer().setLength(0);
    out.getBuffer().setLength(0);
    assertEquals(0, check("--strict", "--env=production", file.toString()), err::toString);
    assertEquals("", err.toString());
    List<String> changes =
        out.toString().lines().filter(l -> l.contains("env_")).map(String::strip).toList();
    assertEquals(
        List.of(
            "env_production: NODE_ENV=production API_TOKEN=********",
            "env_production: none (env alone)"),
        changes);
    assertFalse(out.toString().contains("abc123"), out::toString);
  }

  @Test
  void checkHasItsOwnHelp() {
    CommandLine command = PmfxCommand.commandLine();
    command.setOut(new PrintWriter(out, true));

    int code = command.execute("check", "--help");

    assertEquals(0, code);
    assertTrue(
        out.toString().startsWith("Usage: pmfx check [-hV] [--strict] [--env=NAME] FILE..."),
        out::toString);
  }
}
