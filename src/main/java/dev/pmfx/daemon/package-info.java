/**
 * The daemon: the engine run headless behind a Unix-domain socket in the pmfx home ({@link
 * dev.pmfx.daemon.DaemonServer}), and {@link dev.pmfx.daemon.RemoteEngine}, the {@link
 * dev.pmfx.engine.Engine} that the window and the CLI use to reach it.
 */
package dev.pmfx.daemon;
