package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.logs.LogFile;
import dev.pmfx.logs.LogSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers' log files as PM2 users set them: rotation, gzip, JSON lines, no logs at all. */
class WorkerLogsTest {

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

  private Path logs() {
    return pmfx.home.dir().resolve("logs");
  }

  /** The lines of a log file's rotated copies, oldest first (gzipped or not), then its own. */
  private static List<String> everyLine(Path log) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path copy : LogFile.rotatedCopies(log)) {
      if (copy.toString().endsWith(".gz")) {
        try (var in = new GZIPInputStream(Files.newInputStream(copy))) {
          lines.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        }
      } else {
        lines.addAll(Files.readAllLines(copy));
      }
    }
    lines.addAll(Files.readAllLines(log));
    return lines;
  }

  @Test
  void aFastWritersLogRotatesAtItsAppsSizeIntoGzippedCopiesWithNoLineLost() throws Exception {
    pmfx.start(
        """
        apps:
          - name: flood
            script: FastWriter.java
            cwd: ${workers}
            autorestart: false
            env: { LINES: "200000" }
            log_max_size: 256K
            log_retain: 100
            log_compress: true
          - name: kept
            script: FastWriter.java
            cwd: ${workers}
            autorestart: false
            env: { LINES: "200000" }
            log_max_size: 256K
            log_retain: 2
        """);
    pmfx.events.awaitState("flood", WorkerState.STOPPED);
    pmfx.events.awaitState("kept", WorkerState.STOPPED);
    pmfx.engine.close();

    // about 2.3 MB: nine or so copies of 256 KiB, each gzipped, and every line in order
    Path flood = logs().resolve("flood-out.log");
    List<Path> copies = LogFile.rotatedCopies(flood);
    assertTrue(copies.size() >= 8, copies.toString());
    assertTrue(copies.stream().allMatch(c -> c.toString().endsWith(".log.gz")), copies.toString());
    List<String> lines = everyLine(flood);
    assertEquals(200_001, lines.size(), "200,000 numbered lines and one with bad UTF-8");
    assertEquals("line 1", lines.getFirst());
    assertEquals("line 200000 (no newline)", lines.getLast());
    // retain 2: the two newest copies, plain, then the file, ending at the last line
    Path kept = logs().resolve("kept-out.log");
    assertEquals(2, LogFile.rotatedCopies(kept).size());
    List<String> newest = everyLine(kept);
    assertEquals("line 200000 (no newline)", newest.getLast());
    assertTrue(newest.size() < 200_000 && newest.size() > 20_000, "size " + newest.size());
  }

  @Test
  void globalSettingsSetAsPm2SetsThemRotateAnAppThatSetsNone() throws Exception {
    LogSettings.set(pmfx.home, "pm2-logrotate:max_size", Optional.of("100K"));
    LogSettings.set(pmfx.home, "logrotate:compress", Optional.of("true"));
    LogSettings.set(pmfx.home, "logrotate:retain", Optional.of("3"));

    pmfx.start(
        """
        apps:
          - name: flood
            script: FastWriter.java
            cwd: ${workers}
            autorestart: false
            env: { LINES: "100000" }
        """);
    pmfx.events.awaitState("flood", WorkerState.STOPPED);
    pmfx.engine.close();

    List<Path> copies = LogFile.rotatedCopies(logs().resolve("flood-out.log"));
    assertEquals(3, copies.size(), copies.toString());
    assertTrue(copies.stream().allMatch(c -> c.toString().endsWith(".gz")), copies.toString());
    List<String> lines = everyLine(logs().resolve("flood-out.log"));
    assertEquals("line 100000 (no newline)", lines.getLast());
    assertTrue(lines.size() < 50_000, "100K files, three kept: " + lines.size());
  }

  @Test
  void aCronOfSecondsRotatesAQuietLogOnTime() throws Exception {
    pmfx.start(
        """
        apps:
          - name: ticker
            script: Ticker.java
            cwd: ${workers}
            env: { PAUSE_MS: "100" }
            log_rotate_interval: "*/1 * * * * *"
            log_retain: 50
        """);
    Path log = logs().resolve("ticker-out.log");
    long deadline = System.nanoTime() + EngineHarness.PATIENCE.toNanos();
    while (LogFile.rotatedCopies(log).size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    pmfx.engine.close();

    List<Path> copies = LogFile.rotatedCopies(log);
    assertTrue(copies.size() >= 3, copies.toString());
    // each copy holds about a second of ticks, none of them lost between the files
    List<String> lines = everyLine(log);
    for (int i = 0; i < lines.size(); i++) {
      assertEquals("tick " + (i + 1), lines.get(i));
    }
    assertTrue(Files.readAllLines(copies.get(1)).size() <= 15, copies.get(1).toString());
  }

  @Test
  void aSettingChangedWhileAWorkerRunsAppliesWithinTheWorkerInterval() throws Exception {
    LogSettings.set(pmfx.home, "logrotate:workerInterval", Optional.of("1"));
    pmfx.start(
        """
        apps:
          - name: ticker
            script: Ticker.java
            cwd: ${workers}
            env: { PAUSE_MS: "100" }
        """);
    Path log = logs().resolve("ticker-out.log");
    pmfx.events.awaitLine("ticker", "tick 3"::equals);
    assertEquals(List.of(), LogFile.rotatedCopies(log));

    LogSettings.set(pmfx.home, "pm2-logrotate:rotateInterval", Optional.of("* * * * * *"));
    LogSettings.set(pmfx.home, "pm2-logrotate:compress", Optional.of("true"));
    long deadline = System.nanoTime() + EngineHarness.PATIENCE.toNanos();
    while (LogFile.rotatedCopies(log).size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    pmfx.engine.close();

    List<Path> copies = LogFile.rotatedCopies(log);
    assertTrue(copies.size() >= 2, copies.toString());
    assertTrue(copies.stream().allMatch(c -> c.toString().endsWith(".gz")), copies.toString());
    List<String> lines = everyLine(log);
    for (int i = 0; i < lines.size(); i++) {
      assertEquals("tick " + (i + 1), lines.get(i));
    }
  }

  @Test
  void jsonLinesACombinedLogAtTheDefaultPathAndNoFilesWhereLogsAreOff() throws Exception {
    pmfx.start(
        """
        apps:
          - name: api
            script: FastWriter.java
            cwd: ${workers}
            autorestart: false
            env: { LINES: "3" }
            log_type: json
            log_file: true
            error_file: "NULL"
          - name: quiet
            script: FastWriter.java
            cwd: ${workers}
            autorestart: false
            env: { LINES: "3" }
            disable_logs: true
        """);
    pmfx.events.awaitState("api", WorkerState.STOPPED);
    pmfx.events.awaitState("quiet", WorkerState.STOPPED);
    pmfx.events.awaitLine("api", "line 3 (no newline)"::equals);
    var api = pmfx.engine.snapshot().stream().filter(a -> a.name().equals("api")).findFirst();
    var history = pmfx.engine.logHistory(api.orElseThrow().spec(), 5).get();
    pmfx.engine.close();

    List<String> out = Files.readAllLines(logs().resolve("api-out.log"));
    assertEquals(3, out.size(), out.toString());
    JsonNode first = new ObjectMapper().readTree(out.getFirst());
    assertEquals("line 1", first.get("message").asText());
    assertEquals("out", first.get("type").asText());
    assertEquals("api", first.get("app_name").asText());
    assertTrue(first.get("process_id").isInt());
    assertTrue(first.get("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z"));
    assertEquals(
        List.of("message", "timestamp", "type", "process_id", "app_name"),
        iterable(first.fieldNames()));
    assertEquals(out, Files.readAllLines(logs().resolve("api.log")), "the combined log");
    assertEquals(
        List.of("line 1", "line 2", "line 3 (no newline)"),
        history.stream().map(l -> l.text()).toList(),
        "read back as the worker wrote them");
    assertFalse(Files.exists(logs().resolve("api-error.log")));
    assertFalse(Files.exists(pmfx.dir.resolve("NULL")));
    assertFalse(Files.exists(EngineHarness.workers().resolve("NULL")));
    // disable_logs: no file, and the views still get the lines
    assertFalse(Files.exists(logs().resolve("quiet-out.log")));
    assertTrue(pmfx.events.lines("quiet").contains("line 1"));
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
