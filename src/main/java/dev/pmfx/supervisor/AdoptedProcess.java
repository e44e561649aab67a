package dev.pmfx.supervisor;

import dev.pmfx.posix.Descriptors;
import dev.pmfx.posix.Libc;
import dev.pmfx.posix.Signals;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker that a daemon before this one started and that outlived it: not this process's child, so
 * it is held by a pidfd, which tells its end, and {@code PIDFD_GET_INFO} its exit status once
 * whoever it now belongs to (init) reaped it. Its output is read from the pipe ends it kept for
 * pmfx ({@link HeldEnds}), from where the dead daemon stopped reading: what it wrote in between
 * waited in the pipe.
 *
 * <p>Its pipes' ends are copies taken with {@code pidfd_getfd} ({@link #take}).
 */
final class AdoptedProcess extends Process {

  /** How long an ended process's exit status is waited for, as init reaps it. */
  private static final Duration REAPED = Duration.ofSeconds(1);

  private final long pid;
  private final ProcessHandle handle;
  private final int pidfd;
  private final OutputStream stdin;
  private final InputStream stdout;
  private final InputStream stderr;
  private final CompletableFuture<Process> exit = new CompletableFuture<>();
  private volatile int exitCode = -1;

  private AdoptedProcess(
      long pid,
      ProcessHandle handle,
      int pidfd,
      OutputStream stdin,
      InputStream stdout,
      InputStream stderr) {
    this.pid = pid;
    this.handle = handle;
    this.pidfd = pidfd;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * The process {@code pid}, if it still is the one that started at {@code startedAt} (within
   * {@code sameStart}) and keeps {@code held}.
   *
   * @throws IOException saying why it cannot be adopted
   */
  static AdoptedProcess adopt(long pid, Instant startedAt, Duration sameStart, HeldEnds held)
      throws IOException {
    if (!Libc.PIDFDS) {
      throw new IOException("this system cannot hold a process by descriptor (pidfd)");
    }
    int pidfd = Libc.pidfdOpen(pid);
    try {
      // Opened first, checked after: from here on the pid cannot name another process.
      ProcessHandle handle =
          ProcessHandle.of(pid).orElseThrow(() -> new IOException("process " + pid + " ended"));
      Instant started =
          handle
              .info()
              .startInstant()
              .orElseThrow(() -> new IOException("process " + pid + " has no start time"));
      if (Duration.between(started, startedAt).abs().compareTo(sameStart) >= 0) {
        throw new IOException(
            "process " + pid + " started at " + started + ", not at " + startedAt);
      }
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
   * A copy of descriptor {@code fd} of the process (the channel end it kept for pmfx).
   *
   * @throws IOException when it cannot be taken
   */
  int take(int fd) throws IOException {
    return Libc.pidfdGetfd(pidfd, fd);
  }

  /** Lets go of a process that is not taken over after all: what it keeps for pmfx stays. */
  void release() {
    Libc.close(pidfd);
    try {
      stdin.close();
      stdout.close();
      stderr.close();
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
    try {
      Libc.awaitReadable(pidfd);
      long deadline = System.nanoTime() + REAPED.toNanos();
      OptionalInt status = Libc.exitStatus(pidfd);
      while (status.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
        status = Libc.exitStatus(pidfd);
      }
      // Unknown (not reaped in time, or a Linux without PIDFD_INFO_EXIT): an end nobody asked for
      exitCode = status.orElse(UNKNOWN);
    } catch (IOException | InterruptedException e) {
      exitCode = UNKNOWN;
    } finally {
      Libc.close(pidfd);
      try {
        stdin.close();
      } catch (IOException ignored) {
        // a pipe nobody reads any more
      }
      exit.complete(this);
    }
  }

  /** The exit code of an adopted process whose exit status could not be learnt. */
  static final int UNKNOWN = -1;

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public ProcessHandle toHandle() {
    return handle;
  }

  @Override
  public OutputStream getOutputStream() {
    return stdin;
  }

  @Override
  public InputStream getInputStream() {
    return stdout;
  }

  @Override
  public InputStream getErrorStream() {
    return stderr;
  }

  @Override
  public CompletableFuture<Process> onExit() {
    return exit.copy();
  }

  @Override
  public boolean isAlive() {
    return !exit.isDone();
  }

  @Override
  public int waitFor() throws InterruptedException {
    try {
      exit.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    return exitCode;
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      exit.get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public int exitValue() {
    if (!exit.isDone()) {
      throw new IllegalThreadStateException("process " + pid + " has not exited");
    }
    return exitCode;
  }

  @Override
  public void destroy() {
    Signals.send(pid, "SIGTERM");
  }

  @Override
  public Process destroyForcibly() {
    Signals.send(pid, "SIGKILL");
    return this;
  }

  @Override
  public boolean supportsNormalTermination() {
    return true;
  }

  @Override
  public String toString() {
    return "AdoptedProcess[pid="
        + pid
        + ", exitValue="
        + (isAlive() ? "not exited" : exitCode)
        + "]";
  }
}
