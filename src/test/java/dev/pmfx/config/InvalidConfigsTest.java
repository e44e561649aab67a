package dev.pmfx.config;

import static dev.pmfx.config.Fixtures.config;
import static dev.pmfx.config.Fixtures.failed;
import static dev.pmfx.config.Fixtures.loaded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad configs are named, never guessed: file, line, column, key, and what is allowed. */
class InvalidConfigsTest {

  private final EcosystemLoader loader = Fixtures.withNode();

  @ParameterizedTest(name = "{0} -> {1}:{2} {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          invalid/syntax.json                  | 4 | 5  | JSON syntax: Unexpected character ('{'
          invalid/syntax.yaml                  | 4 | 4  | YAML syntax: while parsing a block collection
          invalid/syntax.config.js             | 6 | 7  | SyntaxError: Unexpected identifier 'instances'
          invalid/syntax.mjs                   | 4 | 19 | SyntaxError: Unexpected identifier 'script'
          invalid/syntax.cjs                   | 3 | 54 | SyntaxError: Unexpected token ']'
          invalid/tab-indented.yaml            | 3 | 1  | YAML syntax: a tab, where YAML indents with spaces
          invalid/two-documents.yaml           | 5 | 1  | a second YAML document starts here
          invalid/trailing.json                | 2 | 1  | more text after the config's closing bracket
          invalid/not-a-number.config.js       | 6 | 20 | app 'api': env.PORT must be a string, number or boolean; found NaN
          invalid/mixed-modules.js             | 2 | 1  | ReferenceError: module is not defined in ES module scope
          invalid/cron-range.yaml              | 4 | 19 | cron_restart '0 25 * * *' is not a cron expression: Value 25 not in range [0, 23]
          invalid/exports-function.config.js   | 1 | 1  | TypeError: the file exports a function
          invalid/empty.config.js              | 1 | 20 | the config is empty: it has no apps
          invalid/typographic.yml              | 1 | 9  | typographic quote ‘ (U+2018)
          invalid/not-defined.config.js        | 6 | 24 | ReferenceError: cpus is not defined
          invalid/typographic.config.js        | 4 | 13 | typographic quote ‘ (U+2018)
          invalid/typographic.json             | 3 | 7  | typographic quote “ (U+201C)
          invalid/typographic.yaml             | 3 | 13 | typographic quote “ (U+201C)
          invalid/missing-script.config.js     | 4 | 5  | app 'worker' has no 'script'
          invalid/duplicate-names.yaml         | 4 | 11 | two apps are named 'api' (the other one is on line 2)
          invalid/missing-cwd.json             | 3 | 52 | app 'api': cwd './no-such-folder' does not exist
          invalid/empty-apps.config.js         | 2 | 9  | the 'apps' list is empty
          invalid/no-apps.yaml                 | 1 | 1  | no apps: the config must have an 'apps' list
          invalid/bad-computed-value.config.js | 7 | 18 | app 'api': instances must be a whole number, 'max'
          """)
  void namesTheLineAndColumn(String file, int line, int column, String message) {
    LoadResult.Failed failure = failed(loader.load(config(file)));

    Diagnostic first = failure.errors().getFirst();
    assertEquals(config(file), first.file());
    assertTrue(first.message().contains(message.strip()), () -> "message was: " + first.message());
    assertEquals(new Location(line, column), first.location(), first::format);
  }

  @Test
  void everyWrongTypeIsReportedAtOnceWithWhatIsAllowed() {
    LoadResult.Failed failure = failed(loader.load(config("invalid/wrong-types.json")));

    List<String> found =
        failure.errors().stream()
            .map(d -> d.location().line() + " " + d.key() + ": " + d.message())
            .toList();
    assertEquals(9, found.size(), String.join("\n", found));
    assertEquals(
        List.of(
            "6 apps[0].instances: app 'api': instances must be a whole number, 'max', 0 (all cores) or -N (all cores but N); found \"four\"",
            "7 apps[0].autorestart: app 'api': autorestart must be true or false; found \"yes\"",
            "8 apps[0].max_memory_restart: app 'api': max_memory_restart must be a size: a whole number of bytes, or a number with K, M or G ('500M', '1G'); found \"lots\"",
            "9 apps[0].kill_timeout: app 'api': kill_timeout must be a duration up to 30 days: milliseconds (1600) or a number with ms, s, m, h or d ('1.6s'); found -5",
            "10 apps[0].exec_mode: app 'api': exec_mode must be 'fork' or 'cluster'; found \"parallel\"",
            "11 apps[0].kill_signal: app 'api': kill_signal must be a signal a program can handle, such as 'SIGINT' or 'SIGTERM'; found \"SIGTREM\"",
            "12 apps[0].env: app 'api': env must be an object of variables, such as {NODE_ENV: 'production', PORT: 3000}; found a list",
            "13 apps[0].balancer: app 'api': balancer must be 'handoff' (connections passed to Node workers, their default), 'http' (requests, the default for other programs) or 'tcp' (connections); found \"udp\"",
            "14 apps[0].balancer_strategy: app 'api': balancer_strategy must be 'round-robin' (the default), 'least-connections' or 'sticky'; found \"random\""),
        found);
    assertEquals("did you mean 'SIGTERM'?", failure.errors().get(5).hint());
  }

  @Test
  void unknownKeyIsAWarningWithDidYouMean() {
    Ecosystem ecosystem = loaded(loader.load(config("invalid/unknown-key.yaml")));

    Diagnostic typo = ecosystem.warnings().getFirst();
    assertEquals(Diagnostic.Severity.WARNING, typo.severity());
    assertEquals(new Location(4, 5), typo.location());
    assertEquals("app 'api': unknown key 'intances': did you mean 'instances'?", typo.message());
    assertEquals(
        1, ecosystem.app("api").orElseThrow().instances(), "a misspelt key changes nothing");
    assertTrue(
        ecosystem
            .warnings()
            .get(1)
            .message()
            .contains("'vizion' is a PM2 option that pmfx does not use"));
  }

  @Test
  void pm2sOtherSpellingsAndThePortShortcutLoadAsPm2ReadsThem(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("ecosystem.config.js");
    java.nio.file.Files.writeString(
        file,
        """
        module.exports = {
          apps: [
            { name: 'api', exec: 'server.js', cron: '0 3 * * *', interpreterArgs: '--inspect',
              port: 4000, v8: true, io: { conf: {} } },
            { name: 'jobs', command: 'jobs.js', port: '4001', env: { PORT: 5000 }, v8: true },
          ],
        };
        """);
    Ecosystem ecosystem = loaded(loader.load(file));

    AppSpec api = ecosystem.app("api").orElseThrow();
    assertEquals("server.js", api.script());
    assertEquals(Optional.of("0 3 * * *"), api.cronRestart());
    assertEquals(List.of("--inspect"), api.interpreterArgs());
    assertEquals("4000", api.env().get("PORT"));
    AppSpec jobs = ecosystem.app("jobs").orElseThrow();
    assertEquals("jobs.js", jobs.script());
    assertEquals("4001", jobs.env().get("PORT"), "port sets env.PORT, as PM2 does");

    List<String> warnings = ecosystem.warnings().stream().map(Diagnostic::message).toList();
    assertEquals(
        1,
        warnings.stream().filter(w -> w.contains("'v8' is a PM2 option")).count(),
        "once per file: " + warnings);
    assertTrue(
        warnings.contains(
            "'io' is a PM2 option that pmfx does not use; ignored wherever it is set"),
        warnings.toString());
    assertTrue(
        warnings.contains("app 'jobs': port 4001 sets env.PORT, over its 5000"),
        warnings.toString());
  }

  @Test
  void aPortThatIsNoPortIsAnErrorAtItsLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("ecosystem.yaml");
    java.nio.file.Files.writeString(
        file, "apps:\n  - name: api\n    script: server.js\n    port: 70000\n");
    Diagnostic error = failed(loader.load(file)).errors().getFirst();
    assertEquals(4, error.location().line());
    assertEquals(
        "app 'api': port must be a port from 1 to 65535, such as 3000; found 70000",
        error.message());
  }

  @Test
  void badLogOptionsAreErrorsAtTheirLinesWithWhatIsAllowed(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("ecosystem.yaml");
    java.nio.file.Files.writeString(
        file,
        """
        apps:
          - name: api
            script: server.js
            log_max_size: lots
            log_retain: -1
            log_compress: "yes"
            log_rotate_interval: "0 25 * * *"
            log_type: xml
            disable_logs: 1
        """);
    List<String> errors =
        failed(loader.load(file)).errors().stream()
            .map(d -> d.location().line() + " " + d.message())
            .toList();

    assertEquals(
        List.of(
            "4 app 'api': log_max_size must be a size: a whole number of bytes, or a number with"
                + " K, M or G ('500M', '1G'); found \"lots\"",
            "5 app 'api': log_retain must be a whole number of at least 0; found -1",
            "6 app 'api': log_compress must be true or false; found \"yes\"",
            "7 app 'api': log_rotate_interval '0 25 * * *' is not a cron expression: Value 25 not"
                + " in range [0, 23]",
            "8 app 'api': log_type must be 'json' (PM2's JSON lines) or 'text' (the default);"
                + " found \"xml\"",
            "9 app 'api': disable_logs must be true or false; found 1"),
        errors);
  }

  @Test
  void logOptionsLoadAsWrittenAndNullDiscardsAStream(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("ecosystem.yaml");
    java.nio.file.Files.writeString(
        file,
        """
        apps:
          - name: api
            script: server.js
            log_max_size: 50M
            log_retain: 7
            log_compress: true
            log_rotate_interval: "0 0 * * *"
            log_type: json
            log_file: true
            error_file: "NULL"
          - name: quiet
            script: server.js
            disable_logs: true
        """);
    Ecosystem ecosystem = loaded(loader.load(file));
    AppSpec api = ecosystem.apps().getFirst();

    assertEquals(
        new LogOptions(
            Optional.of(new ByteSize(50L << 20)),
            Optional.of(7),
            Optional.of(true),
            Optional.of("0 0 * * *"),
            true,
            false,
            true),
        api.logs());
    assertEquals(Optional.empty(), api.logFile(), "the default path, which the engine names");
    assertEquals(Optional.of(java.nio.file.Path.of("/dev/null")), api.errorFile());
    assertTrue(ecosystem.apps().get(1).logs().disabled());
    assertEquals(LogOptions.NONE, new LogOptions(null, null, null, null, false, false, false));
    assertTrue(
        ecosystem.warnings().stream().noneMatch(w -> w.message().contains("does not use")),
        ecosystem.warnings().toString());
  }

  @Test
  void aClusterAppThatIsNotNodeAndNamesNoPortIsWarnedAtItsLine(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("ecosystem.yaml");
    java.nio.file.Files.writeString(
        file,
        """
        apps:
          - name: api
            script: api.py
            instances: 2
          - name: node
            script: server.js
            instances: 2
          - name: ported
            script: api.py
            exec_mode: cluster
            env_production: { PORT: 8000 }
        """);
    Ecosystem ecosystem = loaded(loader.load(file));

    List<String> cluster =
        ecosystem.warnings().stream()
            .filter(d -> d.message().contains("cluster mode"))
            .map(d -> d.location().line() + " " + d.message())
            .toList();
    assertEquals(
        List.of(
            "4 app 'api': cluster mode needs the port to balance, and only a Node app's listen()"
                + " call tells it: set env.PORT (each worker then gets a private PORT of its own)"),
        cluster);
  }

  @Test
  void typographicQuoteErrorShowsTheLineWithPlainQuotes() {
    Diagnostic error =
        failed(loader.load(config("invalid/typographic.config.js"))).errors().getFirst();

    assertEquals("with plain quotes the line reads:  name: 'api',", error.hint());
    assertEquals(
        """
        %s:4:13: error: typographic quote ‘ (U+2018) where a plain quote belongs; configs copied from web pages and word processors often carry these
          4 |       name: ‘api’,
            |             ^
          = with plain quotes the line reads:  name: 'api',"""
            .formatted(config("invalid/typographic.config.js")),
        error.format());
  }

  @Test
  void valuesOutOfRangeAreErrorsNotWrappedNumbers() {
    LoadResult.Failed failure = failed(loader.load(config("invalid/out-of-range.json")));

    assertEquals(
        List.of(
            "6:20 apps[0].instances",
            "7:29 apps[0].max_memory_restart",
            "8:23 apps[0].kill_timeout",
            "9:30 apps[0].stop_exit_codes"),
        failure.errors().stream().map(d -> d.location() + " " + d.key()).toList());
    assertTrue(
        failure.errors().get(0).message().endsWith("up to 1024; found 99999999999999999999"));
    assertTrue(failure.errors().get(3).message().endsWith("from 0 to 255; found 300"));
  }

  @Test
  void mixingModuleSystemsSaysWhyNodeReadAnEsModule() {
    Diagnostic error = failed(loader.load(config("invalid/mixed-modules.js"))).errors().getFirst();

    assertTrue(error.hint().startsWith("the file uses import or export"), error.hint());
  }

  @Test
  void errorThrownInAFolderWithSpacesAndBracketsIsStillAtItsLine(@TempDir Path dir)
      throws Exception {
    Path folder = Files.createDirectories(dir.resolve("My Projects (old)"));
    Path file = folder.resolve("ecosystem.config.js");
    Files.writeString(
        file,
        "const port = 3000;\nmodule.exports = {\n  apps: [{ name: 'api', script: missing() }],\n};\n");

    Diagnostic error = failed(loader.load(file)).errors().getFirst();

    assertEquals(new Location(3, 33), error.location(), error::format);
  }

  @Test
  void configThatNeverFinishesTimesOut(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ecosystem.config.js");
    Files.writeString(file, "while (true) {}\nmodule.exports = { apps: [] };\n");

    Diagnostic error =
        failed(loader.withNodeTimeout(Duration.ofSeconds(1)).load(file)).errors().getFirst();

    assertEquals("Node.js did not finish evaluating the config within 1 s", error.message());
    assertEquals(new Location(2, 1), error.location(), "at the export, as Node.js names none");
  }

  @Test
  void aFileThatIsNotUtf8IsAnErrorAtItsFirstByteThatIsNot(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ecosystem.json");
    byte[] latin1 =
        "{\"apps\": [\n  {\"name\": \"caf\u00e9\", \"script\": \"a.js\"}]}\n"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Files.write(file, latin1);

    Diagnostic error = failed(loader.load(file)).errors().getFirst();

    assertEquals(new Location(2, 16), error.location(), error::format);
    assertEquals(
        "not a UTF-8 text file: byte 0xE9 here is not UTF-8 (Latin-1 or Windows-1252?)",
        error.message());
    assertEquals("  {\"name\": \"caf\uFFFD\", \"script\": \"a.js\"}]}", error.sourceLine());

    // after a blank line, at the start of its own
    Files.write(
        file, "apps: []\n\n\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Diagnostic afterBlank = failed(loader.load(file)).errors().getFirst();
    assertEquals(new Location(3, 1), afterBlank.location(), afterBlank::format);
  }

  @Test
  void whatPassesTheReadersBoundsIsAnErrorAtItsPlaceInWords(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("deep.json");
    Files.writeString(json, "{\"apps\":\n" + "[".repeat(2_000) + "]".repeat(2_000) + "}");
    Path yaml = dir.resolve("nul.yaml");
    Files.writeString(yaml, "apps:\n  - name: a\u0000b\n    script: a.js\n");

    Diagnostic deep = failed(loader.load(json)).errors().getFirst();
    Diagnostic nul = failed(loader.load(yaml)).errors().getFirst();

    assertEquals(2, deep.location().line(), deep::format);
    assertEquals(
        "JSON: more than pmfx reads: Document nesting depth (1001) exceeds the maximum allowed"
            + " (1000)",
        deep.message());
    assertEquals(new Location(2, 12), nul.location(), nul::format);
    assertEquals("YAML: the character U+0000 is not allowed in a YAML file", nul.message());
  }

  @Test
  void missingFileAndUnknownExtensionSayWhatIsExpected(@TempDir Path dir) throws Exception {
    Path toml = Files.writeString(dir.resolve("ecosystem.toml"), "[apps]\n");

    LoadResult.Failed missing = failed(loader.load(dir.resolve("nope.json")));
    LoadResult.Failed unknown = failed(loader.load(toml));

    assertEquals("file not found", missing.errors().getFirst().message());
    assertEquals("pmfx does not know this kind of file", unknown.errors().getFirst().message());
    assertEquals(
        "ecosystem files end in .js, .cjs, .mjs, .json, .yaml or .yml",
        unknown.errors().getFirst().hint());
  }
}
