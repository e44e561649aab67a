package dev.pmfx.config;

import static dev.pmfx.config.Fixtures.config;
import static dev.pmfx.config.Fixtures.failed;
import static dev.pmfx.config.Fixtures.loaded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without Node.js, literal .js configs still load; configs that compute say they need it. */
class WithoutNodeTest {

  private final EcosystemLoader withoutNode = Fixtures.withoutNode();

  @Test
  void literalConfigLoadsTheSameAsUnderNode() {
    Ecosystem literal = loaded(withoutNode.load(config("valid/literal.config.js")));
    Ecosystem evaluated = loaded(Fixtures.withNode().load(config("valid/literal.config.js")));

    assertEquals(evaluated.apps(), literal.apps());
  }

  @Test
  void exportDefaultAndExportedConstantLoad() {
    assertEquals(
        "api",
        loaded(withoutNode.load(config("valid/export-default.mjs"))).apps().getFirst().name());
    assertEquals(
        "backend",
        loaded(withoutNode.load(config("valid/const-exported.config.js")))
            .apps()
            .getFirst()
            .namespace());
  }

  @Test
  void computedValueNamesItsLineAndSaysNodeIsNeeded() {
    Diagnostic error =
        failed(withoutNode.load(config("valid/computed.config.js"))).errors().getFirst();

    assertEquals(new Location(8, 15), error.location());
    assertEquals(
        "'path.join('.', 'server.js')' is computed, and only Node.js can evaluate it: 'node' is not on PATH",
        error.message());
  }

  @Test
  void shorthandPropertyCountsAsComputed() {
    Diagnostic error =
        failed(withoutNode.load(config("valid/ecosystem.config.cjs"))).errors().getFirst();

    assertEquals(new Location(2, 20), error.location());
  }

  @Test
  void syntaxErrorIsFoundWithoutNodeToo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ecosystem.config.js");
    Files.writeString(
        file,
        """
        module.exports = {
          apps: [
            { name: 'api' script: 'server.js' },
          ],
        };
        """);

    Diagnostic error = failed(withoutNode.load(file)).errors().getFirst();

    assertEquals(new Location(3, 19), error.location());
    assertEquals("unexpected 'script' where ',' or '}' belongs", error.message());
  }

  @Test
  void fileWithoutExportSaysSo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ecosystem.config.js");
    Files.writeString(file, "const apps = [{ name: 'api', script: 'server.js' }];\n");

    Diagnostic error = failed(withoutNode.load(file)).errors().getFirst();

    assertEquals(
        "nothing is exported: no 'module.exports =' or 'export default' at the top level",
        error.message());
  }

  @Test
  void changingTheExportedObjectAfterwardsNeedsNode(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ecosystem.config.js");
    Files.writeString(
        file,
        """
        const config = { apps: [{ name: 'api', script: 'server.js', instances: 2 }] };
        config.apps[0].instances = 8;
        module.exports = config;
        """);

    Diagnostic error = failed(withoutNode.load(file)).errors().getFirst();

    assertEquals(new Location(2, 1), error.location());
    assertTrue(error.message().startsWith("the config is changed here after it is written"));
  }

  @Test
  void crlfFilesWithLineContinuationsRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ecosystem.config.js");
    Files.writeString(
        file,
        "module.exports = {\r\n  apps: [{ name: 'a\\\r\npi', script: 'server.js' }],\r\n};\r\n");

    assertEquals("api", loaded(withoutNode.load(file)).apps().getFirst().name());
  }
}
