package dev.pmfx.daemon;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * What a {@link RemoteEngine} speaks the protocol over: lines in, read on one thread, and lines
 * out, written on others. The home's socket, or the standard input and output of a process that
 * reaches a daemon elsewhere ({@code ssh HOST pmfx bridge}).
 */
public interface Transport extends Closeable {

  BufferedReader reader();

  Writer writer();

  /** The daemon's socket, read and written directly, as before there was any other way. */
  static Transport of(SocketChannel channel) {
    BufferedReader reader = ChannelStreams.reader(channel);
    Writer writer = ChannelStreams.writer(channel);
    return new Transport() {
      @Override
      public BufferedReader reader() {
        return reader;
      }

      @Override
      public Writer writer() {
        return writer;
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }

  /**
   * A process's standard output (the daemon's lines) and input (the calls); {@code close} closes
   * its input, so that it ends of its own accord, and then ends it when it has not within a second.
   */
  static Transport of(Process process) {
    BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
    Writer writer =
        new java.io.BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), 1 << 16);
    return new Transport() {
      @Override
      public BufferedReader reader() {
        return reader;
      }

      @Override
      public Writer writer() {
        return writer;
      }

      @Override
      public void close() throws IOException {
        try {
          process.getOutputStream().close();
        } catch (IOException gone) {
          // ended already
        }
        try {
          if (!process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroy();
          }
        } catch (InterruptedException e) {
          process.destroy();
          Thread.currentThread().interrupt();
        }
      }
    };
  }
}
