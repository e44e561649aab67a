package dev.pmfx.supervisor;

/** Why a worker could not be started at all: a missing interpreter, script or cwd. */
public final class LaunchException extends Exception {

  public LaunchException(String message) {
    super(message);
  }
}
