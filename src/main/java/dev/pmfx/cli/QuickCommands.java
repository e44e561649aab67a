package dev.pmfx.cli;

import dev.pmfx.daemon.Bridge;
import dev.pmfx.daemon.DaemonViews;
import dev.pmfx.home.PmfxHome;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code pmfx list}, {@code jlist} and {@code ping} typed alone, answered before picocli and
 * Jackson load: the daemon draws what they print ({@link DaemonViews}; started when none runs), and
 * loading and setting up those two took most of such a command's time. With options, or when the
 * daemon is of another version, cannot start or says no, the command line goes to {@link
 * PmfxCommand} as any other. {@code pmfx daemon} and {@code pmfx bridge} run without picocli as
 * well.
 */
public final class QuickCommands {

  private QuickCommands() {}

  /** The commands (with their aliases, as {@link InfoCommands} names them) and their views. */
  static final Map<String, String> VIEWS =
      Map.of(
          "list", "list", "ls", "list", "l", "list", "ps", "list", "status", "list", "jlist",
          "jlist", "ping", "ping");

  /** The exit code of the command line when it was answered here; empty when it was not. */
  public static OptionalInt run(String[] args, PrintStream out) {
    if (args.length >= 1
        && args[0].equals("daemon")
        && (args.length == 1 || args.length == 2 && args[1].equals("--resurrect"))) {
      return OptionalInt.of(daemon(args.length == 2));
    }
    if (args.length >= 1
        && args[0].equals("bridge")
        && (args.length == 1 || args.length == 2 && args[1].equals("--running"))) {
      return OptionalInt.of(Bridge.run(PmfxHome.current(), args.length == 2));
    }
    String view = args.length == 1 ? VIEWS.get(args[0]) : null;
    if (view == null) {
      return OptionalInt.empty();
    }
    // a host's daemon draws it too, over ssh and its bridge (HostOptions)
    Optional<String> text =
        HostOptions.host()
            .map(host -> host.view(view))
            .orElseGet(() -> DaemonViews.askOrStart(PmfxHome.current(), view));
    if (text.isEmpty()) {
      return OptionalInt.empty();
    }
    // in the default charset (UTF-8), as picocli prints the whole command's, not in stdout.encoding
    out.writeBytes(text.get().getBytes(java.nio.charset.Charset.defaultCharset()));
    out.flush();
    return OptionalInt.of(Client.OK);
  }

  /**
   * {@code pmfx daemon [--resurrect]}, which a client starts and then waits for: building the whole
   * command line first took it most of the time to its socket.
   */
  private static int daemon(boolean resurrect) {
    // SLF4J set up before any library thread logs, as Main does for the other commands.
    org.slf4j.LoggerFactory.getILoggerFactory();
    java.nio.charset.Charset charset = java.nio.charset.Charset.defaultCharset(); // as picocli
    java.io.PrintWriter out =
        new java.io.PrintWriter(new java.io.OutputStreamWriter(System.out, charset), true);
    java.io.PrintWriter err =
        new java.io.PrintWriter(new java.io.OutputStreamWriter(System.err, charset), true);
    try {
      return InfoCommands.Daemon.serve(resurrect, out, err);
    } catch (Exception e) {
      try {
        return PmfxCommand.exitCode(e, err);
      } catch (Exception uncaught) {
        uncaught.printStackTrace(err);
        err.flush();
        return Client.FAILED;
      }
    }
  }
}
