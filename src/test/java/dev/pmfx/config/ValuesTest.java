package dev.pmfx.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sizes, durations, instances and spellings, parsed once, here. */
class ValuesTest {

  @ParameterizedTest(name = "{0} = {1} bytes")
  @CsvSource({
    "500M, 524288000",
    "1G, 1073741824",
    "1.5G, 1610612736",
    "200K, 204800",
    "300MB, 314572800",
    "2048, 2048",
    "1g, 1073741824",
    "64 MiB, 67108864"
  })
  void sizesUsePowersOf1024AsPm2Does(String text, long bytes) {
    assertEquals(Optional.of(new ByteSize(bytes)), ByteSize.parse(text));
  }

  @ParameterizedTest
  @CsvSource({"lots", "-5M", "M", "5X", "''"})
  void nonsenseIsNotASize(String text) {
    assertEquals(Optional.empty(), ByteSize.parse(text));
  }

  @Test
  void sizePrintsItsShortestExactForm() {
    assertEquals("500M", new ByteSize(500L << 20).toString());
    assertEquals("1536K", new ByteSize(1536L << 10).toString());
    assertEquals("1000", new ByteSize(1000).toString());
  }

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
    "1600, 1600",
    "500ms, 500",
    "2s, 2000",
    "1.5s, 1500",
    "1m, 60000",
    "1h, 3600000",
    "1d, 86400000"
  })
  void durationsAreMillisecondsOrCarryAUnit(String text, long millis) {
    assertEquals(Optional.of(Duration.ofMillis(millis)), DurationText.parse(text));
  }

  @ParameterizedTest
  @CsvSource({"soon", "-1s", "5 minutes", "1w"})
  void nonsenseIsNotADuration(String text) {
    assertEquals(Optional.empty(), DurationText.parse(text));
  }

  @ParameterizedTest(name = "instances {0} on {1} cores = {2}")
  @CsvSource({
    "4, 8, 4",
    "1, 8, 1",
    "max, 8, 8",
    "0, 8, 8",
    "-1, 8, 7",
    "-2, 2, 1",
    "-10, 4, 1",
    "-1, 1, 1"
  })
  void instancesResolveAsPm2ResolvesThem(String setting, int cores, int expected) {
    assertEquals(expected, Instances.resolve(setting, cores));
  }

  @Test
  void argumentStringsSplitLikeAShell() {
    assertEquals(
        List.of("--name", "my app", "-v", "x=1 2"),
        OptionValues.splitWords("--name 'my app'  -v \"x=1 2\""));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "intances, instances",
    "scirpt, script",
    "Script, script",
    "max_restart, max_restarts",
    "kill_timout, kill_timeout",
    "watch_dealy, watch_delay",
    "exec-mode, exec_mode"
  })
  void misspeltKeysFindTheirNearestKnownKey(String typo, String key) {
    assertEquals(Optional.of(key), DidYouMean.closest(typo, AppOption.KEYS));
  }

  @Test
  void unrelatedWordsSuggestNothing() {
    assertEquals(Optional.empty(), DidYouMean.closest("database", AppOption.KEYS));
  }
}
