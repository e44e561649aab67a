package dev.pmfx.daemon;

import dev.pmfx.home.PmfxHome;
import dev.pmfx.home.Version;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;

/**
 * Asks the daemon for a view it draws ({@code pmfx list}, {@code jlist}, {@code ping}), with
 * nothing but a socket and {@link JsonText}: no JSON mapper, no engine types, no reader thread,
 * which together took most of such a command's time. Whatever is not plain (another pmfx version, a
 * refusal, an error, a daemon that does not start) gives nothing, and the command goes the whole
 * way through {@link RemoteEngine}, which says why.
 */
public final class DaemonViews {

  private DaemonViews() {}

  /** What a view's client waits for its daemon before it leaves it to the whole way. */
  private static final long PATIENCE_MILLIS = 30_000;

  /**
   * The text of {@code view} from the home's daemon of this pmfx version, started first when none
   * runs; empty when no such daemon answered it (the whole way then says why).
   */
  public static Optional<String> askOrStart(PmfxHome home, String view) {
    try {
      return Daemons.reachOrStart(home, () -> ask(home, view), text -> text);
    } catch (IOException notReached) {
      return Optional.empty();
    }
  }

  /**
   * The text of {@code view} from the home's running daemon of this pmfx version; empty when it is
   * of another version or did not answer plainly.
   *
   * @throws IOException when no daemon answers on the home's socket
   */
  static Optional<String> ask(PmfxHome home, String view) throws IOException {
    if (!Files.exists(Daemons.socket(home))) {
      throw new IOException("no daemon listens on " + Daemons.socket(home));
    }
    try (SocketChannel channel = Daemons.open(Daemons.socket(home))) {
      Daemons.checkPeer(channel, home.dir());
      Thread watch =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      Thread.sleep(PATIENCE_MILLIS);
                      channel.close();
                    } catch (InterruptedException | IOException e) {
                      // asked in time, or closed anyway
                    }
                  });
      try {
        return exchange(ChannelStreams.reader(channel), ChannelStreams.writer(channel), view)
            .orElseThrow(
                // A daemon killed a moment ago may still have its socket: it takes a connection
                // and drops it (Daemons.answering).
                () -> new IOException("the daemon on " + Daemons.socket(home) + " did not answer"));
      } finally {
        watch.interrupt();
      }
    }
  }

  /**
   * Asks for {@code view} over a connection to a daemon (its socket, or a host's bridge): the
   * view's text when a daemon of this pmfx version drew it; an empty text's absence (empty) when it
   * answered otherwise; and empty outer when it did not answer at all.
   */
  static Optional<Optional<String>> exchange(BufferedReader in, Writer out, String view)
      throws IOException {
    out.write(request(view));
    out.flush();
    String pong = in.readLine();
    if (pong == null) {
      return Optional.empty();
    }
    String drawn = in.readLine();
    try {
      if (result(pong, 1) instanceof Map<?, ?> info
          && Version.current().equals(info.get("version"))
          && result(drawn, 2) instanceof String text) {
        return Optional.of(Optional.of(text));
      }
    } catch (IllegalArgumentException unreadable) {
      // not plain
    }
    return Optional.of(Optional.empty());
  }

  /**
   * A ping (call 1), for the daemon's version, and the view (call 2), as {@link Wire} writes them.
   */
  static String request(String view) {
    return "{\"id\":1,\"call\":{\"op\":\"Ping\"}}\n"
        + "{\"id\":2,\"call\":{\"op\":\"View\",\"view\":"
        + JsonText.quote(view)
        + "}}\n";
  }

  /** The result of the answer to call {@code id}; null for another line, an error, or none. */
  private static Object result(String line, int id) {
    if (line == null
        || !(JsonText.parse(line) instanceof Map<?, ?> message)
        || !(message.get("id") instanceof Double number)
        || number != id) {
      return null;
    }
    return message.get("result");
  }
}
