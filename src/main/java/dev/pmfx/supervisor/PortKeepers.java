package dev.pmfx.supervisor;

import dev.pmfx.posix.Libc;
import dev.pmfx.posix.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A daemon's cluster apps' listening sockets, each kept open by a process that does nothing else
 * ({@code sleep infinity} with the socket as its descriptor 3), as systemd's fd store keeps a
 * service's: when the daemon dies the port stays open, and connections wait in its backlog instead
 * of being refused, until the next daemon takes the socket back from the keeper ({@code
 * pidfd_getfd}) and accepts them. A keeper names its app and port in {@link #VARIABLE}, and its
 * home and daemon as a worker does; one that is not taken back is an orphan like any other.
 */
final class PortKeepers {

  /** The variable that names a keeper's app and port: {@code app:port}. */
  static final String VARIABLE = "PMFX_KEEPS_PORT";

  private static final int KEPT_FD = 3;

  /** A socket taken back from a keeper of a daemon before this one. */
  record Kept(int fd, int port, long keeper) {}

  private final Path home;

  /** By {@code app:port}: an app that moved ports may have had a keeper for each. */
  private final Map<String, Kept> taken = new HashMap<>();

  PortKeepers(Path home) {
    this.home = home;
  }

  /**
   * Starts a keeper for the listening socket {@code fd} of {@code app}'s {@code port}.
   *
   * @return its pid
   */
  long keep(int fd, String app, int port) throws IOException {
    String[] env = {
      "PMFX_HOME=" + home,
      "PMFX_SUPERVISOR=" + ProcessHandle.current().pid(),
      VARIABLE + "=" + app + ":" + port
    };
    return Libc.spawn(
        "/bin/sleep", new String[] {"sleep", "infinity"}, env, "/", new int[] {-1, -1, -1, fd});
  }

  /** Ends a keeper: the socket closes with it unless another process holds it. */
  static void end(long keeper) {
    Signals.send(keeper, "SIGKILL");
    Thread.startVirtualThread(
        () -> {
          try {
            Libc.waitFor(keeper); // this daemon's child: reaped here
          } catch (IOException notMine) {
            // a keeper taken over from a daemon before: init reaps it
          }
        });
  }

  /**
   * Takes back the sockets that keepers of a daemon before this one hold for {@code apps}, every
   * port of each; the keepers run on, now this daemon's, until the port closes (those of ports no
   * app opens again with {@link #dropUnused}).
   *
   * @return the pids of the keepers taken over
   */
  List<Long> takeBack(java.util.Set<String> apps) {
    if (!Libc.PIDFDS || !Files.isDirectory(Path.of("/proc/self"))) {
      return List.of();
    }
    List<Long> keepers = new java.util.ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              Map<String, String> env = dev.pmfx.posix.ProcFs.environment(p.pid());
              String keeps = env.get(VARIABLE);
              if (keeps == null || !home.toString().equals(env.get("PMFX_HOME"))) {
                return;
              }
              int colon = keeps.lastIndexOf(':');
              String app = keeps.substring(0, Math.max(0, colon));
              if (colon < 0 || !apps.contains(app) || taken.containsKey(keeps)) {
                return;
              }
              try {
                int pidfd = Libc.pidfdOpen(p.pid());
                try {
                  int fd = Libc.pidfdGetfd(pidfd, KEPT_FD);
                  taken.put(
                      keeps, new Kept(fd, Integer.parseInt(keeps.substring(colon + 1)), p.pid()));
                  keepers.add(p.pid());
                } finally {
                  Libc.close(pidfd);
                }
              } catch (IOException | NumberFormatException gone) {
                // ended meanwhile, or not a keeper after all: its app binds its port again
              }
            });
    return keepers;
  }

  /** The socket taken back for {@code app}'s {@code port}, once; empty when there is none. */
  Optional<Kept> take(String app, int port) {
    return Optional.ofNullable(taken.remove(app + ":" + port));
  }

  /** Closes what was taken back and not used, and ends its keepers: the ports close. */
  void dropUnused() {
    taken
        .values()
        .forEach(
            k -> {
              Libc.close(k.fd());
              end(k.keeper());
            });
    taken.clear();
  }
}
