package dev.pmfx.logs;

import dev.pmfx.config.ByteSize;
import dev.pmfx.config.CronSchedule;
import dev.pmfx.config.LogOptions;
import dev.pmfx.home.PmfxHome;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The global log settings, as pm2-logrotate names them and {@code pmfx set logrotate:KEY VALUE}
 * stores them: in {@code conf.properties} in pmfx's home, which the daemon reads again every {@code
 * workerInterval}. An app's own {@code log_*} options come before them. Each key as PM2 spells it
 * ({@code logrotate:max_size}); {@code pm2-logrotate:max_size} is read as the same key. The
 * defaults are pm2-logrotate's: 10M, 30 copies kept, and a rotation every midnight.
 */
public final class LogSettings {

  /** One setting: its key, default, and why a value is not allowed (empty when it is). */
  public record Key(String name, String defaultValue, Function<String, Optional<String>> problem) {}

  public static final List<Key> KEYS =
      List.of(
          new Key(
              "logrotate:max_size",
              "10M",
              v ->
                  ByteSize.parse(v).isPresent()
                      ? Optional.empty()
                      : Optional.of("a size: a number of bytes, or with K, M or G ('10M', '1G')")),
          new Key("logrotate:retain", String.valueOf(Rotation.DEFAULT_RETAIN), v -> whole(v, 0)),
          new Key("logrotate:compress", "false", LogSettings::bool),
          new Key("logrotate:dateFormat", Rotation.DEFAULT_DATE_FORMAT, LogSettings::dateFormat),
          new Key("logrotate:rotateInterval", Rotation.DEFAULT_INTERVAL, LogSettings::cron),
          new Key("logrotate:workerInterval", "30", v -> whole(v, 1)),
          new Key("logrotate:rotateModule", "true", LogSettings::bool),
          new Key("logrotate:TZ", "", LogSettings::zone));

  private final Map<String, String> values;

  private LogSettings(Map<String, String> values) {
    this.values = values;
  }

  /** The file the settings live in. */
  public static Path file(PmfxHome home) {
    return home.dir().resolve("conf.properties");
  }

  /** The key as pmfx spells it, for PM2's spellings of it ({@code pm2-logrotate:}, any case). */
  public static Optional<Key> key(String spelled) {
    String name = spelled.strip();
    if (name.regionMatches(true, 0, "pm2-logrotate:", 0, 14)) {
      name = "logrotate:" + name.substring(14);
    }
    for (Key key : KEYS) {
      if (key.name().equalsIgnoreCase(name)) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  /** What is wrong with setting {@code key} to {@code value}; empty when nothing is. */
  public static Optional<String> problem(String key, String value) {
    Optional<Key> known = key(key);
    if (known.isEmpty()) {
      return Optional.of(
          "pmfx has no setting '"
              + key
              + "'; it has "
              + String.join(", ", KEYS.stream().map(Key::name).toList()));
    }
    return known
        .get()
        .problem()
        .apply(value.strip())
        .map(allowed -> known.get().name() + " must be " + allowed + "; found '" + value + "'");
  }

  /** The values stored, by key, as written; what is wrong with them is {@link #problem}'s. */
  public static Map<String, String> stored(PmfxHome home) throws IOException {
    Path file = file(home);
    Map<String, String> stored = new TreeMap<>();
    if (!Files.isRegularFile(file)) {
      return stored;
    }
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    properties.forEach((k, v) -> stored.put(k.toString(), v.toString()));
    return stored;
  }

  /** Stores a value after checking it ({@link #problem}); empty {@code value} removes it. */
  public static void set(PmfxHome home, String key, Optional<String> value) throws IOException {
    String name = key(key).map(Key::name).orElseThrow(() -> new IllegalArgumentException(key));
    value
        .flatMap(v -> problem(name, v))
        .ifPresent(
            p -> {
              throw new IllegalArgumentException(p);
            });
    Map<String, String> stored = stored(home);
    stored.keySet().removeIf(k -> key(k).map(Key::name).filter(name::equals).isPresent());
    value.ifPresent(v -> stored.put(name, v.strip()));
    Properties properties = new Properties();
    properties.putAll(stored);
    Files.createDirectories(home.dir());
    Path temporary = Files.createTempFile(home.dir(), "conf", ".tmp");
    try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
      properties.store(out, "pmfx settings: pmfx set KEY VALUE, pmfx unset KEY");
    }
    Files.move(temporary, file(home), StandardCopyOption.REPLACE_EXISTING);
  }

  /** The settings in force: those stored and allowed, the defaults for the others. */
  public static LogSettings load(PmfxHome home) {
    Map<String, String> values = new LinkedHashMap<>();
    KEYS.forEach(k -> values.put(k.name(), k.defaultValue()));
    try {
      stored(home)
          .forEach(
              (k, v) ->
                  key(k)
                      .filter(known -> known.problem().apply(v.strip()).isEmpty())
                      .ifPresent(known -> values.put(known.name(), v.strip())));
    } catch (IOException | IllegalArgumentException unreadable) {
      // the defaults; pmfx conf says what is wrong with the file
    }
    return new LogSettings(values);
  }

  /** Each key's value in force, in {@link #KEYS}' order. */
  public Map<String, String> values() {
    return java.util.Collections.unmodifiableMap(values);
  }

  /** How often the daemon checks the files' sizes and reads these settings again. */
  public Duration workerInterval() {
    return Duration.ofSeconds(Long.parseLong(values.get("logrotate:workerInterval")));
  }

  /** The rotation of an app's files: its own options, else these settings. */
  public Rotation rotation(LogOptions app) {
    String interval = values.get("logrotate:rotateInterval");
    String zone = values.get("logrotate:TZ");
    return new Rotation(
        app.maxSize()
            .orElseGet(() -> ByteSize.parse(values.get("logrotate:max_size")).orElseThrow())
            .bytes(),
        app.retain().orElseGet(() -> Integer.parseInt(values.get("logrotate:retain"))),
        app.compress().orElseGet(() -> Boolean.parseBoolean(values.get("logrotate:compress"))),
        values.get("logrotate:dateFormat"),
        app.rotateInterval().or(() -> Optional.of(interval).filter(i -> !i.equals("0"))),
        zone.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(zone));
  }

  private static Optional<String> whole(String value, int min) {
    try {
      if (Integer.parseInt(value) >= min) {
        return Optional.empty();
      }
    } catch (NumberFormatException e) {
      // below
    }
    return Optional.of("a whole number of at least " + min);
  }

  private static Optional<String> bool(String value) {
    return value.equals("true") || value.equals("false")
        ? Optional.empty()
        : Optional.of("true or false");
  }

  private static Optional<String> dateFormat(String value) {
    if (value.isEmpty() || value.contains("/") || value.contains("\\")) {
      return Optional.of("a moment.js date format for file names, without slashes");
    }
    try {
      MomentFormat.toFormatter(value).format(java.time.ZonedDateTime.now());
      return Optional.empty();
    } catch (IllegalArgumentException | DateTimeException e) {
      return Optional.of("a moment.js date format such as YYYY-MM-DD_HH-mm-ss");
    }
  }

  private static Optional<String> cron(String value) {
    if (value.equals("0")) {
      return Optional.empty();
    }
    return CronSchedule.problem(value)
        .map(
            p ->
                "a cron expression (five fields, or six with seconds first; '0 0 * * *' is daily"
                    + " at midnight) or 0 for none: "
                    + p);
  }

  private static Optional<String> zone(String value) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      ZoneId.of(value);
      return Optional.empty();
    } catch (DateTimeException e) {
      return Optional.of(
          "a time zone such as Europe/Paris or Etc/GMT-1, or empty for the system's");
    }
  }
}
