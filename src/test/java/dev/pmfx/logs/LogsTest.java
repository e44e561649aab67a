package dev.pmfx.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines out of byte streams, into rotated files, and into a bounded tail. */
class LogsTest {

  @TempDir Path dir;

  private static List<String> pump(byte[] bytes, int chunk) throws IOException {
    List<String> lines = new ArrayList<>();
    // a stream that hands out at most `chunk` bytes a read, as pipes do
    InputStream in =
        new ByteArrayInputStream(bytes) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, chunk));
          }
        };
    LinePump.pump(in, lines::add);
    return lines;
  }

  @Test
  void anAppsLogFilesAreNamedWithoutSpacesSlashesOrQuotes() {
    assertEquals("npm-run-start", LogPaths.fileName("npm run start"));
    assertEquals("api.v2_x-1", LogPaths.fileName("api.v2_x-1"));
    assertEquals("a-b--c-", LogPaths.fileName("a/b \"c'"));
  }

  @Test
  void lastLinesReadsTheEndOfAFileWhateverItsSize() throws Exception {
    Path big = dir.resolve("big.log");
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 100_000; i++) {
      text.append("line ").append(i).append('\n');
    }
    Files.writeString(big, text);
    Path longLines = dir.resolve("long.log");
    String wide = "é".repeat(70_000); // two bytes each: lines wider than a read
    Files.writeString(longLines, "first\n" + wide + "\n" + wide + "x\nlast without newline");

    assertEquals(List.of("line 99998", "line 99999", "line 100000"), LogFile.lastLines(big, 3));
    assertEquals(List.of(wide + "x", "last without newline"), LogFile.lastLines(longLines, 2));
    assertEquals(4, LogFile.lastLines(longLines, 10).size(), "a file shorter than asked: all");
    assertEquals(List.of(), LogFile.lastLines(dir.resolve("missing.log"), 5));
  }

  @Test
  void linesSplitAcrossReadsArriveWholeWithCrLfAndLastLineKept() throws Exception {
    byte[] text = "one\r\ntwo\nthree without newline".getBytes(StandardCharsets.UTF_8);

    assertEquals(List.of("one", "two", "three without newline"), pump(text, 3));
  }

  @Test
  void invalidUtf8IsReplacedAndThePumpGoesOn() throws Exception {
    byte[] text = {'a', (byte) 0xFF, 'b', '\n', 'c', '\n'};

    assertEquals(List.of("a\uFFFDb", "c"), pump(text, 2));
  }

  @Test
  void multiByteCharacterSplitBetweenReadsIsKept() throws Exception {
    byte[] text = "café ☕\n".getBytes(StandardCharsets.UTF_8);

    assertEquals(List.of("café ☕"), pump(text, 1));
  }

  @Test
  void aStreamWithoutNewlinesIsHandedOnInBoundedPieces() throws Exception {
    byte[] text = new byte[LinePump.MAX_LINE * 2 + 10];
    java.util.Arrays.fill(text, (byte) 'x');

    List<String> pieces = pump(text, 65536);

    assertEquals(
        List.of(LinePump.MAX_LINE, LinePump.MAX_LINE, 10),
        pieces.stream().map(String::length).toList());
  }

  @Test
  void fileRotatesAtItsSizeIntoDatedCopiesAndKeepsTheNewestRetained() throws Exception {
    Path log = dir.resolve("app-out.log");
    try (LogFile file = new LogFile(log, 100, 2, Optional.empty())) {
      for (int i = 0; i < 50; i++) {
        file.append(
            Instant.parse("2026-12-07T00:00:00Z"), "line %02d 123456789".formatted(i), true);
      }
    }

    List<Path> copies = LogFile.rotatedCopies(log);
    assertEquals(2, copies.size(), names(dir).toString());
    String date =
        MomentFormat.toFormatter(Rotation.DEFAULT_DATE_FORMAT)
            .withZone(java.time.ZoneId.systemDefault())
            .format(Instant.parse("2026-12-07T00:00:00Z"));
    assertTrue(copies.getFirst().getFileName().toString().startsWith("app-out__" + date));
    assertEquals(3, names(dir).size(), "the file and two copies: " + names(dir));
    // the copies, oldest first, then the file: the last lines written, in order
    List<String> kept = new ArrayList<>();
    for (Path copy : copies) {
      kept.addAll(Files.readAllLines(copy));
    }
    kept.addAll(Files.readAllLines(log));
    assertEquals("line 49 123456789", kept.getLast());
    for (int i = 1; i < kept.size(); i++) {
      assertEquals(number(kept.get(i - 1)) + 1, number(kept.get(i)), kept.toString());
    }
  }

  private static int number(String line) {
    return Integer.parseInt(line.substring(5, 7));
  }

  @Test
  void rotatedCopiesAreGzippedWhenCompressIsSetAndReadBackWhole() throws Exception {
    Path log = dir.resolve("zipped.log");
    Rotation rotation =
        new Rotation(1_000, 10, true, "YYYY-MM-DD", Optional.empty(), java.time.ZoneOffset.UTC);
    try (LogFile file = new LogFile(log, rotation, Optional.empty())) {
      for (int i = 0; i < 300; i++) {
        file.append(Instant.parse("2026-12-07T10:00:00Z"), "line " + i, true);
      }
    }

    List<Path> copies = LogFile.rotatedCopies(log);
    assertFalse(copies.isEmpty());
    assertEquals("zipped__2026-12-07.log.gz", copies.getFirst().getFileName().toString());
    assertEquals("zipped__2026-12-07-2.log.gz", copies.get(1).getFileName().toString());
    List<String> all = new ArrayList<>();
    for (Path copy : copies) {
      assertTrue(copy.toString().endsWith(".gz"), copy.toString());
      try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(copy))) {
        all.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
      }
    }
    all.addAll(Files.readAllLines(log));
    assertEquals(300, all.size());
    for (int i = 0; i < 300; i++) {
      assertEquals("line " + i, all.get(i));
    }
  }

  @Test
  void emptyingAFileDeletesItsRotatedCopiesAndAnEarlierPmfxsNumberedOnes() throws Exception {
    Path log = dir.resolve("api-out.log");
    try (LogFile file = new LogFile(log, 100, 3, Optional.empty())) {
      for (int i = 0; i < 20; i++) {
        file.append(Instant.EPOCH, "line %02d 123456789".formatted(i), true);
      }
      Files.writeString(dir.resolve("api-out.log.1"), "from an earlier pmfx\n");
      Files.writeString(dir.resolve("api-error.log"), "another file\n");
      assertEquals(3, LogFile.rotatedCopies(log).size());

      file.empty();
      file.append(Instant.EPOCH, "after", true);
    }

    assertEquals(List.of("api-error.log", "api-out.log"), names(dir));
    assertEquals(List.of("after"), Files.readAllLines(log));
  }

  @Test
  void aCronRotatesTheFileOnTimeThoughNoLineCame() throws Exception {
    Path log = dir.resolve("daily.log");
    Instant start = Instant.parse("2026-12-07T23:59:58Z");
    Rotation midnight =
        new Rotation(
            1 << 20, 3, false, "YYYY-MM-DD", Optional.of("0 0 * * *"), java.time.ZoneOffset.UTC);
    try (LogFile file = new LogFile(log, Rotation.DEFAULT, Optional.empty())) {
      file.rotation(midnight, start);
      file.append(start, "before midnight", true);
      file.tick(start.plusSeconds(1));
      assertEquals(List.of(), LogFile.rotatedCopies(log), "not yet");
      file.tick(start.plusSeconds(3));
      file.tick(start.plusSeconds(4)); // once: the next is the night after
      file.append(start.plusSeconds(5), "after midnight", true);
    }

    List<Path> copies = LogFile.rotatedCopies(log);
    assertEquals(1, copies.size());
    assertEquals("daily__2026-12-08.log", copies.getFirst().getFileName().toString());
    assertEquals(List.of("before midnight"), Files.readAllLines(copies.getFirst()));
    assertEquals(List.of("after midnight"), Files.readAllLines(log));
  }

  @Test
  void anAppsLogOptionsComeBeforeTheGlobalSettingsAndABadStoredValueGivesItsDefault()
      throws Exception {
    var home = new dev.pmfx.home.PmfxHome(dir.resolve("home"));
    LogSettings.set(home, "pm2-logrotate:max_size", Optional.of("1M"));
    LogSettings.set(home, "logrotate:rotateinterval", Optional.of("0 3 * * *"));
    Files.writeString(
        LogSettings.file(home),
        Files.readString(LogSettings.file(home)) + "logrotate\\:retain=lots\n",
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    dev.pmfx.config.LogOptions app =
        new dev.pmfx.config.LogOptions(
            Optional.empty(),
            Optional.of(9),
            Optional.of(true),
            Optional.empty(),
            false,
            false,
            false);

    Rotation fresh =
        LogSettings.load(new dev.pmfx.home.PmfxHome(dir.resolve("fresh")))
            .rotation(dev.pmfx.config.LogOptions.NONE);
    Rotation global = LogSettings.load(home).rotation(dev.pmfx.config.LogOptions.NONE);
    Rotation own = LogSettings.load(home).rotation(app);

    // nothing set: pm2-logrotate's defaults, 10M, 30 copies, every midnight, not compressed
    assertEquals(10L << 20, fresh.maxBytes());
    assertEquals(30, fresh.retain());
    assertEquals(Optional.of("0 0 * * *"), fresh.interval());
    assertFalse(fresh.compress());
    assertEquals("YYYY-MM-DD_HH-mm-ss", fresh.dateFormat());
    assertEquals(1L << 20, global.maxBytes());
    assertEquals(30, global.retain(), "'lots' is no number: the default");
    assertFalse(global.compress());
    assertEquals(Optional.of("0 3 * * *"), global.interval());
    assertEquals(1L << 20, own.maxBytes());
    assertEquals(9, own.retain());
    assertTrue(own.compress());
    assertEquals(
        Optional.of("logrotate:retain must be a whole number of at least 0; found 'lots'"),
        LogSettings.problem("logrotate:retain", "lots"));
    assertThrows(
        IllegalArgumentException.class,
        () -> LogSettings.set(home, "logrotate:compress", Optional.of("yes")));
    LogSettings.set(home, "logrotate:rotateInterval", Optional.of("0"));
    assertEquals(
        Optional.empty(),
        LogSettings.load(home).rotation(dev.pmfx.config.LogOptions.NONE).interval(),
        "0: no rotation on time");
  }

  @Test
  void aJsonLineHasTheFieldsOfPm2sJsonLogs() throws Exception {
    String line =
        JsonLine.format(
            "say \"hi\"\tthen\u0001",
            Instant.parse("2026-12-07T10:15:30.5Z"),
            "err",
            4,
            "api",
            Optional.empty());

    assertEquals(
        "{\"message\":\"say \\\"hi\\\"\\tthen\\u0001\",\"timestamp\":\"2026-12-07T10:15:30.500Z\","
            + "\"type\":\"err\",\"process_id\":4,\"app_name\":\"api\"}",
        line);
    var parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
    assertEquals("say \"hi\"\tthen\u0001", parsed.get("message").asText());
    String dated =
        JsonLine.format(
            "x",
            Instant.parse("2026-12-07T10:15:30Z"),
            "out",
            0,
            "api",
            Optional.of(MomentFormat.toFormatter("YYYY-MM-DD").withZone(java.time.ZoneOffset.UTC)));
    assertTrue(dated.contains("\"timestamp\":\"2026-12-07\""), dated);
  }

  @Test
  void linesArePrefixedWithTheTimeInPm2sDateFormat() throws Exception {
    Path log = dir.resolve("dated.log");
    String format = "YYYY-MM-DD HH:mm:ss";
    try (LogFile file =
        new LogFile(log, 1 << 20, 1, Optional.of(MomentFormat.toFormatter(format)))) {
      file.append(Instant.parse("2026-11-23T10:15:30Z"), "hello", true);
    }

    String expected =
        MomentFormat.toFormatter(format)
            .withZone(java.time.ZoneId.systemDefault())
            .format(Instant.parse("2026-11-23T10:15:30Z"));
    assertEquals(expected + ": hello\n", Files.readString(log));
  }

  @Test
  void momentPatternsBecomeJavaPatterns() {
    var formatter = MomentFormat.toFormatter("YYYY-MM-DD[T]HH:mm:ss.SSS Z");

    assertEquals(
        "2026-11-23T10:15:30.123 +00:00",
        formatter
            .withZone(java.time.ZoneOffset.UTC)
            .format(Instant.parse("2026-11-23T10:15:30.123Z")));
  }

  @Test
  void momentTokensPrintWhatMomentPrints() {
    Instant at = Instant.parse("2026-11-01T20:05:09.120Z");
    java.time.ZoneId utc = java.time.ZoneOffset.UTC;
    java.time.ZoneId india = java.time.ZoneOffset.ofHoursMinutes(5, 30);
    java.util.function.BiFunction<String, java.time.ZoneId, String> moment =
        (pattern, zone) -> MomentFormat.toFormatter(pattern).withZone(zone).format(at);

    // what moment(…).utcOffset(…).format(pattern) gives in moment's own locale, en
    assertEquals("+00:00 +0000", moment.apply("Z ZZ", utc));
    assertEquals("+05:30 +0530", moment.apply("Z ZZ", india));
    assertEquals("2026-11-02 01:35:09 +05:30", moment.apply("YYYY-MM-DD HH:mm:ss Z", india));
    assertEquals("8:05 PM pm 08 20 20", moment.apply("h:mm A a hh HH kk", utc));
    assertEquals("Sunday Sun Su 0 7 1st", moment.apply("dddd ddd dd d E Do", utc));
    assertEquals("November Nov 11 26 305 4 44", moment.apply("MMMM MMM M YY DDDD Q W", utc));
    assertEquals("1 12 120 120000", moment.apply("S SS SSS SSSSSS", utc));
    assertEquals("1793563509 1793563509120", moment.apply("X x", utc));
    assertEquals("at 20h, T", moment.apply("[at] HH[h], \\T", utc));
  }

  @Test
  void tailKeepsTheLastLines() {
    LogTail<Integer> tail = new LogTail<>(3);
    for (int i = 1; i <= 5; i++) {
      tail.add(i);
    }

    assertEquals(List.of(3, 4, 5), tail.last(10));
    assertEquals(List.of(4, 5), tail.last(2));
  }

  @Test
  void tailDropsOldestLinesOverItsWeightAndKeepsTheNewestAlone() {
    LogTail<String> tail = new LogTail<>(100, 10, String::length);
    tail.add("abcd");
    tail.add("efgh");
    tail.add("ij");
    assertEquals(List.of("abcd", "efgh", "ij"), tail.last(10));
    tail.add("k");
    assertEquals(List.of("efgh", "ij", "k"), tail.last(10));
    tail.add("a line longer than the whole budget");
    assertEquals(List.of("a line longer than the whole budget"), tail.last(10));
    tail.add("xy");
    assertEquals(List.of("xy"), tail.last(10));
  }

  private static List<String> names(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void fileDeletedByHandIsWrittenAgainWhereItBelongs() throws Exception {
    Path log = dir.resolve("moved.log");
    try (LogFile file = new LogFile(log, 1 << 20, 2, Optional.empty())) {
      file.append(Instant.EPOCH, "before", true);
      Files.delete(log);
      // the file is looked for about once a second
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      while (!Files.exists(log) && System.nanoTime() < deadline) {
        file.append(Instant.EPOCH, "after", true);
        Thread.sleep(50);
      }
    }

    assertEquals("after", Files.readAllLines(log).getFirst());
  }
}
