package dev.pmfx.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Linux pass: one /proc/<pid>/stat line a process. */
class ProcessTreeSamplerTest {

  @Test
  void aStatLineIsReadPastACommandWithSpacesAndParentheses() {
    String stat =
        "4242 (node (worker) 1) S 17 4242 4242 0 -1 4194560 900 0 0 0 250 70 0 0 20 0 11 0 5000"
            + " 1200000000 30000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";

    ProcessTreeSampler.Proc p =
        new ProcessTreeSampler.ProcStat().parse(4242, stat, /* uptime, seconds */ 150.0);

    assertEquals(4242, p.pid());
    assertEquals(17, p.ppid());
    assertEquals((250 + 70) * 10, p.cpuMillis(), "ticks of 10 ms");
    assertEquals(30000L * dev.pmfx.posix.Libc.pageSize(), p.residentBytes());
    assertEquals(150_000 - 50_000, p.upMillis(), "started 5000 ticks after boot");
  }

  @Test
  void thisProcessTreeIsMeasuredFromProc() throws Exception {
    if (!Files.isReadable(Path.of("/proc/self/stat"))) {
      return; // Linux only: elsewhere OSHI lists the processes
    }
    ProcessTreeSampler sampler = new ProcessTreeSampler();
    long me = ProcessHandle.current().pid();

    Map<Long, Usage> usage = sampler.sample(List.of(me));

    Usage mine = usage.get(me);
    long vmRss =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElseThrow()
            * 1024;
    assertTrue(
        Math.abs(mine.residentBytes() - vmRss) < vmRss / 5,
        mine.residentBytes() + " bytes against VmRSS " + vmRss);
    assertTrue(mine.processes() >= 1);
    assertTrue(mine.cpuPercent() > 0, "this JVM has used CPU: " + mine);
  }
}
