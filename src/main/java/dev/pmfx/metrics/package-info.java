/**
 * CPU and memory sampling of each worker's process tree, with bounded history. Never blocks the
 * engine.
 */
package dev.pmfx.metrics;
