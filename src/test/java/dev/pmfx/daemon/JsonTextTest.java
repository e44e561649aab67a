package dev.pmfx.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JsonText reads what the daemon's mapper writes, as DaemonViews reads its answers. */
class JsonTextTest {

  @Test
  void readsAStringTheMapperWrote() throws Exception {
    String text = "┌─┐ \"quoted\" back\\slash\ttab\nline\u0001 é 😀 </script>";
    String line = Wire.JSON.writeValueAsString(Wire.Message.result(2, text));

    Object message = JsonText.parse(line);

    assertEquals(Map.of("id", 2.0, "result", text), message);
  }

  @Test
  void readsObjectsArraysNumbersAndWords() {
    Object value =
        JsonText.parse(
            " {\"a\": [1, -2.5e3, true, false, null, {}], \"b\": {\"c\": \"\\u00e9\\/\"}, \"d\": []} ");

    assertEquals(
        Map.of(
            "a", Arrays.asList(1.0, -2500.0, true, false, null, Map.of()),
            "b", Map.of("c", "é/"),
            "d", List.of()),
        value);
  }

  @Test
  void whatIsNotOneJsonValueIsRefused() {
    for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "\"open", "tru", "{} {}", "\"\\x\"")) {
      assertThrows(IllegalArgumentException.class, () -> JsonText.parse(bad), bad);
    }
  }
}
