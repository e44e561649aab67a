/**
 * The seam between pmfx's views and its supervisor: the {@code Engine} interface, its events,
 * status records and targets, and their JSON. Records, enums and interfaces only; the window, the
 * CLI and the daemon's clients use pmfx through it, in this process or over the daemon's socket.
 */
package dev.pmfx.engine;
