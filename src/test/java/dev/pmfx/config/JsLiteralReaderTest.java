package dev.pmfx.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.ConfigNode.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The .js reader never throws and never hangs, whatever half-typed file it is given. */
class JsLiteralReaderTest {

  private static JsLiteralReader.Result read(String text) {
    return JsLiteralReader.read(SourceText.of(Path.of("ecosystem.config.js"), text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "valid/literal.config.js",
        "valid/computed.config.js",
        "valid/escapes.config.js",
        "invalid/syntax.cjs",
        "invalid/syntax.mjs",
        "invalid/typographic.config.js"
      })
  void everyPrefixAndEveryOneCharacterDeletionIsReadWithoutFailing(String fixture)
      throws Exception {
    String text = Files.readString(Fixtures.config(fixture));

    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (int end = 0; end <= text.length(); end++) {
            read(text.substring(0, end));
          }
          for (int gap = 0; gap < text.length(); gap++) {
            read(text.substring(0, gap) + text.substring(gap + 1));
          }
        });
  }

  @Test
  void randomTextMadeOfJavaScriptsPunctuationIsReadWithoutFailing() {
    String alphabet = "{}[](),:;.=+-*/\\'\"`$#!?<>&|~^%@ \n\r\t0123456789xuabcdef_\u2018\u201C";
    java.util.Random random = new java.util.Random(42);

    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder("module.exports = ");
            int length = random.nextInt(60);
            for (int i = 0; i < length; i++) {
              text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            read(text.toString());
          }
        });
  }

  @Test
  void deepNestingIsAProblemNotAStackOverflow() {
    JsLiteralReader.Result result = read("module.exports = " + "[".repeat(5000) + "]".repeat(5000));

    assertEquals("nested more than 200 levels deep", result.problems().getFirst().message());
  }

  @Test
  void bracketClosedWithTheWrongOneIsReportedAtIt() {
    JsLiteralReader.Result result =
        read("module.exports = {\n  apps: [\n    { name: 'api', instances: 2 ]\n  ],\n};\n");

    assertEquals(new Location(3, 33), result.problems().getFirst().location());
    assertEquals("unexpected ']' where ',' or '}' belongs", result.problems().getFirst().message());
  }

  @Test
  void regexDivisionCommentsAndTemplatesDoNotConfuseIt() {
    JsLiteralReader.Result result =
        read(
            """
            // a 'quoted' comment with a } in it
            const half = 8 / 2; /* and a block: ] */
            module.exports = {
              apps: [{
                name: `api`,
                script: 'server.js',
                args: ['--match', /a[/]b/.source],
                instances: `${half}`,
              }],
            };
            """);

    assertEquals(List.of(), result.problems());
    ObjectNode app =
        (ObjectNode)
            ((ConfigNode.ArrayNode)
                    ((ObjectNode) result.exported().orElseThrow())
                        .member("apps")
                        .orElseThrow()
                        .value())
                .items()
                .getFirst();
    assertEquals(
        new ConfigNode.TextNode(new Location(5, 11), "api"),
        app.member("name").orElseThrow().value());
    assertInstanceOf(ConfigNode.ComputedNode.class, app.member("instances").orElseThrow().value());
    assertTrue(
        ((ConfigNode.ArrayNode) app.member("args").orElseThrow().value()).items().get(1)
            instanceof ConfigNode.ComputedNode);
  }
}
