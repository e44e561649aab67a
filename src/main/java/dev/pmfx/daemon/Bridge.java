package dev.pmfx.daemon;

import dev.pmfx.home.PmfxHome;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;

/**
 * {@code pmfx bridge}: this process's standard input and output joined to the home's daemon socket,
 * byte for byte, both ways, as {@code docker system dial-stdio} does. What {@code ssh HOST pmfx
 * bridge} runs, so that a client elsewhere speaks the protocol to this host's daemon; it uses
 * neither a JSON mapper nor picocli, so it starts as fast as {@code pmfx list} does.
 */
public final class Bridge {

  private Bridge() {}

  /** What the bridge exits with when {@code --running} found no daemon: nothing was said. */
  public static final int NONE_RUNS = 4;

  /**
   * Joins standard input and output to the home's daemon, started first when none runs (unless
   * {@code onlyRunning}), until either side ends; the exit code.
   */
  public static int run(PmfxHome home, boolean onlyRunning) {
    SocketChannel channel;
    try {
      channel =
          onlyRunning
              ? runningChannel(home)
              : Daemons.reachOrStart(home, () -> channel(home), c -> c);
    } catch (IOException e) {
      if (onlyRunning) {
        return NONE_RUNS;
      }
      System.err.println("pmfx: cannot reach the daemon for " + home.dir() + ": " + e.getMessage());
      return 3;
    }
    OutputStream out = new FileOutputStream(FileDescriptor.out);
    Thread calls =
        Thread.ofPlatform()
            .name("pmfx-bridge-in")
            .daemon()
            .start(() -> callsToDaemon(new FileInputStream(FileDescriptor.in), channel));
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    try {
      while (channel.read(buffer) >= 0) {
        out.write(buffer.array(), 0, buffer.position());
        out.flush();
        buffer.clear();
      }
    } catch (IOException ended) {
      // the daemon, or the other end of standard output, went away
    } finally {
      calls.interrupt();
      try {
        channel.close();
      } catch (IOException closing) {
        // ending anyway
      }
    }
    return 0;
  }

  /**
   * Copies what comes in to the daemon; at its end, says so to the daemon (half-close), which then
   * answers what it was asked and closes, which ends the bridge.
   */
  private static void callsToDaemon(InputStream in, SocketChannel channel) {
    byte[] bytes = new byte[1 << 16];
    try {
      int read;
      while ((read = in.read(bytes)) >= 0) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, read);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
      channel.shutdownOutput();
    } catch (IOException ended) {
      try {
        channel.close();
      } catch (IOException closing) {
        // ending anyway
      }
    }
  }

  private static SocketChannel runningChannel(PmfxHome home) throws IOException {
    if (!Files.isDirectory(home.dir())) {
      throw new IOException("no home");
    }
    return channel(home);
  }

  private static SocketChannel channel(PmfxHome home) throws IOException {
    if (!Files.exists(Daemons.socket(home))) {
      throw new IOException("no daemon listens on " + Daemons.socket(home));
    }
    Daemons.checkOwned(home.dir());
    SocketChannel channel = Daemons.open(Daemons.socket(home));
    try {
      Daemons.checkPeer(channel, home.dir());
      return channel;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }
}
