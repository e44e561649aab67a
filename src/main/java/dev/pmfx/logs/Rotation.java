package dev.pmfx.logs;

import java.time.ZoneId;
import java.util.Optional;

/**
 * When and how a log file rotates, with what pm2-logrotate calls its settings: past {@code
 * maxBytes} ({@code max_size}), and at the times of the cron {@code interval} ({@code
 * rotateInterval}) when set. A rotated copy is named {@code NAME__DATE.log} ({@code DATE} in the
 * moment.js {@code dateFormat}, in {@code zone}), gzipped to {@code NAME__DATE.log.gz} when {@code
 * compress}; the newest {@code retain} copies are kept.
 */
public record Rotation(
    long maxBytes,
    int retain,
    boolean compress,
    String dateFormat,
    Optional<String> interval,
    ZoneId zone) {

  public static final long DEFAULT_MAX_BYTES = 10L << 20;
  public static final int DEFAULT_RETAIN = 30;
  public static final String DEFAULT_DATE_FORMAT = "YYYY-MM-DD_HH-mm-ss";
  public static final String DEFAULT_INTERVAL = "0 0 * * *";

  /**
   * pm2-logrotate's defaults, which are pmfx's: at 10 MiB and every midnight, 30 copies kept, not
   * compressed.
   */
  public static final Rotation DEFAULT =
      new Rotation(
          DEFAULT_MAX_BYTES,
          DEFAULT_RETAIN,
          false,
          DEFAULT_DATE_FORMAT,
          Optional.of(DEFAULT_INTERVAL),
          ZoneId.systemDefault());

  public Rotation {
    if (maxBytes < 1 || retain < 0) {
      throw new IllegalArgumentException("max " + maxBytes + " bytes, " + retain + " kept");
    }
  }
}
