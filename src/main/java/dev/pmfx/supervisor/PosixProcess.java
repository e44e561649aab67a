package dev.pmfx.supervisor;

import dev.pmfx.posix.Signals;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker's process that pmfx holds itself rather than through {@link ProcessBuilder}: one it
 * started ({@link SpawnedProcess}) or one a daemon before it started ({@link AdoptedProcess}). Each
 * learns its end its own way and says so with {@link #ended}.
 */
abstract sealed class PosixProcess extends Process permits SpawnedProcess, AdoptedProcess {

  private final long pid;
  private final ProcessHandle handle;
  private final OutputStream stdin;
  private final InputStream stdout;
  private final InputStream stderr;
  private final CompletableFuture<Process> exit = new CompletableFuture<>();
  private volatile int exitCode = -1;

  PosixProcess(
      long pid, ProcessHandle handle, OutputStream stdin, InputStream stdout, InputStream stderr) {
    this.pid = pid;
    this.handle = handle;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** It ended with {@code code}: its stdin closes, and {@link #onExit} completes. */
  final void ended(int code) {
    exitCode = code;
    try {
      stdin.close();
    } catch (IOException ignored) {
      // a pipe nobody reads any more
    }
    exit.complete(this);
  }

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
    return getClass().getSimpleName()
        + "[pid="
        + pid
        + ", exitValue="
        + (isAlive() ? "not exited" : exitCode)
        + "]";
  }
}
