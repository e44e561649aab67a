package dev.pmfx.logs;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * One log file that lines are appended to, whole: rotated when it passes {@code maxBytes} ({@code
 * out.log} → {@code out.log.1} → ... → {@code out.log.<keep>}, the oldest dropped), each line
 * prefixed with the time when a format is set. Several workers may share one file ({@code
 * merge_logs}); their lines never interleave mid-line.
 */
public final class LogFile implements AutoCloseable {

  public static final long DEFAULT_MAX_BYTES = 10L << 20;
  public static final int DEFAULT_KEEP = 5;

  private final Path path;
  private final long maxBytes;
  private final int keep;
  private final Optional<DateTimeFormatter> dates;
  private BufferedWriter writer;
  private long size;
  private long lastCheck = System.nanoTime();

  public LogFile(Path path, long maxBytes, int keep, Optional<DateTimeFormatter> dates)
      throws IOException {
    this.path = path;
    this.maxBytes = maxBytes;
    this.keep = keep;
    this.dates = dates.map(f -> f.withZone(ZoneId.systemDefault()));
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    open();
  }

  public Path path() {
    return path;
  }

  /**
   * The last {@code max} lines of a file, oldest first, read from its end: a 10 MiB log costs what
   * its last lines cost. Empty when the file does not exist.
   */
  public static java.util.List<String> lastLines(Path file, int max) throws IOException {
    if (max <= 0 || !Files.isRegularFile(file)) {
      return java.util.List.of();
    }
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
      long end = channel.size();
      long start = end;
      int newlines = 0;
      java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(64 * 1024);
      // Walk back until max lines and the newline before them are in view, or the file's start.
      while (start > 0 && newlines <= max) {
        int length = (int) Math.min(chunk.capacity(), start);
        start -= length;
        chunk.clear().limit(length);
        channel.read(chunk, start);
        for (int i = length - 1; i >= 0; i--) {
          if (chunk.get(i) == '\n' && start + i != end - 1) {
            newlines++;
          }
        }
      }
      java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate((int) (end - start));
      channel.read(tail, start);
      java.util.List<String> lines =
          new String(tail.array(), StandardCharsets.UTF_8).lines().toList();
      return lines.subList(Math.max(0, lines.size() - max), lines.size());
    }
  }

  private void open() throws IOException {
    size = Files.exists(path) ? Files.size(path) : 0;
    writer =
        new BufferedWriter(
            new OutputStreamWriter(
                Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                StandardCharsets.UTF_8),
            64 * 1024);
  }

  /** Appends one line; {@code flush} makes it visible to readers of the file now. */
  public synchronized void append(Instant at, String line, boolean flush) throws IOException {
    reopenIfMoved();
    String text = dates.map(f -> f.format(at) + ": " + line).orElse(line);
    writer.write(text);
    writer.write('\n');
    size += text.length() + 1L; // characters, near enough to bytes to decide on rotation
    if (size >= maxBytes && !path.toString().equals("/dev/null")) {
      rotate();
    } else if (flush) {
      writer.flush();
    }
  }

  public synchronized void flush() throws IOException {
    writer.flush();
  }

  /** Empties the file and deletes its rotated copies, as {@code pm2 flush} does; lines go on. */
  public synchronized void empty() throws IOException {
    writer.flush();
    empty(path, keep);
    size = 0;
  }

  /** Empties a log file that nothing writes now, and deletes its rotated copies. */
  public static void empty(Path file, int keep) throws IOException {
    if (Files.isRegularFile(file)) {
      try (java.nio.channels.FileChannel channel =
          java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }
    }
    for (int i = 1; i <= keep; i++) {
      Files.deleteIfExists(file.resolveSibling(file.getFileName() + "." + i));
    }
  }

  /** The format lines are prefixed with, if any. */
  public Optional<DateTimeFormatter> dates() {
    return dates;
  }

  /**
   * A file deleted or moved away (by hand, or by logrotate without copytruncate) is written again
   * where it belongs, not into the unlinked file. Checked about once a second, not per line.
   */
  private void reopenIfMoved() throws IOException {
    long now = System.nanoTime();
    if (now - lastCheck < 1_000_000_000L) {
      return;
    }
    lastCheck = now;
    if (!Files.exists(path) && !path.toString().equals("/dev/null")) {
      writer.close();
      open();
    }
  }

  private void rotate() throws IOException {
    writer.close();
    Files.deleteIfExists(rotated(keep));
    for (int i = keep - 1; i >= 1; i--) {
      if (Files.exists(rotated(i))) {
        Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    try {
      if (keep > 0) {
        Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.delete(path);
      }
    } catch (java.nio.file.NoSuchFileException movedAway) {
      // someone else took the file; the next one starts here
    } finally {
      open();
    }
  }

  private Path rotated(int n) {
    return path.resolveSibling(path.getFileName() + "." + n);
  }

  @Override
  public synchronized void close() throws IOException {
    writer.close();
  }
}
