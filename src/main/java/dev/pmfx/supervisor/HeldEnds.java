package dev.pmfx.supervisor;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The descriptors a worker of a daemon keeps open for pmfx, so that it outlives the daemon: the
 * read ends of its stdout and stderr pipes (a write finds a reader, so no EPIPE, and what is
 * written waits in the pipe), the write end of its stdin pipe (no end of input), and pmfx's end of
 * a Node worker's channel (no {@code 'disconnect'}). The worker never uses them; a daemon that
 * adopts it opens them again through {@code /proc} or takes copies with {@code pidfd_getfd}. Their
 * numbers follow the worker's stdio (and channel), named in {@link #VARIABLE}.
 *
 * @param out the read end of its stdout pipe
 * @param err the read end of its stderr pipe
 * @param in the write end of its stdin pipe
 * @param channel pmfx's end of its Node channel, when it has one
 */
record HeldEnds(int out, int err, int in, OptionalInt channel) {

  /** The variable that names them in the worker's environment: {@code out,err,in[,channel]}. */
  static final String VARIABLE = "PMFX_HELD_FDS";

  /** Where they go in a worker whose descriptors below {@code first} are taken. */
  static HeldEnds from(int first, boolean channel) {
    return new HeldEnds(
        first, first + 1, first + 2, channel ? OptionalInt.of(first + 3) : OptionalInt.empty());
  }

  /** How many there are. */
  int count() {
    return channel.isPresent() ? 4 : 3;
  }

  /** As {@link #VARIABLE} names them. */
  String text() {
    return out + "," + err + "," + in + (channel.isPresent() ? "," + channel.getAsInt() : "");
  }

  /** What a worker's environment names; empty when it names none or not as pmfx writes it. */
  static Optional<HeldEnds> of(Map<String, String> environment) {
    String text = environment.get(VARIABLE);
    if (text == null || !text.matches("\\d{1,4}(,\\d{1,4}){2,3}")) {
      return Optional.empty();
    }
    String[] n = text.split(",");
    return Optional.of(
        new HeldEnds(
            Integer.parseInt(n[0]),
            Integer.parseInt(n[1]),
            Integer.parseInt(n[2]),
            n.length == 4 ? OptionalInt.of(Integer.parseInt(n[3])) : OptionalInt.empty()));
  }
}
