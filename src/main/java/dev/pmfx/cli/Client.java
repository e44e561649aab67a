package dev.pmfx.cli;

import dev.pmfx.daemon.Daemons;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.daemon.SshHost;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Target;
import dev.pmfx.home.PmfxHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;

/**
 * What the daemon's CLI commands share: reaching the daemon, and what their exit codes mean.
 *
 * <p>Exit codes: 0 done; 1 the command failed for an app or target (each named on stderr); 2 the
 * command line was wrong; 3 no daemon could be reached or started.
 */
final class Client {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int UNREACHABLE = 3;

  /** A command line that cannot run as given, as picocli's own usage errors end. */
  static final int USAGE = 2;

  private Client() {}

  /** No daemon could be reached; the command line ends with {@link #UNREACHABLE}. */
  static final class Unreachable extends RuntimeException {
    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The home's daemon, started when none runs. A daemon of another pmfx version (left running
   * across an upgrade) is used, with a warning on {@code err}, as PM2 warns of its in-memory one.
   */
  static RemoteEngine connect(PrintWriter err) {
    java.util.Optional<SshHost> host = HostOptions.host();
    RemoteEngine engine;
    if (host.isPresent()) {
      try {
        engine = host.get().connect();
      } catch (IOException | IllegalArgumentException e) {
        throw new Unreachable(
            "pmfx: cannot reach the daemon on " + host.get().destination() + ": " + e.getMessage(),
            e);
      }
    } else {
      PmfxHome home = PmfxHome.current();
      try {
        engine = Daemons.connectOrStart(home);
      } catch (IOException e) {
        throw new Unreachable(
            "pmfx: cannot reach the daemon for " + home.dir() + ": " + e.getMessage(), e);
      }
    }
    warnOfVersion(engine, err);
    return engine;
  }

  /**
   * The running daemon, here or on the host ({@link HostOptions}); empty when none runs there.
   *
   * @throws Unreachable when the host could not be asked
   */
  static java.util.Optional<RemoteEngine> connectIfRunning(PrintWriter err) {
    java.util.Optional<SshHost> host = HostOptions.host();
    if (host.isEmpty()) {
      return Daemons.connectIfRunning(PmfxHome.current());
    }
    try {
      java.util.Optional<RemoteEngine> running = host.get().connectIfRunning();
      running.ifPresent(engine -> warnOfVersion(engine, err));
      return running;
    } catch (IOException | IllegalArgumentException e) {
      throw new Unreachable(
          "pmfx: cannot reach the daemon on " + host.get().destination() + ": " + e.getMessage(),
          e);
    }
  }

  /** Where the daemon's commands go, as a command's words name it: its home, or the host. */
  static String where() {
    return HostOptions.host()
        .map(h -> "on " + h.destination())
        .orElseGet(() -> "for " + PmfxHome.current().dir());
  }

  /** Whether the daemon's commands go to a host over ssh, whose files are not this machine's. */
  static boolean remote() {
    return HostOptions.host().isPresent();
  }

  private static void warnOfVersion(RemoteEngine engine, PrintWriter err) {
    String version = engine.daemon().version();
    if (!version.equals(dev.pmfx.home.Version.current())) {
      err.println(
          "pmfx: the daemon "
              + (remote() ? where() + " " : "")
              + "runs pmfx "
              + version
              + ", this is pmfx "
              + dev.pmfx.home.Version.current()
              + "; 'pmfx update' starts this one's with the same apps");
      err.flush();
    }
  }

  /** Prints the result's problems, each naming its app; 0 when there were none, else 1. */
  static int report(PrintWriter err, CommandResult result) {
    for (CommandResult.Problem problem : result.problems()) {
      err.println("pmfx: " + problem.app() + ": " + problem.message());
    }
    err.flush();
    return result.ok() ? OK : FAILED;
  }

  /** Waits for a command's result (a reload may take minutes: it has no time limit here). */
  static CommandResult await(CompletableFuture<CommandResult> command) {
    return command.join();
  }

  /**
   * Waits, as {@code pm2 start} does before its table, until no worker is launching or waiting to
   * be ready: online, or failed, or stopped. A worker still waiting when its app's listen_timeout
   * (and 2 s more) ran out is shown as it is.
   */
  static void awaitSettled(dev.pmfx.engine.Engine engine) {
    java.util.List<dev.pmfx.engine.AppStatus> apps = engine.snapshot();
    long patience =
        apps.stream().mapToLong(a -> a.spec().listenTimeout().toMillis()).max().orElse(0) + 2_000;
    long deadline =
        System.nanoTime() + java.time.Duration.ofMillis(Math.min(patience, 60_000)).toNanos();
    while (apps.stream()
            .flatMap(a -> a.workers().stream())
            .anyMatch(
                w ->
                    w.state() == dev.pmfx.engine.WorkerState.LAUNCHING
                        || w.state() == dev.pmfx.engine.WorkerState.WAITING_READY)
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      apps = engine.snapshot();
    }
  }

  /** Says that {@code target} names nothing the daemon knows; 1, as a failed command's code. */
  static int unknownTarget(PrintWriter err, String target) {
    err.println("pmfx: " + target + ": no app, worker id or namespace '" + target + "'");
    err.flush();
    return FAILED;
  }

  static boolean isWorkerTarget(String text) {
    return Target.parse(text) instanceof Target.WorkerId;
  }
}
