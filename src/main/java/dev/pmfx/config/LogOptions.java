package dev.pmfx.config;

import java.util.Optional;

/**
 * How an app's output is logged, beyond where: its own rotation settings (each empty when the app
 * leaves it to the global {@code logrotate:} settings), JSON lines, no logs at all, or a combined
 * log at the default path.
 *
 * @param maxSize {@code log_max_size}: rotated past this size
 * @param retain {@code log_retain}: rotated copies kept
 * @param compress {@code log_compress}: rotated copies gzipped
 * @param rotateInterval {@code log_rotate_interval}: a cron at whose times the files rotate
 * @param json {@code log_type: 'json'}: each line written as PM2 writes JSON logs
 * @param disabled {@code disable_logs: true}: no log files; views still get the lines
 * @param combinedAtDefault {@code log_file: true}: a combined log, {@code NAME.log}, in pmfx's logs
 *     folder
 */
public record LogOptions(
    Optional<ByteSize> maxSize,
    Optional<Integer> retain,
    Optional<Boolean> compress,
    Optional<String> rotateInterval,
    boolean json,
    boolean disabled,
    boolean combinedAtDefault) {

  /** Nothing set: the global settings and PM2's plain lines. */
  public static final LogOptions NONE =
      new LogOptions(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          false,
          false,
          false);

  public LogOptions {
    maxSize = maxSize == null ? Optional.empty() : maxSize;
    retain = retain == null ? Optional.empty() : retain;
    compress = compress == null ? Optional.empty() : compress;
    rotateInterval = rotateInterval == null ? Optional.empty() : rotateInterval;
  }
}
