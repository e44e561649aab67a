package dev.pmfx.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's and run's JVM options, as {@link Daemons#selfCommand} gives them. */
class SupervisorOptionsTest {

  @Test
  void theOptionsFileBoundsTheHeap() {
    assertTrue(
        Daemons.SUPERVISOR_OPTIONS.stream().anyMatch(o -> o.startsWith("-Xmx")),
        Daemons.SUPERVISOR_OPTIONS.toString());
    assertTrue(Daemons.SUPERVISOR_OPTIONS.stream().noneMatch(o -> o.isBlank() || o.contains("#")));
  }

  @Test
  void anOptionIsKnownByWhatItSets() {
    assertEquals("-Xmx", Daemons.optionKey("-Xmx64m"));
    assertEquals("GC", Daemons.optionKey("-XX:+UseSerialGC"));
    assertEquals("GC", Daemons.optionKey("-XX:+UseG1GC"));
    assertEquals("TieredStopAtLevel", Daemons.optionKey("-XX:TieredStopAtLevel=1"));
    assertEquals("UseCompressedOops", Daemons.optionKey("-XX:-UseCompressedOops"));
    assertEquals("-Dio.netty.allocator.type", Daemons.optionKey("-Dio.netty.allocator.type=x"));
  }

  @Test
  void aDaemonGetsTheOptionsOverThisJvmsAndNoJavaFx() {
    List<String> command = Daemons.selfCommand(List.of("daemon"));
    int main = command.indexOf("dev.pmfx.Main");
    List<String> jvm = command.subList(0, main);
    assertTrue(jvm.containsAll(Daemons.SUPERVISOR_OPTIONS), jvm.toString());
    for (String option : Daemons.SUPERVISOR_OPTIONS) {
      String key = Daemons.optionKey(option);
      assertEquals(
          1, jvm.stream().filter(o -> Daemons.optionKey(o).equals(key)).count(), key + ": " + jvm);
    }
    assertFalse(jvm.stream().anyMatch(o -> o.startsWith("--module-path")), jvm.toString());
    assertEquals(List.of("daemon"), command.subList(main + 1, command.size()));
  }

  @Test
  void otherCommandsKeepThisJvmsOptions() {
    List<String> command = Daemons.selfCommand(List.of("list"));
    List<String> jvm = command.subList(0, command.indexOf("dev.pmfx.Main"));
    assertFalse(jvm.containsAll(Daemons.SUPERVISOR_OPTIONS), jvm.toString());
  }

  @Test
  void aDaemonUsesItsOwnClassCacheWhenThereIsOneAndATrainingRunsDaemonWritesIt(@TempDir Path dir)
      throws Exception {
    Path cache = dir.resolve("pmfx-daemon.aot");
    String before = System.getProperty("pmfx.daemonCache");
    try {
      System.clearProperty("pmfx.daemonCache");
      assertEquals(List.of(), Daemons.supervisorCache(), "none named");
      System.setProperty("pmfx.daemonCache", cache.toString());
      assertEquals(List.of(), Daemons.supervisorCache(), "none there");
      Files.writeString(cache, "");
      assertEquals(List.of("-XX:AOTCache=" + cache), Daemons.supervisorCache());
      List<String> command = Daemons.selfCommand(List.of("daemon"));
      assertTrue(command.contains("-XX:AOTCache=" + cache), command.toString());
      List<String> list = Daemons.selfCommand(List.of("list"));
      assertFalse(list.contains("-XX:AOTCache=" + cache), list.toString());
      System.setProperty("pmfx.aotTraining", "true");
      assertEquals(List.of("-XX:AOTCacheOutput=" + cache), Daemons.supervisorCache());
    } finally {
      System.clearProperty("pmfx.aotTraining");
      if (before == null) {
        System.clearProperty("pmfx.daemonCache");
      } else {
        System.setProperty("pmfx.daemonCache", before);
      }
    }
  }
}
