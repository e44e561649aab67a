package dev.pmfx.supervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a worker of a daemon before this one left for this one to take over: its process, held by a
 * pidfd with its output pipes ({@link AdoptedProcess}), pmfx's end of its Node channel, and what
 * its environment says of its channel and private address.
 *
 * @param channel pmfx's end of its Node channel, taken from the worker; -1 when it has none
 * @param ipcSocket the private socket named in its {@code PMFX_IPC}, bound again for it
 * @param environment the environment it was started with, as {@code pmfx env} shows it
 */
record Adoption(
    AdoptedProcess process,
    Instant startedAt,
    int channel,
    Optional<Path> ipcSocket,
    int privatePort,
    Optional<Path> privateSocket,
    Map<String, String> environment) {

  /** Whether it runs on Node.js with pmfx's channel. */
  boolean node() {
    return channel >= 0;
  }

  /**
   * Takes over process {@code pid}, recorded as started at {@code startedAt}.
   *
   * @throws IOException saying why it cannot be: another process now, or one started without ends
   *     for pmfx to take (by a pmfx before this one, or outside a daemon)
   */
  static Adoption of(long pid, Instant startedAt) throws IOException {
    Map<String, String> environment = dev.pmfx.posix.ProcFs.environment(pid);
    HeldEnds held =
        HeldEnds.of(environment)
            .orElseThrow(() -> new IOException("process " + pid + " keeps no pipe ends for pmfx"));
    AdoptedProcess process = AdoptedProcess.adopt(pid, startedAt, held);
    int channel = -1;
    try {
      if (held.channel().isPresent()) {
        AdoptedProcess.expect(pid, held.channel().getAsInt(), "socket:", 2);
        channel = process.take(held.channel().getAsInt());
      }
    } catch (IOException e) {
      process.release();
      throw e;
    }
    environment.remove(HeldEnds.VARIABLE);
    return new Adoption(
        process,
        startedAt,
        channel,
        Optional.ofNullable(environment.get("PMFX_IPC")).map(Path::of),
        number(environment.get("PMFX_PRIVATE_PORT")),
        Optional.ofNullable(environment.get("PMFX_PRIVATE_SOCKET")).map(Path::of),
        Map.copyOf(environment));
  }

  /** Lets go of it, before it was taken over: every copy of a descriptor it holds closes. */
  void release() {
    process.release();
    dev.pmfx.posix.Libc.close(channel);
  }

  private static int number(String text) {
    return text != null && text.matches("\\d{1,5}") ? Integer.parseInt(text) : 0;
  }
}
