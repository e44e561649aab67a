package dev.pmfx.posix;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Map;

/**
 * Sends signals to processes by calling libc's {@code kill(2)} through the FFM API, so no {@code
 * kill} process is spawned per signal.
 */
public final class Signals {

  /** Signal numbers as Linux (x86, ARM) and macOS number them. */
  private static final Map<String, Integer> NUMBERS = linux() ? linuxNumbers() : bsdNumbers();

  private static Map<String, Integer> linuxNumbers() {
    String[] names = {
      "SIGHUP",
      "SIGINT",
      "SIGQUIT",
      "SIGILL",
      "SIGTRAP",
      "SIGABRT",
      "SIGBUS",
      "SIGFPE",
      "SIGKILL",
      "SIGUSR1",
      "SIGSEGV",
      "SIGUSR2",
      "SIGPIPE",
      "SIGALRM",
      "SIGTERM",
      "SIGSTKFLT",
      "SIGCHLD",
      "SIGCONT",
      "SIGSTOP",
      "SIGTSTP",
      "SIGTTIN",
      "SIGTTOU",
      "SIGURG",
      "SIGXCPU",
      "SIGXFSZ",
      "SIGVTALRM",
      "SIGPROF",
      "SIGWINCH",
      "SIGIO",
      "SIGPWR",
      "SIGSYS"
    };
    return numbered(names);
  }

  private static Map<String, Integer> bsdNumbers() {
    String[] names = {
      "SIGHUP",
      "SIGINT",
      "SIGQUIT",
      "SIGILL",
      "SIGTRAP",
      "SIGABRT",
      "SIGEMT",
      "SIGFPE",
      "SIGKILL",
      "SIGBUS",
      "SIGSEGV",
      "SIGSYS",
      "SIGPIPE",
      "SIGALRM",
      "SIGTERM",
      "SIGURG",
      "SIGSTOP",
      "SIGTSTP",
      "SIGCONT",
      "SIGCHLD",
      "SIGTTIN",
      "SIGTTOU",
      "SIGIO",
      "SIGXCPU",
      "SIGXFSZ",
      "SIGVTALRM",
      "SIGPROF",
      "SIGWINCH",
      "SIGINFO",
      "SIGUSR1",
      "SIGUSR2"
    };
    return numbered(names);
  }

  private static Map<String, Integer> numbered(String[] names) {
    Map<String, Integer> numbers = new java.util.LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      numbers.put(names[i], i + 1);
    }
    return Map.copyOf(numbers);
  }

  private static final MethodHandle KILL;
  private static final MethodHandle SIGNAL;

  static {
    Linker linker = Linker.nativeLinker();
    KILL =
        linker.downcallHandle(
            linker.defaultLookup().find("kill").orElseThrow(),
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    SIGNAL =
        linker.downcallHandle(
            linker.defaultLookup().find("signal").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
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

  /** Whether this system has a signal of that name. */
  public static boolean known(String signal) {
    return number(signal) > 0;
  }

  /**
   * Gives {@code signal} back its default disposition ({@code SIG_DFL}) in this process. The JVM
   * leaves a signal that was ignored when it started ignored, and will not handle it: a shell
   * starts a script's background job with SIGINT ignored, so Ctrl-C and {@code kill -INT} would not
   * reach a handler installed after this.
   */
  public static void restoreDefault(String signal) {
    int number = number(signal);
    if (number < 0) {
      throw new IllegalArgumentException("this system has no " + signal);
    }
    MemorySegment previous;
    try {
      previous = (MemorySegment) SIGNAL.invokeExact(number, MemorySegment.NULL);
    } catch (Throwable t) {
      throw new IllegalStateException("signal(" + signal + ", SIG_DFL) failed", t);
    }
    if (previous.address() == -1) { // SIG_ERR
      throw new IllegalStateException("signal(" + signal + ", SIG_DFL) failed");
    }
  }

  /** Sends {@code signal} to {@code pid}; false when the process is gone or not ours. */
  public static boolean send(long pid, String signal) {
    return kill(pid, signal);
  }

  /**
   * Sends {@code signal} to every process of the group {@code pgid} (a worker started as the leader
   * of its own group, and what it started); false when none is left.
   */
  public static boolean sendGroup(long pgid, String signal) {
    return pgid > 1 && kill(-pgid, signal);
  }

  private static boolean kill(long pid, String signal) {
    int number = number(signal);
    if (number < 0) {
      throw new IllegalArgumentException("this system has no " + signal);
    }
    try {
      return (int) KILL.invokeExact((int) pid, number) == 0;
    } catch (Throwable t) {
      throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed", t);
    }
  }
}
