package dev.pmfx.daemon;

import java.time.Instant;

/** What a daemon says of itself, as {@code pmfx ping} prints it. */
public record DaemonInfo(String version, long pid, Instant startedAt, String home) {}
