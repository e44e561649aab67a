package dev.pmfx.logs;

import dev.pmfx.config.AppSpec;
import dev.pmfx.engine.EngineEvent.LogLine;
import dev.pmfx.home.PmfxHome;
import java.nio.file.Path;

/** Where workers' output is written, as PM2 names it; the one place that rule lives. */
public final class LogPaths {

  private LogPaths() {}

  /** The folder of the log files pmfx names itself: {@code logs} in its home. */
  public static Path folder(PmfxHome home) {
    return home.dir().resolve("logs");
  }

  /**
   * A worker's stdout or stderr file: {@code out_file}/{@code error_file} when set, else {@code
   * NAME-out.log} or {@code NAME-out-INSTANCE.log} (several instances, logs not merged) in {@link
   * #folder}.
   */
  public static Path of(PmfxHome home, AppSpec spec, int instance, LogLine.Stream stream) {
    String kind = stream == LogLine.Stream.OUT ? "out" : "error";
    String suffix = spec.mergeLogs() || spec.instances() == 1 ? "" : "-" + instance;
    return (stream == LogLine.Stream.OUT ? spec.outFile() : spec.errorFile())
        .orElse(folder(home).resolve(fileName(spec.name()) + "-" + kind + suffix + ".log"));
  }

  /**
   * An app's name as its log files are named, as PM2 names them: a character other than a letter, a
   * digit, {@code _}, {@code -} or {@code .} becomes {@code -}, so a command line's app ({@code npm
   * run start}) logs to {@code npm-run-start-out.log}, not to a name with spaces.
   */
  static String fileName(String app) {
    return app.replaceAll("[^A-Za-z0-9_.-]", "-");
  }

  /**
   * The app's combined log ({@code log_file}), if it has one: the path it names, or {@code
   * NAME.log} in {@link #folder} for {@code log_file: true}.
   */
  public static java.util.Optional<Path> combined(PmfxHome home, AppSpec spec) {
    return spec.logFile()
        .or(
            () ->
                spec.logs().combinedAtDefault()
                    ? java.util.Optional.of(folder(home).resolve(fileName(spec.name()) + ".log"))
                    : java.util.Optional.empty());
  }

  /** Whether the path discards what is written to it ({@code /dev/null}, PM2's 'NULL'). */
  public static boolean discards(Path path) {
    return path.toString().equals("/dev/null");
  }
}
