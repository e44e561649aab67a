package dev.pmfx.daemon;

import dev.pmfx.home.PmfxHome;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where a pmfx home's daemon listens, and how a client reaches it, starting it when none runs. */
public final class Daemons {

  private Daemons() {}

  /** How long a client waits for a daemon it started to listen. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How often a client looks whether the daemon it started listens yet: a look is a failed connect,
   * and the daemon's first answer is what the first command waits for.
   */
  private static final long POLL_MILLIS = 10;

  /** The daemon's socket: in the home, which only its user may enter. */
  public static Path socket(PmfxHome home) {
    return home.dir().resolve("pmfx.sock");
  }

  /** The daemon's own output: what it says of itself and of the apps it recovered. */
  public static Path log(PmfxHome home) {
    return home.dir().resolve("daemon.log");
  }

  /** The daemon's state, kept as it changes; gone once a daemon ends cleanly. */
  static Path stateFile(PmfxHome home) {
    return home.dir().resolve("daemon.json");
  }

  /** What {@code pmfx save} writes and {@code pmfx resurrect} reads, as PM2's dump.pm2. */
  public static Path dumpFile(PmfxHome home) {
    return home.dir().resolve("dump.json");
  }

  /**
   * Creates the home when missing and makes it the user's alone (0700).
   *
   * @throws IOException when it belongs to another user, is writable by anyone, or cannot be made
   *     private
   */
  static Path privateHome(PmfxHome home) throws IOException {
    Path dir = Files.createDirectories(home.dir());
    checkOwned(dir);
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows keeps a user's profile folders private already
    }
    return dir;
  }

  /**
   * Whether the home is this user's, by user id (a container's user may have no name), and no other
   * user could have written in it: what is in it is run and signalled.
   */
  static void checkOwned(Path dir) throws IOException {
    int owner;
    int mode;
    try {
      owner = (int) Files.getAttribute(dir, "unix:uid");
      mode = (int) Files.getAttribute(dir, "unix:mode");
    } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
      return;
    }
    long me = new com.sun.security.auth.module.UnixSystem().getUid();
    if (owner != me) {
      throw new IOException(
          dir
              + " belongs to user "
              + Files.getOwner(dir).getName()
              + ", not to this one; set PMFX_HOME to a folder of yours");
    }
    if ((mode & 0002) != 0) {
      throw new IOException(
          dir
              + " is writable by every user (mode "
              + Integer.toOctalString(mode & 0777)
              + "): pmfx runs what it finds there; check its files, then chmod 700 it");
    }
  }

  /** The running daemon, when one answers on the home's socket. */
  public static Optional<RemoteEngine> connectIfRunning(PmfxHome home) {
    try {
      if (!Files.exists(socket(home))) {
        return Optional.empty(); // cheap: a window asks this while it starts
      }
      checkOwned(home.dir());
      return Optional.of(answering(home));
    } catch (IOException nobodyThere) {
      return Optional.empty();
    }
  }

  /**
   * The home's daemon, started first when none runs (in the background, in a session of its own, so
   * that closing the terminal or the window leaves it running), as PM2's CLI does.
   *
   * @throws IOException saying why no daemon could be reached, with the end of its log
   */
  public static RemoteEngine connectOrStart(PmfxHome home) throws IOException {
    return reachOrStart(home, () -> answering(home), RemoteEngine::startedIt);
  }

  /** One try at reaching a daemon: fails with an {@link IOException} when none answered. */
  interface Attempt<T> {
    T reach() throws IOException;
  }

  /**
   * What {@code attempt} gets from the home's daemon, starting one first when none answers it, as
   * {@link #connectOrStart} does; {@code started} is applied to what it gets from one it started.
   */
  static <T> T reachOrStart(
      PmfxHome home, Attempt<T> attempt, java.util.function.UnaryOperator<T> started)
      throws IOException {
    privateHome(home);
    try {
      return attempt.reach();
    } catch (NotOurs impostor) {
      throw impostor;
    } catch (IOException nobodyThere) {
      // start one
    }
    Spawned daemon = spawn(home);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    IOException last = null;
    int spawned = 1;
    while (System.nanoTime() < deadline) {
      try {
        T reached = attempt.reach();
        daemon.release();
        return started.apply(reached);
      } catch (NotOurs impostor) {
        daemon.release();
        throw impostor;
      } catch (IOException notYet) {
        last = notYet;
      }
      if (!daemon.process().isAlive()) {
        if (daemon.process().exitValue() != 0) {
          throw new IOException(
              "the pmfx daemon did not start (exit code "
                  + daemon.process().exitValue()
                  + "); "
                  + log(home)
                  + " ends with:\n"
                  + String.join("\n", dev.pmfx.logs.LogFile.lastLines(log(home), 10)));
        }
        if (spawned < 50) {
          // Another daemon held the home, and may be ending: once it is gone, one starts anew.
          daemon = spawn(home);
          spawned++;
        }
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the pmfx daemon started", e);
      }
    }
    throw new IOException(
        "the pmfx daemon did not listen on "
            + socket(home)
            + " within "
            + START_TIMEOUT.toSeconds()
            + " s (see "
            + log(home)
            + ")",
        last);
  }

  /**
   * The home's daemon, once it answered a ping: a daemon killed a moment ago may still have its
   * socket (its threads end after its main one), which takes a connection and then drops it.
   */
  private static RemoteEngine answering(PmfxHome home) throws IOException {
    RemoteEngine engine = RemoteEngine.connect(home);
    try {
      engine.daemon = engine.ping();
      return engine;
    } catch (RuntimeException dying) {
      engine.close();
      throw new IOException("the daemon on " + socket(home) + " did not answer", dying);
    }
  }

  /**
   * A daemon being started: its process, or the setsid that waits for it ({@code waiter}) and ends
   * with its exit code.
   */
  private record Spawned(Process process, boolean waiter) {
    /**
     * Ends the setsid that waits for a daemon which answered, never the daemon: the JVM's exit
     * waits up to 300 ms for a thread blocked in a native call, as the one that waits for a child
     * process is, and the daemon runs on.
     */
    void release() {
      if (waiter && process.isAlive()) {
        process.destroyForcibly(); // SIGKILL to setsid alone: the daemon is another process
        try {
          process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static Spawned spawn(PmfxHome home) throws IOException {
    List<String> command = new ArrayList<>();
    boolean setsid = new File("/usr/bin/setsid").canExecute();
    if (setsid) {
      // in a session of its own, as setsid's child, which setsid waits for (released once it
      // answers)
      command.addAll(List.of("/usr/bin/setsid", "--fork", "--wait"));
    }
    command.addAll(selfCommand(List.of("daemon")));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(home.dir().toFile()) // not the folder of whoever started it
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log(home).toFile()))
            .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("PMFX_HOME", home.dir().toString());
    // An installed launcher leaves this for a copy of itself it may start; pmfx-daemon, another
    // launcher, would read it as its own and fail ("Could not find or load main class daemon").
    env.remove("_JPACKAGE_LAUNCHER");
    return new Spawned(builder.start(), setsid);
  }

  /** The socket is served by another user: a client says nothing to it. */
  static final class NotOurs extends IOException {
    NotOurs(String message) {
      super(message);
    }
  }

  /**
   * Whether the other end of a connection runs as the home's owner; the daemon asks it of its
   * clients, a client of its daemon.
   *
   * @throws NotOurs when it does not
   */
  static void checkPeer(SocketChannel channel, Path home) throws IOException {
    java.nio.file.attribute.UserPrincipal peer;
    try {
      peer = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
    } catch (UnsupportedOperationException unknown) {
      return; // the home's mode keeps others out
    }
    java.nio.file.attribute.UserPrincipal owner = Files.getOwner(home);
    if (!peer.equals(owner)) {
      throw new NotOurs(
          "user " + peer.getName() + " is not " + owner.getName() + ", who owns " + home);
    }
  }

  /**
   * Holds the home for one engine: a daemon, or a window that runs its own. Empty when another
   * holds it.
   */
  public static Optional<java.nio.channels.FileLock> lock(PmfxHome home) throws IOException {
    java.nio.channels.FileChannel file =
        java.nio.channels.FileChannel.open(
            home.dir().resolve("daemon.lock"),
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE);
    try {
      java.nio.channels.FileLock lock = file.tryLock();
      if (lock == null) {
        file.close();
      }
      return Optional.ofNullable(lock);
    } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
      file.close();
      return Optional.empty();
    }
  }

  /** The commands whose JVM supervises workers, and gets {@link #SUPERVISOR_OPTIONS}. */
  static final java.util.Set<String> SUPERVISOR_ROLES = java.util.Set.of("daemon", "run");

  /**
   * The JVM options of the daemon and of {@code pmfx run}, from the resource {@code
   * daemon.jvm-options} (one a line, {@code #} comments), which bin/pmfx and the installer read
   * too: a small bounded heap and a JVM sized for a process that runs for weeks and mostly waits.
   * docs/benchmarks.md (Footprint) says what each gives.
   */
  public static final List<String> SUPERVISOR_OPTIONS = supervisorOptions();

  private static List<String> supervisorOptions() {
    try (java.io.InputStream in = Daemons.class.getResourceAsStream("daemon.jvm-options")) {
      if (in == null) {
        return List.of();
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .toList();
    } catch (IOException unreadable) {
      return List.of();
    }
  }

  /**
   * What an option sets, to tell which inherited option a role's option replaces: {@code -Xmx},
   * {@code -Xss}, the flag of {@code -XX:+Flag} or {@code -XX:Flag=1}, the property of {@code
   * -Dname=value}, the option of {@code --option=value}; a collector for any {@code -XX:+Use…GC}.
   */
  static String optionKey(String option) {
    for (String sized : List.of("-Xmx", "-Xms", "-Xss", "-Xmn")) {
      if (option.startsWith(sized)) {
        return sized;
      }
    }
    if (option.startsWith("-XX:")) {
      String flag = option.substring(4).replaceFirst("^[+-]", "").replaceFirst("=.*", "");
      return flag.matches("Use\\w*GC") ? "GC" : flag;
    }
    return option.replaceFirst("=.*", "");
  }

  /**
   * The command line that runs this pmfx again with {@code args}: the installed launcher, or this
   * JVM with its options and class path. For a supervising role ({@code daemon}, {@code run}: the
   * first of {@code args}) it is the installed daemon's launcher, else a JVM with {@link
   * #SUPERVISOR_OPTIONS} over this one's and without JavaFX (the installed runtime's when an
   * installed pmfx has no daemon launcher: the window's launcher has the window's options).
   */
  public static List<String> selfCommand(List<String> args) {
    List<String> command = new ArrayList<>();
    String launcher = System.getProperty("jpackage.app-path");
    boolean supervisor = !args.isEmpty() && SUPERVISOR_ROLES.contains(args.getFirst());
    Path runtimeJava = Path.of(System.getProperty("java.home"), "bin", "java");
    Optional<Path> daemonLauncher = daemonLauncher();
    if (supervisor && daemonLauncher.isPresent()) {
      command.add(daemonLauncher.get().toString());
    } else if (launcher != null
        && new File(launcher).canExecute()
        && !(supervisor && Files.isExecutable(runtimeJava))) {
      command.add(launcher);
    } else {
      command.add(
          launcher != null
              ? runtimeJava.toString() // the installed launcher's runtime
              : ProcessHandle.current().info().command().orElse(runtimeJava.toString()));
      java.util.Set<String> replaced = new java.util.HashSet<>();
      if (supervisor) {
        SUPERVISOR_OPTIONS.forEach(option -> replaced.add(optionKey(option)));
      }
      for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        // A debugger's port, a training run's cache, and a short command's quick start (C1
        // alone, the serial GC, its class cache) belong to this JVM, not to a daemon that runs
        // for weeks and balances requests; nor does the window's JavaFX, nor what the role's own
        // options set otherwise.
        if (!option.startsWith("-agentlib:jdwp")
            && !option.startsWith("-XX:AOTCache")
            && !option.startsWith("-XX:TieredStopAtLevel")
            && !option.equals("-XX:+UseSerialGC")
            && !option.startsWith("-Dpmfx.aotTraining")
            && !(supervisor && javafx(option))
            && !replaced.contains(optionKey(option))) {
          command.add(option);
        }
      }
      if (supervisor) {
        command.addAll(SUPERVISOR_OPTIONS);
        command.addAll(supervisorCache());
      }
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add("dev.pmfx.Main");
    }
    command.addAll(args);
    return command;
  }

  /**
   * The daemon's own class cache (Java 25's AOT cache), which bin/pmfx names to its commands with
   * {@code -Dpmfx.daemonCache}: a daemon that a command starts uses it when it is there, and the
   * one that bin/pmfx's training run ({@code -Dpmfx.aotTraining}) starts writes it as it ends. It
   * holds the classes the daemon loads from jars on its way to its first answers, linked, as the
   * command's own cache does for the command (whose JVM options the daemon shares but for the heap,
   * which the cache's classes do not depend on). None for an installed pmfx: its daemon launcher
   * would need a cache of its own, trained on its own class path.
   */
  static List<String> supervisorCache() {
    String cache = System.getProperty("pmfx.daemonCache", "");
    if (cache.isBlank()) {
      return List.of();
    }
    if (Boolean.getBoolean("pmfx.aotTraining")) {
      return List.of("-XX:AOTCacheOutput=" + cache);
    }
    return Files.isRegularFile(Path.of(cache)) ? List.of("-XX:AOTCache=" + cache) : List.of();
  }

  /**
   * The installed daemon's launcher, beside the window's: {@code pmfx-daemon}, whose JVM options
   * are {@link #SUPERVISOR_OPTIONS} (the installer writes them into it).
   */
  static Optional<Path> daemonLauncher() {
    String launcher = System.getProperty("jpackage.app-path");
    if (launcher == null) {
      return Optional.empty();
    }
    Path app = Path.of(launcher);
    String name = app.getFileName().toString();
    Path daemon = app.resolveSibling(name.endsWith(".exe") ? "pmfx-daemon.exe" : "pmfx-daemon");
    return Files.isExecutable(daemon) ? Optional.of(daemon) : Optional.empty();
  }

  /**
   * The command a startup unit runs the daemon with, {@code daemon} and its options to follow: the
   * installed daemon launcher ({@code pmfx-daemon}, on the daemon's options), whose path outlives
   * an upgrade; else the installed window's launcher; else the JVM on the daemon's options, as
   * {@link #selfCommand} starts it.
   */
  public static List<String> unitCommand() {
    Optional<Path> daemonLauncher = daemonLauncher();
    if (daemonLauncher.isPresent()) {
      return List.of(daemonLauncher.get().toString());
    }
    String launcher = System.getProperty("jpackage.app-path");
    if (launcher != null && new File(launcher).canExecute()) {
      return List.of(launcher);
    }
    List<String> command = selfCommand(List.of("daemon"));
    return List.copyOf(command.subList(0, command.size() - 1));
  }

  /** Whether a JVM option is there for JavaFX alone, which a supervisor does without. */
  private static boolean javafx(String option) {
    return option.startsWith("--module-path")
        || option.startsWith("--add-modules")
        || option.startsWith("--add-exports=javafx")
        || option.equals("--enable-native-access=javafx.graphics");
  }

  static SocketChannel open(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
      return channel;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }
}
