package dev.pmfx.daemon;

import dev.pmfx.PmfxHome;
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
   * @throws IOException when it belongs to another user, or cannot be made private
   */
  static Path privateHome(PmfxHome home) throws IOException {
    Path dir = Files.createDirectories(home.dir());
    try {
      String owner = Files.getOwner(dir).getName();
      String me = System.getProperty("user.name");
      if (!owner.equals(me)) {
        throw new IOException(
            dir
                + " belongs to "
                + owner
                + ", not to "
                + me
                + "; set PMFX_HOME to a folder of yours");
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows keeps a user's profile folders private already
    }
    return dir;
  }

  /** The running daemon, when one answers on the home's socket. */
  public static Optional<RemoteEngine> connectIfRunning(PmfxHome home) {
    try {
      return Optional.of(RemoteEngine.connect(socket(home)));
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
    Optional<RemoteEngine> running = connectIfRunning(home);
    if (running.isPresent()) {
      return running.get();
    }
    privateHome(home);
    Path log = log(home);
    List<String> command = new ArrayList<>();
    if (new File("/usr/bin/setsid").canExecute()) {
      command.add("/usr/bin/setsid");
    }
    command.addAll(selfCommand(List.of("daemon")));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("PMFX_HOME", home.dir().toString());
    Process daemon = builder.start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try {
        return RemoteEngine.connect(socket(home));
      } catch (IOException notYet) {
        last = notYet;
      }
      if (!daemon.isAlive() && daemon.exitValue() != 0) {
        throw new IOException(
            "the pmfx daemon did not start (exit code "
                + daemon.exitValue()
                + "); "
                + log
                + " ends with:\n"
                + String.join("\n", dev.pmfx.logs.LogFile.lastLines(log, 10)));
      }
      try {
        Thread.sleep(50);
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
            + log
            + ")",
        last);
  }

  /**
   * The command line that runs this pmfx again with {@code args}: the installed launcher, or this
   * JVM with its options and class path.
   */
  public static List<String> selfCommand(List<String> args) {
    List<String> command = new ArrayList<>();
    String launcher = System.getProperty("jpackage.app-path");
    if (launcher != null && new File(launcher).canExecute()) {
      command.add(launcher);
    } else {
      command.add(
          ProcessHandle.current()
              .info()
              .command()
              .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        // A debugger's port, a training run's cache, and a short command's quick start (C1
        // alone, the serial GC, its class cache) belong to this JVM, not to a daemon that runs
        // for weeks and balances requests.
        if (!option.startsWith("-agentlib:jdwp")
            && !option.startsWith("-XX:AOTCache")
            && !option.startsWith("-XX:TieredStopAtLevel")
            && !option.equals("-XX:+UseSerialGC")
            && !option.startsWith("-Dpmfx.aotTraining")) {
          command.add(option);
        }
      }
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add("dev.pmfx.Main");
    }
    command.addAll(args);
    return command;
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
