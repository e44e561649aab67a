/**
 * Headless commands ({@code bin/pmfx check}, and later the PM2-style commands), built with picocli
 * on the engine's API.
 */
package dev.pmfx.cli;
