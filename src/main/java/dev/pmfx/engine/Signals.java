package dev.pmfx.engine;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Map;

/**
 * Sends signals to processes by calling libc's {@code kill(2)} through the FFM API, so no {@code
 * kill} process is spawned per signal.
 */
public final class Signals {

  /** POSIX numbers, the same on Linux and macOS for these. */
  private static final Map<String, Integer> NUMBERS =
      Map.ofEntries(
          Map.entry("SIGHUP", 1),
          Map.entry("SIGINT", 2),
          Map.entry("SIGQUIT", 3),
          Map.entry("SIGABRT", 6),
          Map.entry("SIGKILL", 9),
          Map.entry("SIGUSR1", linux() ? 10 : 30),
          Map.entry("SIGUSR2", linux() ? 12 : 31),
          Map.entry("SIGALRM", 14),
          Map.entry("SIGTERM", 15),
          Map.entry("SIGCONT", linux() ? 18 : 19),
          Map.entry("SIGSTOP", linux() ? 19 : 17),
          Map.entry("SIGTSTP", linux() ? 20 : 18),
          Map.entry("SIGWINCH", 28));

  private static final MethodHandle KILL;

  static {
    Linker linker = Linker.nativeLinker();
    KILL =
        linker.downcallHandle(
            linker.defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  }

  private Signals() {}

  private static boolean linux() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
  }

  /** The number of a signal named as configs name it ({@code SIGINT}); -1 when unknown here. */
  public static int number(String name) {
    return NUMBERS.getOrDefault(name.toUpperCase(Locale.ROOT), -1);
  }

  /** The name of a signal number, for "killed by SIGTERM"; {@code signal N} when unknown. */
  public static String name(int number) {
    return NUMBERS.entrySet().stream()
        .filter(e -> e.getValue() == number)
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse("signal " + number);
  }

  /** Sends {@code signal} to {@code pid}; false when the process is gone or not ours. */
  public static boolean send(long pid, String signal) {
    int number = number(signal);
    if (number < 0) {
      throw new IllegalArgumentException("pmfx cannot send " + signal);
    }
    try {
      return (int) KILL.invokeExact((int) pid, number) == 0;
    } catch (Throwable t) {
      throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed", t);
    }
  }
}
