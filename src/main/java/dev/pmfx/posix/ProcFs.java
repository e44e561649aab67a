package dev.pmfx.posix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What Linux's {@code /proc} tells of another process: its environment and when it started. */
public final class ProcFs {

  private ProcFs() {}

  /** How far a process's start may lie from the one recorded for it and still be the same. */
  public static final java.time.Duration SAME_START = java.time.Duration.ofSeconds(2);

  /** Whether {@code process} is the one recorded as started at {@code recorded}. */
  public static boolean startedAt(ProcessHandle process, java.time.Instant recorded) {
    return process
        .info()
        .startInstant()
        .map(t -> java.time.Duration.between(t, recorded).abs().compareTo(SAME_START) < 0)
        .orElse(false);
  }

  /**
   * The environment process {@code pid} started with; empty when it is not ours to read, or gone.
   */
  public static Map<String, String> environment(long pid) {
    Map<String, String> env = new LinkedHashMap<>();
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "environ"));
      for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
          env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
      }
    } catch (IOException | RuntimeException notOurs) {
      // another user's, or gone
    }
    return env;
  }
}
