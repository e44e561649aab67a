package dev.pmfx.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * One log file that lines are appended to, whole: rotated as its {@link Rotation} says (past a
 * size, and at the times of a cron when set) into {@code NAME__DATE.log}, gzipped when asked, the
 * newest copies kept; each line prefixed with the time when a format is set. Several workers may
 * share one file ({@code merge_logs}); their lines never interleave mid-line.
 *
 * <p>A write that fails (the disk is full) loses no time: the file's lines are dropped and counted
 * ({@link #trouble}) and nothing waits; about once a second the next line tries again, and once one
 * goes through a line saying how many bytes were dropped, since when and why comes first, on a line
 * of its own.
 */
public final class LogFile implements AutoCloseable {

  private final Path path;
  private final Optional<DateTimeFormatter> dates;
  private Rotation rotation;
  private java.time.ZonedDateTime nextTimed;
  private FileChannel channel;
  private final ByteBuffer pending = ByteBuffer.allocate(BUFFER_BYTES);
  private long size;
  private long lastCheck = System.nanoTime();

  /**
   * Bytes held before they are written (or at once, with a flush). 8 KiB: the pump flushes after
   * each read anyway, and 64 Ki characters (128 KB) for each of a worker's files came to 51 MB with
   * 201 workers, most of them silent.
   */
  static final int BUFFER_BYTES = 8 * 1024;

  /** Lines are being dropped, or null while they are written. */
  private Trouble trouble;

  /** The last trouble that is over, with every byte it dropped; null before the first. */
  private Trouble ended;

  private long lastTry;

  /** The file ends inside a line: a failed write took part of it. */
  private boolean midLine;

  /**
   * Why this file's lines are being dropped, since when, and how many bytes of them so far.
   *
   * @param why the system's words ({@code No space left on device})
   */
  public record Trouble(Instant since, String why, long droppedBytes) {}

  public LogFile(Path path, Rotation rotation, Optional<DateTimeFormatter> dates)
      throws IOException {
    this.path = path;
    this.dates = dates.map(f -> f.withZone(ZoneId.systemDefault()));
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    open();
    rotation(rotation, Instant.now());
  }

  /** At {@code maxBytes}, the newest {@code keep} copies kept, no time-based rotation. */
  public LogFile(Path path, long maxBytes, int keep, Optional<DateTimeFormatter> dates)
      throws IOException {
    this(
        path,
        new Rotation(
            maxBytes,
            keep,
            false,
            Rotation.DEFAULT_DATE_FORMAT,
            Optional.empty(),
            ZoneId.systemDefault()),
        dates);
  }

  /** The rotation in force. */
  public synchronized Rotation rotation() {
    return rotation;
  }

  /** Rotates as {@code next} says from now on; its cron counts from {@code now}. */
  public synchronized void rotation(Rotation next, Instant now) {
    if (next.equals(rotation)) {
      return;
    }
    rotation = next;
    nextTimed = next.interval().flatMap(cron -> nextTime(cron, now, next.zone())).orElse(null);
  }

  private static Optional<java.time.ZonedDateTime> nextTime(String cron, Instant now, ZoneId zone) {
    try {
      return dev.pmfx.config.CronSchedule.next(cron, now.atZone(zone));
    } catch (IllegalArgumentException invalid) {
      return Optional.empty(); // checked where it was set; never rotated by time
    }
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
    channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    size = channel.size();
  }

  /** Appends one line; {@code flush} makes it visible to readers of the file now. */
  public synchronized void append(Instant at, String line, boolean flush) throws IOException {
    reopenIfMoved();
    String text = dates.map(f -> f.format(at) + ": " + line).orElse(line);
    byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
    if (trouble != null && !resumed(at)) {
      drop(bytes.length);
      return;
    }
    if (bytes.length > pending.remaining() && !drain(at)) {
      drop(bytes.length);
      return;
    }
    if (bytes.length > pending.capacity()) {
      pending.flip();
      if (!write(ByteBuffer.wrap(bytes), at)) {
        return;
      }
    } else {
      pending.put(bytes);
    }
    size += bytes.length;
    if (!rotateIfDue(at) && flush) {
      drain(at);
    }
  }

  /**
   * Writes what is buffered and rotates the file if it is due, by size or by time, though no line
   * came: a cron's rotation happens on time in a quiet log too. An empty file is not rotated.
   */
  public synchronized void tick(Instant now) throws IOException {
    flush(now);
    rotateIfDue(now);
  }

  /** Why lines are being dropped now, if they are. */
  public synchronized Optional<Trouble> trouble() {
    return Optional.ofNullable(trouble);
  }

  /** The last trouble that is over, with every byte it dropped. */
  public synchronized Optional<Trouble> ended() {
    return Optional.ofNullable(ended);
  }

  private void drop(long bytes) {
    trouble = new Trouble(trouble.since(), trouble.why(), trouble.droppedBytes() + bytes);
  }

  /** Writes the buffer out; false (and the buffer dropped) when that failed. */
  private boolean drain(Instant at) {
    pending.flip();
    return write(null, at);
  }

  /**
   * Writes the flipped buffer, then {@code more} if given; false when a write failed: what was not
   * written is dropped and counted, and the file is in trouble.
   */
  private boolean write(ByteBuffer more, Instant at) {
    ByteBuffer current = pending;
    try {
      writeFully(pending);
      if (more != null) {
        current = more;
        writeFully(more);
      }
      pending.clear();
      return true;
    } catch (IOException e) {
      long lost = pending.remaining() + (more == null ? 0 : more.remaining());
      int written = current.position();
      midLine = midLine || (written > 0 && current.get(written - 1) != '\n');
      pending.clear();
      if (trouble == null) {
        trouble = new Trouble(at, String.valueOf(e.getMessage()), 0);
        lastTry = System.nanoTime();
      }
      drop(lost);
      return false;
    }
  }

  /**
   * In trouble: about once a second, writes the line that says what was dropped; true once that
   * went through (the trouble is over), false until then.
   */
  private boolean resumed(Instant at) {
    long now = System.nanoTime();
    if (now - lastTry < 1_000_000_000L) {
      return false;
    }
    lastTry = now;
    byte[] said =
        ((midLine ? "\n" : "")
                + "pmfx: "
                + trouble.droppedBytes()
                + " bytes of log lines were dropped here, from "
                + trouble.since()
                + " to "
                + at
                + ": "
                + trouble.why()
                + "\n")
            .getBytes(StandardCharsets.UTF_8);
    try {
      writeFully(ByteBuffer.wrap(said));
    } catch (IOException stillFull) {
      return false;
    }
    size += said.length;
    ended = trouble;
    trouble = null;
    midLine = false;
    return true;
  }

  private void writeFully(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  private boolean rotateIfDue(Instant now) throws IOException {
    if (path.toString().equals("/dev/null")) {
      return false;
    }
    boolean timed = nextTimed != null && !now.isBefore(nextTimed.toInstant());
    if (timed) {
      nextTimed = nextTime(rotation.interval().orElseThrow(), now, rotation.zone()).orElse(null);
    }
    if (size > 0 && (size >= rotation.maxBytes() || timed)) {
      rotate(now);
      return true;
    }
    return false;
  }

  public synchronized void flush() throws IOException {
    flush(Instant.now());
  }

  /** Writes what is buffered; in trouble, only once a try to resume went through. */
  private void flush(Instant now) {
    if (trouble == null || resumed(now)) {
      drain(now);
    }
  }

  /** Empties the file and deletes its rotated copies, as {@code pm2 flush} does; lines go on. */
  public synchronized void empty() throws IOException {
    flush();
    empty(path);
    size = 0;
  }

  /**
   * Empties a log file that nothing writes now, and deletes its rotated copies (and those an
   * earlier pmfx named {@code out.log.1}, {@code out.log.2}, ...).
   */
  public static void empty(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      try (java.nio.channels.FileChannel channel =
          java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }
    }
    for (Path copy : rotatedCopies(file)) {
      Files.deleteIfExists(copy);
    }
    String numbered = java.util.regex.Pattern.quote(file.getFileName().toString()) + "\\.\\d+";
    for (Path sibling : siblings(file)) {
      if (sibling.getFileName().toString().matches(numbered)) {
        Files.deleteIfExists(sibling);
      }
    }
  }

  /**
   * The rotated copies of a log file, oldest first: {@code NAME__*} beside it, for {@code
   * NAME.log}.
   */
  public static java.util.List<Path> rotatedCopies(Path file) throws IOException {
    String prefix = base(file) + "__";
    java.util.List<Path> copies = new java.util.ArrayList<>();
    for (Path sibling : siblings(file)) {
      if (sibling.getFileName().toString().startsWith(prefix)) {
        copies.add(sibling);
      }
    }
    java.util.Map<Path, Instant> changed = new java.util.HashMap<>();
    for (Path copy : copies) {
      changed.put(copy, Files.getLastModifiedTime(copy).toInstant());
    }
    // the same instant: NAME__DATE.log before NAME__DATE-2.log before NAME__DATE-10.log
    copies.sort(
        java.util.Comparator.<Path, Instant>comparing(changed::get)
            .thenComparingInt(p -> p.getFileName().toString().length())
            .thenComparing(p -> p.getFileName().toString()));
    return copies;
  }

  private static java.util.List<Path> siblings(Path file) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      return java.util.List.of();
    }
    try (var list = Files.list(folder)) {
      return list.toList();
    }
  }

  /** {@code app-out} for {@code app-out.log}; a name without {@code .log} whole. */
  private static String base(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
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
      finish();
      open();
    }
  }

  private void rotate(Instant at) throws IOException {
    finish();
    try {
      if (rotation.retain() > 0) {
        Path copy = copyName(at);
        Files.move(path, copy);
        if (rotation.compress()) {
          gzip(copy);
        }
        java.util.List<Path> copies = rotatedCopies(path);
        for (Path old : copies.subList(0, Math.max(0, copies.size() - rotation.retain()))) {
          Files.deleteIfExists(old);
        }
      } else {
        Files.delete(path);
      }
    } catch (java.nio.file.NoSuchFileException movedAway) {
      // someone else took the file; the next one starts here
    } finally {
      open();
    }
  }

  /** {@code NAME__DATE.log}, with {@code -2}, {@code -3}, ... after the date if that is taken. */
  private Path copyName(Instant at) {
    String date =
        MomentFormat.toFormatter(rotation.dateFormat()).withZone(rotation.zone()).format(at);
    String name = path.getFileName().toString();
    String extension = name.endsWith(".log") ? ".log" : "";
    String stem = base(path) + "__" + date;
    Path copy = path.resolveSibling(stem + extension);
    for (int n = 2;
        Files.exists(copy) || Files.exists(copy.resolveSibling(copy.getFileName() + ".gz"));
        n++) {
      copy = path.resolveSibling(stem + "-" + n + extension);
    }
    return copy;
  }

  /** Replaces {@code copy} with {@code copy.gz}, which keeps its time of last change. */
  private static void gzip(Path copy) throws IOException {
    Path gz = copy.resolveSibling(copy.getFileName() + ".gz");
    try (var in = Files.newInputStream(copy);
        var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz), 64 * 1024)) {
      in.transferTo(out);
    }
    Files.setLastModifiedTime(gz, Files.getLastModifiedTime(copy));
    Files.delete(copy);
  }

  /** Writes what is buffered (unless in trouble) and closes the channel. */
  private void finish() throws IOException {
    if (trouble == null) {
      drain(Instant.now());
    }
    pending.clear();
    channel.close();
  }

  @Override
  public synchronized void close() throws IOException {
    finish();
  }
}
