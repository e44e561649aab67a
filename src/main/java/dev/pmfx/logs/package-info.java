/**
 * Capture of workers' stdout and stderr to rotated files, a bounded in-memory tail for views, and
 * search. Never loses a line.
 */
package dev.pmfx.logs;
