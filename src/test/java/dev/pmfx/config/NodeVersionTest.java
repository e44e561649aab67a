package dev.pmfx.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which Node.js versions strip TypeScript's types, and which need the flag for it. */
class NodeVersionTest {

  private static String stripping(String version) {
    NodeVersion v = NodeVersion.parse(version).orElseThrow();
    return v.stripsTypesByDefault() ? "default" : v.stripsTypes() ? "flag" : "none";
  }

  @Test
  void typeStrippingCameWithAFlagIn22_6AndWithoutIn23_6And22_18() {
    assertEquals(
        List.of("none", "none", "flag", "flag", "default", "flag", "default", "default", "default"),
        List.of(
                "v20.20.2",
                "v22.5.1",
                "v22.6.0",
                "v22.17.1",
                "v22.18.0",
                "v23.5.0",
                "v23.6.0",
                "v24.22.3",
                "v26.0.0")
            .stream()
            .map(NodeVersionTest::stripping)
            .toList());
  }

  @Test
  void whatNodePrintsIsReadAndAnythingElseIsNot() {
    assertEquals("v22.23.5", NodeVersion.parse("v22.23.5\n").orElseThrow().toString());
    assertTrue(NodeVersion.parse("node: command not found").isEmpty());
  }
}
