package dev.pmfx.config;

import static dev.pmfx.config.Fixtures.CORES;
import static dev.pmfx.config.Fixtures.config;
import static dev.pmfx.config.Fixtures.loaded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Valid configs in every format load, with PM2's meanings. */
class ValidConfigsTest {

  private final EcosystemLoader loader = Fixtures.withNode();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          valid/ecosystem.json              | api:cluster:8, jobs:fork:1
          valid/bare-array.json             | api:cluster:7
          valid/pm2-style.json              | api:cluster:2
          valid/anchors.yaml                | api:cluster:2, web:fork:1
          valid/bom.json                    | api:fork:1
          valid/open-handle.config.js       | api:fork:1
          valid/escapes.config.js           | api-v2:fork:1
          valid/single-app.json             | server:cluster:8
          valid/ecosystem.yaml              | api:cluster:2, jobs:fork:1
          valid/bare-array.yml              | api:fork:1
          valid/literal.config.js           | api:cluster:4, jobs:fork:1
          valid/computed.config.js          | api:cluster:%d
          valid/export-default.mjs          | api:cluster:8
          valid/ecosystem.config.cjs        | api:fork:1
          valid/const-exported.config.js    | api:fork:1
          valid/esm-project/ecosystem.config.js | api:cluster:%d
          """)
  void loadsEveryFormat(String file, String expected) {
    // given the host's cores for configs that ask os.cpus(), the fixed count for 'max'
    int hostCores = Runtime.getRuntime().availableProcessors();
    String expectedApps =
        file.contains("computed")
            ? expected.formatted(Math.max(1, hostCores - 1) + 1)
            : expected.formatted(hostCores);

    // when
    Ecosystem ecosystem = loaded(loader.load(config(file)));

    // then
    String actual =
        String.join(
            ", ",
            ecosystem.apps().stream()
                .map(a -> a.name() + ":" + a.execMode().label() + ":" + a.instances())
                .toList());
    assertEquals(expectedApps, actual);
  }

  @Test
  void jsonConfigKeepsEveryOptionItSets() {
    Ecosystem ecosystem = loaded(loader.load(config("valid/ecosystem.json")));

    AppSpec api = ecosystem.app("api").orElseThrow();
    assertEquals("max", api.instancesSetting());
    assertEquals(CORES, api.instances());
    assertEquals(Optional.of(new ByteSize(500L * 1024 * 1024)), api.maxMemoryRestart());
    assertEquals(Duration.ofMillis(3000), api.killTimeout());
    assertEquals(Duration.ofSeconds(5), api.listenTimeout());
    assertTrue(api.waitReady());
    assertEquals(Map.of("PORT", "3000", "NODE_ENV", "development"), api.env());
    assertEquals(
        Map.of("PORT", "3000", "NODE_ENV", "production"),
        api.environment(Optional.of("production")));
    assertEquals(api.env(), api.environment(Optional.of("staging")));

    AppSpec jobs = ecosystem.app("jobs").orElseThrow();
    assertEquals(List.of("--queue", "default", "--verbose"), jobs.args());
    assertEquals(List.of(0, 3), jobs.stopExitCodes());
    assertEquals(Optional.of("0 3 * * *"), jobs.cronRestart());
    assertEquals(config("valid/ecosystem.json").getParent(), jobs.cwd());
  }

  @Test
  void appsTakePm2DefaultsForWhatTheyDoNotSay() {
    AppSpec app = loaded(loader.load(config("valid/ecosystem.config.cjs"))).apps().getFirst();

    assertEquals(ExecMode.FORK, app.execMode());
    assertEquals(1, app.instances());
    assertEquals(Duration.ofMillis(1600), app.killTimeout());
    assertEquals("SIGINT", app.killSignal().name());
    assertEquals(Duration.ofMillis(3000), app.listenTimeout());
    assertEquals(16, app.maxRestarts());
    assertEquals(Duration.ofMillis(1000), app.minUptime());
    assertEquals(Duration.ZERO, app.restartDelay());
    assertEquals(Duration.ZERO, app.expBackoffRestartDelay());
    assertTrue(app.autorestart());
    assertTrue(app.treekill());
    assertEquals(false, app.waitReady());
    assertEquals(false, app.shutdownWithMessage());
    assertEquals(false, app.mergeLogs());
    assertEquals("default", app.namespace());
    assertEquals("NODE_APP_INSTANCE", app.instanceVar());
    assertEquals(List.of(), app.watch());
    assertEquals(Optional.empty(), app.maxMemoryRestart());
  }

  @Test
  void jsConfigThatComputesValuesIsEvaluatedByNode() {
    AppSpec app = loaded(loader.load(config("valid/computed.config.js"))).apps().getFirst();

    assertEquals("server.js", app.script());
    assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() - 1) + 1, app.instances());
    assertEquals("pmfx", app.env().get("STARTED_BY"));
  }

  @Test
  void jsConfigReadsTheEnvironment() {
    EcosystemLoader withVars =
        Fixtures.withNode(Map.of("PMFX_TEST_APP_NAME", "from-env", "PMFX_TEST_PORT", "4321"));

    AppSpec app = loaded(withVars.load(config("valid/env-var.config.js"))).apps().getFirst();

    assertEquals("from-env", app.name());
    assertEquals("4321", app.env().get("PORT"));
  }

  @Test
  void yamlListsAndSingleStringsMeanWhatPm2MeansByThem() {
    AppSpec app = loaded(loader.load(config("valid/bare-array.yml"))).apps().getFirst();

    assertEquals(List.of("src", "config"), app.watch());
    assertEquals(List.of("node_modules"), app.ignoreWatch());
  }

  @Test
  void literalJsReadsHexSeparatorsAndTemplates() {
    Ecosystem ecosystem = loaded(loader.load(config("valid/literal.config.js")));

    AppSpec api = ecosystem.app("api").orElseThrow();
    assertEquals(Duration.ofMillis(1600), api.killTimeout());
    assertEquals(Optional.of(ByteSize.parse("300M").orElseThrow()), api.maxMemoryRestart());
    assertEquals("false", api.env().get("DEBUG"));
    assertEquals(Duration.ofSeconds(1), ecosystem.app("jobs").orElseThrow().restartDelay());
  }

  @Test
  void folderLoadsItsEcosystemFileAsPm2Would() {
    Ecosystem ecosystem = loaded(loader.load(config("valid/esm-project")));

    assertEquals("ecosystem.config.js", ecosystem.file().getFileName().toString());
  }

  @Test
  void yamlAnchorsMergesAndPlainWordsMeanWhatJsYamlMakesOfThem() {
    Ecosystem ecosystem = loaded(loader.load(config("valid/anchors.yaml")));

    AppSpec api = ecosystem.app("api").orElseThrow();
    AppSpec web = ecosystem.app("web").orElseThrow();
    assertEquals("server.js", api.script());
    assertEquals(Optional.of(ByteSize.parse("300M").orElseThrow()), api.maxMemoryRestart());
    assertEquals(Optional.of(ByteSize.parse("1G").orElseThrow()), web.maxMemoryRestart());
    assertEquals(
        Map.of("NODE_ENV", "production", "FEATURE_FLAG", "no", "RELEASE", "on", "ZIP", "1234"),
        web.env());
    assertEquals(List.of(), ecosystem.warnings(), "x- keys hold anchors and draw no warning");
  }

  @Test
  void escapesInJsStringsAreDecodedAsNodeDecodesThem() {
    Ecosystem underNode = loaded(loader.load(config("valid/escapes.config.js")));

    AppSpec app = underNode.apps().getFirst();
    assertEquals(
        List.of("--greeting", "caf\u00e9 \uD83D\uDE00", "tab\there", "it's", "say \"hi\""),
        app.args());
    assertEquals(List.of("--max-old-space-size=512"), app.interpreterArgs());
    assertEquals("^\\/api\\/[a-z]+$", app.env().get("PATTERN"));
    assertEquals("one two", app.env().get("LONG"));
  }
}
