package dev.pmfx.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a worker's output stream and hands on whole lines, without their endings ({@code \n} or
 * {@code \r\n}): none lost, none cut, a last line without a newline kept, invalid UTF-8 replaced
 * rather than stopping the pump. A line longer than {@link #MAX_LINE} bytes is handed on in pieces
 * of that size, so a stream without newlines cannot exhaust memory.
 */
public final class LinePump {

  public static final int MAX_LINE = 1 << 20;

  /**
   * What a stream is read with at first, and once a read filled that: most workers write little,
   * and hundreds of them each holding the larger buffer came to tens of MB.
   */
  static final int SMALL_READ = 8 * 1024;

  static final int LARGE_READ = 64 * 1024;

  private LinePump() {}

  /** Pumps until the stream ends; returns the number of lines handed on. */
  public static long pump(InputStream in, Consumer<String> lines) throws IOException {
    return pump(in, lines, () -> {});
  }

  /**
   * As {@link #pump(InputStream, Consumer)}, calling {@code afterRead} once the lines of each read
   * are handed on: the moment to flush what they were written to.
   */
  public static long pump(InputStream in, Consumer<String> lines, Runnable afterRead)
      throws IOException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    byte[] buffer = new byte[SMALL_READ];
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    long count = 0;
    int read;
    while ((read = in.read(buffer)) >= 0) {
      int start = 0;
      for (int i = 0; i < read; i++) {
        if (buffer[i] == '\n') {
          line.write(buffer, start, i - start);
          lines.accept(decode(decoder, line));
          count++;
          line.reset();
          start = i + 1;
        } else if (line.size() + (i - start) >= MAX_LINE) {
          line.write(buffer, start, i - start);
          lines.accept(decode(decoder, line));
          count++;
          line.reset();
          start = i;
        }
      }
      line.write(buffer, start, read - start);
      afterRead.run();
      if (read == buffer.length && buffer.length < LARGE_READ) {
        buffer = new byte[LARGE_READ]; // a busy stream: fewer, larger reads
      }
    }
    if (line.size() > 0) {
      lines.accept(decode(decoder, line));
      count++;
    }
    return count;
  }

  private static String decode(CharsetDecoder decoder, ByteArrayOutputStream line) {
    byte[] bytes = line.toByteArray();
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') {
      length--;
    }
    try {
      return decoder.reset().decode(ByteBuffer.wrap(bytes, 0, length)).toString();
    } catch (CharacterCodingException cannotHappen) {
      // REPLACE never throws; keep the bytes as Latin-1 rather than lose the line
      return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
  }
}
