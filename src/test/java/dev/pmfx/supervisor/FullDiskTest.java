package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.WorkerState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logs folder on a real filesystem that fills up (a 1 MiB tmpfs, mounted for the test: it needs
 * root, as CI runs): pmfx keeps supervising, says once that lines are being dropped, writes again
 * when there is room, with a line saying how many bytes were lost, and no worker waits.
 */
class FullDiskTest {

  @TempDir Path dir;
  private EngineHarness pmfx;
  private Path logs;
  private boolean mounted;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    pmfx = new EngineHarness(dir);
    logs = Files.createDirectories(pmfx.home.dir().resolve("logs"));
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", logs.toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(mount.getInputStream().readAllBytes());
    mounted = mount.waitFor() == 0;
    Assumptions.assumeTrue(mounted, "mounting a tmpfs needs root: " + said);
  }

  @AfterEach
  void unmount() throws Exception {
    pmfx.close();
    if (mounted) {
      new ProcessBuilder("umount", "-l", logs.toString()).inheritIO().start().waitFor();
    }
  }

  /** Fills the disk with a file, which deleting makes room again. */
  private Path fill() throws IOException {
    Path filler = logs.resolve("filler");
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      assertTrue(String.valueOf(full.getMessage()).contains("No space left"), full.toString());
    }
    return filler;
  }

  @Test
  void aFullDiskDropsLinesOnceSaidAndWritesThemAgainWithTheCountWhenThereIsRoom() throws Exception {
    Path filler = fill();
    pmfx.start(
        """
        apps:
          - name: ticker
            script: Ticker.java
            cwd: ${workers}
            env:
              PAUSE_MS: "20"
          - name: flood
            script: FastWriter.java
            cwd: ${workers}
            autorestart: false
            env:
              LINES: "300000"
        """);

    EngineEvent.LogLine full =
        pmfx.events.awaitLine("ticker", t -> t.startsWith("pmfx: cannot write "));
    assertTrue(full.text().contains("No space left on device"), full.text());
    // the flood writes its 300,000 lines to a full disk and ends: nothing waited on the disk
    pmfx.events.awaitState("flood", WorkerState.STOPPED);
    int ticksBefore = ticks();
    Thread.sleep(500);
    assertTrue(ticks() > ticksBefore, "the views still get the ticker's lines");
    assertEquals(
        1,
        pmfx.events.lines("ticker").stream()
            .filter(l -> l.startsWith("pmfx: cannot write"))
            .count(),
        "said once");
    // views hear the app anew, with what cannot be written (describe prints it, the window tells)
    EngineEvent.AppUpdated troubled =
        pmfx.events.await(
            EngineEvent.AppUpdated.class,
            u -> u.app().name().equals("ticker") && !u.app().logTrouble().isEmpty());
    assertTrue(
        troubled
            .app()
            .logTrouble()
            .getFirst()
            .matches(
                "cannot write \\S+ticker-out\\.log since \\S+: No space left on device; \\d+"
                    + " bytes of lines dropped so far"),
        troubled.app().logTrouble().toString());

    Files.delete(filler);

    EngineEvent.LogLine again =
        pmfx.events.awaitLine("ticker", t -> t.startsWith("pmfx: writing "));
    Matcher lost =
        Pattern.compile("again; (\\d+) bytes of lines were dropped").matcher(again.text());
    assertTrue(lost.find() && Long.parseLong(lost.group(1)) > 0, again.text());
    pmfx.events.await(
        pmfx.events.all().indexOf(troubled) + 1,
        EngineEvent.AppUpdated.class,
        u -> u.app().name().equals("ticker") && u.app().logTrouble().isEmpty());
    Path log = logs.resolve("ticker-out.log");
    long deadline = System.nanoTime() + EngineHarness.PATIENCE.toNanos();
    while (!ticksAfterTheGap(log)) {
      assertTrue(System.nanoTime() < deadline, "no ticks after the gap in " + log);
      Thread.sleep(50);
    }
    List<String> lines = Files.readAllLines(log);
    int at = indexOfGap(lines);
    String gap = lines.get(at);
    assertTrue(
        gap.matches(
            "pmfx: \\d+ bytes of log lines were dropped here, from \\S+ to \\S+: No space left on"
                + " device"),
        gap);
    for (int i = 0; i < lines.size(); i++) {
      assertTrue(i == at || lines.get(i).matches("tick \\d+"), "a whole line: " + lines.get(i));
    }
  }

  private static boolean ticksAfterTheGap(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      int gap = indexOfGap(lines);
      return gap >= 0 && lines.size() > gap + 3;
    } catch (IOException e) {
      return false;
    }
  }

  private static int indexOfGap(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("pmfx: ")) {
        return i;
      }
    }
    return -1;
  }

  private int ticks() {
    return (int) pmfx.events.lines("ticker").stream().filter(l -> l.startsWith("tick ")).count();
  }
}
