/**
 * The supervisor behind the {@code Engine} seam: one state machine per worker, launch, readiness,
 * graceful stop, restart policy, reload and scale. Only the composition roots (the window's start,
 * {@code pmfx run}, the daemon) depend on it. Never imports JavaFX.
 */
package dev.pmfx.supervisor;
