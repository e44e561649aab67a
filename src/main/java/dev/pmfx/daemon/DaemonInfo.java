package dev.pmfx.daemon;

import java.time.Instant;

/**
 * What a daemon says of itself, as {@code pmfx ping} prints it.
 *
 * @param protocol the version of the socket's protocol it speaks ({@link Wire#PROTOCOL},
 *     docs/protocol.md); 0 from a daemon older than the number, which speaks protocol 1
 */
public record DaemonInfo(String version, int protocol, long pid, Instant startedAt, String home) {}
