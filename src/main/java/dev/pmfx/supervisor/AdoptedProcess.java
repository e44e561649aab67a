package dev.pmfx.supervisor;

import dev.pmfx.posix.Descriptors;
import dev.pmfx.posix.Libc;
import dev.pmfx.posix.ProcFs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;

/**
 * A worker that a daemon before this one started and that outlived it: not this process's child, so
 * it is held by a pidfd, which tells its end, and {@code PIDFD_GET_INFO} its exit status once
 * whoever it now belongs to (init) reaped it. Its output is read from the pipe ends it kept for
 * pmfx ({@link HeldEnds}), from where the dead daemon stopped reading: what it wrote in between
 * waited in the pipe.
 *
 * <p>Its pipes' ends are copies taken with {@code pidfd_getfd} ({@link #take}).
 */
final class AdoptedProcess extends PosixProcess {

  /**
   * How long an ended process's exit status is waited for: Linux gives it once whoever the process
   * now belongs to (init) reaped it, which some inits do only now and then.
   */
  private static final Duration REAPED = Duration.ofSeconds(5);

  private final long pid;
  private final int pidfd;

  private AdoptedProcess(
      long pid,
      ProcessHandle handle,
      int pidfd,
      OutputStream stdin,
      InputStream stdout,
      InputStream stderr) {
    super(pid, handle, stdin, stdout, stderr);
    this.pid = pid;
    this.pidfd = pidfd;
  }

  /**
   * The process {@code pid}, if it still is the one that started at {@code startedAt} and keeps
   * {@code held}.
   *
   * @throws IOException saying why it cannot be adopted
   */
  static AdoptedProcess adopt(long pid, Instant startedAt, HeldEnds held) throws IOException {
    if (!Libc.PIDFDS) {
      throw new IOException("this system cannot hold a process by descriptor (pidfd)");
    }
    int pidfd = Libc.pidfdOpen(pid);
    try {
      // Opened first, checked after: from here on the pid cannot name another process.
      ProcessHandle handle =
          ProcessHandle.of(pid).orElseThrow(() -> new IOException("process " + pid + " ended"));
      if (!ProcFs.startedAt(handle, startedAt)) {
        throw new IOException(
            "process "
                + pid
                + " started at "
                + handle.info().startInstant().map(Instant::toString).orElse("an unknown time")
                + ", not at "
                + startedAt);
      }
      // What the numbers name now: the pipe ends it was given, unless it closed and reused them.
      expect(pid, held.out(), "pipe:", 0);
      expect(pid, held.err(), "pipe:", 0);
      expect(pid, held.in(), "pipe:", 1);
      // Copies of the ends it kept, not opened again through /proc: an open of a pipe whose
      // other end is gone would wait for one.
      int out = Libc.pidfdGetfd(pidfd, held.out());
      int err = -1;
      int in = -1;
      try {
        err = Libc.pidfdGetfd(pidfd, held.err());
        in = Libc.pidfdGetfd(pidfd, held.in());
      } catch (IOException e) {
        Libc.close(out);
        Libc.close(err);
        throw e;
      }
      AdoptedProcess process =
          new AdoptedProcess(
              pid,
              handle,
              pidfd,
              Descriptors.output(in),
              Descriptors.input(out),
              Descriptors.input(err));
      return process;
    } catch (IOException | RuntimeException e) {
      Libc.close(pidfd);
      throw e;
    }
  }

  /**
   * Checks that the process's descriptor {@code fd} is a {@code kind} ({@code pipe:}, {@code
   * socket:}) open for {@code access} (0 reading, 1 writing, 2 both), as pmfx left it.
   *
   * @throws IOException when it is something else now
   */
  static void expect(long pid, int fd, String kind, int access) throws IOException {
    java.nio.file.Path proc = java.nio.file.Path.of("/proc", String.valueOf(pid));
    String target = java.nio.file.Files.readSymbolicLink(proc.resolve("fd/" + fd)).toString();
    int flags =
        java.nio.file.Files.readAllLines(proc.resolve("fdinfo/" + fd)).stream()
            .filter(line -> line.startsWith("flags:"))
            .mapToInt(line -> Integer.parseInt(line.substring(6).strip(), 8))
            .findFirst()
            .orElse(-1);
    if (!target.startsWith(kind) || (flags & 3) != access) {
      throw new IOException(
          "its descriptor " + fd + " is no longer the one pmfx left there (" + target + ")");
    }
  }

  /**
   * A copy of descriptor {@code fd} of the process (the channel end it kept for pmfx).
   *
   * @throws IOException when it cannot be taken
   */
  int take(int fd) throws IOException {
    return Libc.pidfdGetfd(pidfd, fd);
  }

  /** Closes the pidfd, once, whoever asks first. */
  private void closePidfd() {
    if (pidfdOpen.compareAndSet(true, false)) {
      Libc.close(pidfd);
    }
  }

  private final java.util.concurrent.atomic.AtomicBoolean pidfdOpen =
      new java.util.concurrent.atomic.AtomicBoolean(true);

  /**
   * Lets go of a process that is not taken over after all, before {@link #watch}: what it keeps for
   * pmfx stays.
   */
  void release() {
    closePidfd();
    try {
      getOutputStream().close();
      getInputStream().close();
      getErrorStream().close();
    } catch (IOException ignored) {
      // copies of descriptors: closing them cannot fail in a way that matters
    }
  }

  /** Watches for its end from now on, which {@link #onExit} tells. */
  void watch() {
    Thread.ofPlatform()
        .daemon()
        .stackSize(128 * 1024)
        .name("pmfx-adopted-" + pid)
        .start(this::awaitEnd);
  }

  private void awaitEnd() {
    int code = UNKNOWN;
    try {
      Libc.awaitReadable(pidfd);
      long deadline = System.nanoTime() + (Libc.EXIT_INFO ? REAPED.toNanos() : 0);
      OptionalInt status = Libc.exitStatus(pidfd);
      while (status.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
        status = Libc.exitStatus(pidfd);
      }
      // Unknown (not reaped in time, or a Linux that does not tell): an end nobody asked for
      code = status.orElse(UNKNOWN);
    } catch (IOException | InterruptedException e) {
      // the end is known, its status is not
    } finally {
      closePidfd();
      ended(code);
    }
  }

  /** The exit code of an adopted process whose exit status could not be learnt. */
  static final int UNKNOWN = -1;
}
