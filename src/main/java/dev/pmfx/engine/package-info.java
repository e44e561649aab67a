/**
 * The supervisor: one state machine per worker, launch, readiness, graceful stop, restart policy,
 * reload and scale, behind the {@code Engine} seam. Never imports JavaFX.
 */
package dev.pmfx.engine;
