package dev.pmfx.engine;

import java.util.Locale;

/** A worker's lifecycle, as DESIGN.md draws it; {@link #label()} is how PM2 users read it. */
public enum WorkerState {
  LAUNCHING,
  WAITING_READY,
  ONLINE,
  STOPPING,
  STOPPED,
  /** Exited; a restart is scheduled. */
  CRASHED,
  /** Gave up restarting, or could not start at all. */
  ERRORED;

  /** {@code waiting-ready}, {@code online}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** States with a live process (or one about to be). */
  public boolean running() {
    return this == LAUNCHING || this == WAITING_READY || this == ONLINE || this == STOPPING;
  }
}
