package dev.pmfx.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Lines in and out of one socket channel, read on one thread while another writes: each direction
 * calls the channel itself ({@link java.nio.channels.Channels}' streams share a lock across both).
 */
final class ChannelStreams {

  private ChannelStreams() {}

  static BufferedReader reader(SocketChannel channel) {
    InputStream in =
        new InputStream() {
          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] bytes, int offset, int length) throws IOException {
            return length == 0 ? 0 : channel.read(ByteBuffer.wrap(bytes, offset, length));
          }
        };
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  /**
   * The next line of {@code in} without its end ({@code \n}, or {@code \r\n}); null at the end of
   * the stream. A line longer than {@code max} characters is read to its end but comes back cut to
   * {@code max + 1}, so that a client cannot make the daemon hold a line of any length.
   */
  static String readLine(BufferedReader in, int max) throws IOException {
    StringBuilder line = new StringBuilder();
    boolean any = false;
    while (true) {
      int c = in.read();
      if (c < 0) {
        return any ? line.toString() : null;
      }
      any = true;
      if (c == '\n') {
        int last = line.length() - 1;
        if (last >= 0 && last < max && line.charAt(last) == '\r') {
          line.setLength(last);
        }
        return line.toString();
      }
      if (line.length() <= max) {
        line.append((char) c);
      }
    }
  }

  static Writer writer(SocketChannel channel) {
    OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            while (buffer.hasRemaining()) {
              channel.write(buffer);
            }
          }

          @Override
          public void close() throws IOException {
            channel.close();
          }
        };
    return new java.io.BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
  }
}
