package dev.pmfx.supervisor;

import dev.pmfx.posix.Libc;
import dev.pmfx.posix.Signals;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A worker process started with {@code posix_spawn} ({@link Libc#spawn}): the leader of a session
 * of its own, every signal at its default, stdin, stdout and stderr on pipes (as PM2 starts its
 * workers, so {@code pm2 send} can write to stdin), and optionally one more descriptor (Node's IPC
 * channel) at 3. Java's {@link ProcessBuilder} cannot leave a descriptor above 2 open in a child,
 * which Node's channel needs.
 *
 * <p>pmfx reaps it itself: Java's process reaper waits for the end without reaping it ({@link
 * ProcessHandle#onExit} of a child pmfx did not start with {@code ProcessBuilder}), then {@code
 * waitpid} takes its exit status.
 */
final class SpawnedProcess extends PosixProcess {

  private static final int ENOEXEC = 8;

  private final long pid;

  private SpawnedProcess(
      long pid, ProcessHandle handle, OutputStream stdin, InputStream stdout, InputStream stderr) {
    super(pid, handle, stdin, stdout, stderr);
    this.pid = pid;
  }

  /**
   * Whether workers are started this way here: on Linux with glibc 2.34 or later, unless the system
   * property {@code pmfx.launch} is {@code java} (Java's own launch, as on other systems).
   */
  static boolean available() {
    return Libc.AVAILABLE && !"java".equals(System.getProperty("pmfx.launch"));
  }

  /**
   * Starts {@code command} (its first word an absolute path) in {@code cwd} with exactly {@code
   * environment}; {@code channel}, when not negative, is the child's descriptor 3. With {@code
   * hold}, the child also keeps pmfx's ends of its pipes and {@code ownChannel} (pmfx's end of its
   * channel, when not negative) open, as {@link HeldEnds} places them and names them in its
   * environment, so that it outlives pmfx.
   */
  static SpawnedProcess start(
      List<String> command,
      java.nio.file.Path cwd,
      Map<String, String> environment,
      int channel,
      boolean hold,
      int ownChannel)
      throws IOException {
    int[] in = Libc.pipe();
    int[] out;
    int[] err;
    try {
      out = Libc.pipe();
    } catch (IOException e) {
      closeAll(in);
      throw e;
    }
    try {
      err = Libc.pipe();
    } catch (IOException e) {
      closeAll(in, out);
      throw e;
    }
    OutputStream stdin = null;
    InputStream stdout = null;
    InputStream stderr = null;
    try {
      // Our own ends as Java streams (file reads and writes that virtual threads and interrupts
      // understand): opened again through /proc while the other ends are still open here, so
      // the open does not wait for a reader or a writer.
      stdin = new FileOutputStream("/proc/self/fd/" + in[1]);
      stdout = new FileInputStream("/proc/self/fd/" + out[0]);
      stderr = new FileInputStream("/proc/self/fd/" + err[0]);
      int[] stdio =
          channel >= 0
              ? new int[] {in[0], out[1], err[1], channel}
              : new int[] {in[0], out[1], err[1]};
      int[] fds = stdio;
      if (hold) {
        HeldEnds held = HeldEnds.from(stdio.length, ownChannel >= 0);
        fds = java.util.Arrays.copyOf(stdio, stdio.length + held.count());
        fds[held.out()] = out[0];
        fds[held.err()] = err[0];
        fds[held.in()] = in[1];
        if (ownChannel >= 0) {
          fds[held.channel().getAsInt()] = ownChannel;
        }
        environment = new java.util.LinkedHashMap<>(environment);
        environment.put(HeldEnds.VARIABLE, held.text());
      }
      String[] envp =
          environment.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .toArray(String[]::new);
      long pid;
      try {
        pid =
            Libc.spawn(
                command.getFirst(), command.toArray(String[]::new), envp, cwd.toString(), fds);
      } catch (Libc.Failure e) {
        if (e.errno != ENOEXEC) {
          throw e;
        }
        // A script without a #! line: the shell runs it, as execvp and Java's own launch do.
        List<String> shell = new java.util.ArrayList<>(command);
        shell.addFirst("/bin/sh");
        pid = Libc.spawn("/bin/sh", shell.toArray(String[]::new), envp, cwd.toString(), fds);
      }
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isEmpty()) {
        // Not listed although it is our child and not yet reaped: nothing can watch it, so it
        // does not run unwatched.
        Signals.send(pid, "SIGKILL");
        Libc.waitFor(pid);
        throw new IOException("process " + pid + " could not be watched as it started");
      }
      SpawnedProcess process = new SpawnedProcess(pid, handle.get(), stdin, stdout, stderr);
      handle.get().onExit().whenComplete((h, e) -> process.reap());
      return process;
    } catch (IOException | RuntimeException e) {
      closeQuietly(stdin);
      closeQuietly(stdout);
      closeQuietly(stderr);
      throw e;
    } finally {
      closeAll(in, out, err);
    }
  }

  private static void closeAll(int[]... pipes) {
    for (int[] pipe : pipes) {
      Libc.close(pipe[0]);
      Libc.close(pipe[1]);
    }
  }

  private static void closeQuietly(java.io.Closeable stream) {
    if (stream != null) {
      try {
        stream.close();
      } catch (IOException ignored) {
        // closing what never served, or a pipe nobody reads any more
      }
    }
  }

  private void reap() {
    int code;
    try {
      code = Libc.waitFor(pid);
    } catch (IOException e) {
      // Reaped elsewhere (cannot happen in pmfx); the end is known, its status is not.
      code = 255;
    }
    ended(code);
  }
}
