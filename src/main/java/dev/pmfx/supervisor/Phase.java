package dev.pmfx.supervisor;

import dev.pmfx.engine.WorkerState;

/**
 * A worker's fine states, in the manner of systemd's service states; {@link #coarse} is the {@link
 * WorkerState} users see. {@link WorkerMachine} alone moves a worker between them.
 */
enum Phase {
  STOPPED(WorkerState.STOPPED),
  ERRORED(WorkerState.ERRORED),
  /** Its process is being started. */
  LAUNCHING(WorkerState.LAUNCHING),
  /** Started; waiting for its ready signal, or until it listens (cluster mode). */
  STARTING(WorkerState.WAITING_READY),
  /**
   * A new worker beside the ones a reload or scale keeps serving, waiting to be ready: an exit here
   * is a failed deploy, not a crash to restart.
   */
  TRIAL(WorkerState.WAITING_READY),
  /** A trial worker's listen_timeout ran out: pmfx checks whether it accepts connections. */
  TRIAL_PROBE(WorkerState.WAITING_READY),
  ONLINE(WorkerState.ONLINE),
  /** Out of its balancer's rotation; its requests in flight finish (cluster mode). */
  STOP_DRAIN(WorkerState.STOPPING),
  /** Sent its kill signal (or the shutdown message); SIGKILL when kill_timeout runs out. */
  STOP_SIGNAL(WorkerState.STOPPING),
  /** Sent SIGKILL, with every process of its tree. */
  STOP_KILL(WorkerState.STOPPING),
  /** Exited on its own; started again when the restart delay runs out. */
  AUTO_RESTART(WorkerState.CRASHED);

  private final WorkerState coarse;

  Phase(WorkerState coarse) {
    this.coarse = coarse;
  }

  WorkerState coarse() {
    return coarse;
  }

  boolean atRest() {
    return this == STOPPED || this == ERRORED;
  }
}
