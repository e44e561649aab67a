package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.LogOptions;
import dev.pmfx.engine.CommandResult.Problem;
import dev.pmfx.engine.EngineEvent.LogLine;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.logs.JsonLine;
import dev.pmfx.logs.LinePump;
import dev.pmfx.logs.LogFile;
import dev.pmfx.logs.LogPaths;
import dev.pmfx.logs.LogSettings;
import dev.pmfx.logs.LogTail;
import dev.pmfx.logs.MomentFormat;
import dev.pmfx.logs.Rotation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Workers' output: each stream pumped on a thread of its own into its log files (as {@link
 * LogPaths} names them), a tail of the last {@link #TAIL_LINES} lines per worker for views, and a
 * {@code LogLine} event per line. Any thread.
 */
final class WorkerLogs {

  /** Lines of each worker kept in memory for views. */
  static final int TAIL_LINES = 5_000;

  /** Characters of each worker's tail at most (lines can be 1 MiB each): about 1 MiB of text. */
  static final int TAIL_CHARS = 1 << 20;

  private final PmfxHome home;
  private final EventHub events;
  private final Supplier<Instant> clock;
  private final Set<CompletableFuture<Void>> pumps = ConcurrentHashMap.newKeySet();
  private final Map<Integer, LogTail<LogLine>> tails = new ConcurrentHashMap<>();
  private final Map<Path, LogFile> files = new ConcurrentHashMap<>();
  private final Map<Path, LogOptions> optionsOf = new ConcurrentHashMap<>();

  /** The files whose trouble the workers' logs were told of, and not yet of its end. */
  private final Set<Path> troubled = ConcurrentHashMap.newKeySet();

  private volatile LogSettings settings;
  private final Thread rotator;

  /** Told the app's name when one of its files begins or ends dropping lines. */
  private final java.util.function.Consumer<String> troubleChanged;

  WorkerLogs(
      PmfxHome home,
      EventHub events,
      Supplier<Instant> clock,
      java.util.function.Consumer<String> troubleChanged) {
    this.home = home;
    this.events = events;
    this.clock = clock;
    this.troubleChanged = troubleChanged;
    this.settings = LogSettings.load(home);
    this.rotator = Thread.ofVirtual().name("pmfx-log-rotation").start(this::rotateWhenDue);
  }

  /**
   * Every {@code logrotate:workerInterval}: reads the global settings again, gives each open file
   * its rotation, and rotates those due by size or by time, though their workers are quiet.
   */
  private void rotateWhenDue() {
    long last = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(1_000); // a shorter workerInterval set meanwhile counts from now
      } catch (InterruptedException e) {
        return;
      }
      if (System.nanoTime() - last < settings.workerInterval().toNanos()) {
        continue;
      }
      last = System.nanoTime();
      settings = LogSettings.load(home);
      Instant now = Instant.now();
      files.forEach(
          (path, file) -> {
            try {
              file.rotation(settings.rotation(optionsOf.getOrDefault(path, LogOptions.NONE)), now);
              file.tick(now);
            } catch (IOException e) {
              // as for append: the views still have the lines
            }
          });
    }
  }

  /** A worker's log files, opened before its process starts: one that cannot open stops it. */
  record Outputs(List<LogFile> out, List<LogFile> err) {}

  Outputs open(AppSpec spec, int instance) {
    settings = LogSettings.load(home); // pmfx set takes effect for a worker started after it
    return new Outputs(
        filesFor(spec, instance, LogLine.Stream.OUT), filesFor(spec, instance, LogLine.Stream.ERR));
  }

  /** Pumps the process's stdout and stderr; completes when both reached their end. */
  CompletableFuture<Void> pump(Worker w, Process process, Outputs outputs) {
    CompletableFuture<Void> drained =
        CompletableFuture.allOf(
            pump(w, process.getInputStream(), LogLine.Stream.OUT, outputs.out()),
            pump(w, process.getErrorStream(), LogLine.Stream.ERR, outputs.err()));
    pumps.add(drained);
    drained.whenComplete((done, error) -> pumps.remove(drained));
    return drained;
  }

  private CompletableFuture<Void> pump(
      Worker w, InputStream in, LogLine.Stream stream, List<LogFile> files) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    AppSpec spec = w.spec;
    int instance = w.instance;
    LogTail<LogLine> tail =
        tails.computeIfAbsent(
            w.key, k -> new LogTail<>(TAIL_LINES, TAIL_CHARS, l -> l.text().length()));
    // A platform thread: a read from a pipe blocks its carrier, and with hundreds of workers
    // virtual threads would use up the carrier pool and starve everything else that runs on it.
    Thread.ofPlatform()
        .daemon()
        .stackSize(256 * 1024)
        .name("pmfx-log-" + spec.name() + "-" + instance + "-" + stream)
        .start(
            () -> {
              try (in) {
                LinePump.pump(
                    in,
                    text -> {
                      int id = w.id; // a reload's new worker takes the id of the one it replaced
                      LogLine line =
                          new LogLine(clock.get(), id, spec.name(), instance, stream, text);
                      String written =
                          spec.logs().json()
                              ? JsonLine.format(
                                  text,
                                  line.at(),
                                  stream == LogLine.Stream.OUT ? "out" : "err",
                                  id,
                                  spec.name(),
                                  dates(spec))
                              : text;
                      for (LogFile file : files) {
                        try {
                          file.append(line.at(), written, false);
                        } catch (IOException e) {
                          // a rotation failed; the tail and views still get the line
                        }
                        tellTrouble(w, file);
                      }
                      tail.add(line);
                      events.publish(line);
                    },
                    () -> files.forEach(WorkerLogs::flush));
              } catch (IOException e) {
                // the process's pipe closed
              } finally {
                files.forEach(WorkerLogs::flush); // a last line without a newline came at the end
                done.complete(null);
              }
            });
    return done;
  }

  /**
   * Says once, in the worker's log as views show it, that a file's lines are being dropped (a full
   * disk), and once more when they are written again, with how many bytes were lost.
   */
  private void tellTrouble(Worker w, LogFile file) {
    Optional<LogFile.Trouble> trouble = file.trouble();
    // the set decides which of the file's pumps (its streams, merged workers) says it
    if (trouble.isPresent() && troubled.add(file.path())) {
      note(
          List.of(w),
          "cannot write "
              + file.path()
              + ": "
              + trouble.get().why()
              + "; its lines are dropped (the views still get them) until it can, and counted");
      troubleChanged.accept(w.spec.name());
    } else if (trouble.isEmpty() && troubled.remove(file.path())) {
      long lost = file.ended().map(LogFile.Trouble::droppedBytes).orElse(0L);
      note(
          List.of(w),
          "writing " + file.path() + " again; " + lost + " bytes of lines were dropped meanwhile");
      troubleChanged.accept(w.spec.name());
    }
  }

  /** Every log file of the app's workers, of each instance and stream, and its combined one. */
  private Set<Path> pathsOf(AppSpec spec) {
    Set<Path> paths = new LinkedHashSet<>();
    for (int instance = 0; instance < Math.max(1, spec.instances()); instance++) {
      for (LogLine.Stream stream : LogLine.Stream.values()) {
        paths.add(LogPaths.of(home, spec, instance, stream));
      }
    }
    LogPaths.combined(home, spec).ifPresent(paths::add);
    return paths;
  }

  /** The app's log files that cannot be written now, a sentence each. */
  List<String> troubles(AppSpec spec) {
    if (spec.logs().disabled()) {
      return List.of();
    }
    List<String> troubles = new ArrayList<>();
    for (Path path : pathsOf(spec)) {
      LogFile file = files.get(path);
      if (file != null) {
        file.trouble()
            .ifPresent(
                t ->
                    troubles.add(
                        "cannot write "
                            + path
                            + " since "
                            + t.since()
                            + ": "
                            + t.why()
                            + "; "
                            + t.droppedBytes()
                            + " bytes of lines dropped so far"));
      }
    }
    return troubles;
  }

  private static void flush(LogFile file) {
    try {
      file.flush();
    } catch (IOException e) {
      // as for append: the views still have the lines
    }
  }

  /** The files a worker's stream goes to: none with {@code disable_logs}, none at /dev/null. */
  private List<LogFile> filesFor(AppSpec spec, int instance, LogLine.Stream stream) {
    List<LogFile> found = new ArrayList<>();
    if (spec.logs().disabled()) {
      return found;
    }
    List<Path> paths = new ArrayList<>();
    paths.add(LogPaths.of(home, spec, instance, stream));
    LogPaths.combined(home, spec).ifPresent(paths::add);
    for (Path path : paths) {
      if (!LogPaths.discards(path)) {
        found.add(file(path, spec));
      }
    }
    return found;
  }

  private static Optional<DateTimeFormatter> dates(AppSpec spec) {
    return spec.logDateFormat()
        .map(MomentFormat::toFormatter)
        .map(f -> f.withZone(java.time.ZoneId.systemDefault()));
  }

  private LogFile file(Path path, AppSpec spec) {
    // a JSON line has its time inside
    Optional<DateTimeFormatter> dates = spec.logs().json() ? Optional.empty() : dates(spec);
    Rotation rotation = settings.rotation(spec.logs());
    optionsOf.put(path, spec.logs());
    return files.compute(
        path,
        (p, open) -> {
          if (open != null
              && open.dates().map(Object::toString).equals(dates.map(Object::toString))) {
            open.rotation(rotation, Instant.now());
            return open;
          }
          try {
            if (open != null) {
              open.close(); // the app's log_date_format or log_type changed
            }
            return new LogFile(p, rotation, dates);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot open log file " + p, e);
          }
        });
  }

  /** The last lines of the worker with {@code key}. */
  List<LogLine> tail(int key, int lines) {
    LogTail<LogLine> tail = tails.get(key);
    return tail == null ? List.of() : tail.last(lines);
  }

  /** The worker is gone: its tail goes with it. */
  void forget(int key) {
    tails.remove(key);
  }

  /**
   * What a worker that died on its way up said on stderr, for the failure's words: its first line
   * that speaks of an error (a compiler's or a stack trace's), else its last; empty if nothing.
   */
  String lastWords(int key) {
    List<String> said =
        tail(key, 50).stream()
            .filter(l -> l.stream() == LogLine.Stream.ERR && !l.text().isBlank())
            .map(l -> l.text().strip())
            .filter(t -> !t.startsWith("pmfx: "))
            .toList();
    if (said.isEmpty()) {
      return "";
    }
    String words =
        said.stream()
            .filter(t -> t.toLowerCase(Locale.ROOT).contains("error"))
            .findFirst()
            .orElse(said.getLast());
    return words.length() > 160 ? words.substring(0, 157) + "..." : words;
  }

  /** A line from pmfx itself in each of the workers' logs, as views show it: {@code pmfx: ...}. */
  void note(List<Worker> workers, String text) {
    for (Worker w : workers) {
      events.publish(
          new LogLine(
              clock.get(), w.id, w.spec.name(), w.instance, LogLine.Stream.ERR, "pmfx: " + text));
    }
  }

  /** Empties the apps' log files (PM2's flush), off the loop; the problems, if any. */
  CompletableFuture<List<Problem>> empty(List<AppSpec> specs, List<Integer> keys) {
    keys.forEach(tails::remove);
    return CompletableFuture.supplyAsync(
        () -> {
          List<Problem> problems = new ArrayList<>();
          for (AppSpec spec : specs) {
            for (Path path : pathsOf(spec)) {
              if (LogPaths.discards(path)) {
                continue;
              }
              try {
                LogFile open = files.get(path);
                if (open != null) {
                  open.empty();
                } else {
                  LogFile.empty(path);
                }
              } catch (IOException e) {
                problems.add(
                    new Problem(spec.name(), "cannot empty " + path + ": " + e.getMessage()));
              }
            }
          }
          return problems;
        },
        Thread::startVirtualThread);
  }

  /** The last lines of the app's log files, read back off the loop. */
  CompletableFuture<List<LogLine>> history(AppSpec spec, int lines) {
    return CompletableFuture.supplyAsync(
        () -> {
          List<LogLine> history = new ArrayList<>();
          int count = spec.mergeLogs() ? 1 : spec.instances();
          for (int instance = 0; instance < count; instance++) {
            for (LogLine.Stream stream : LogLine.Stream.values()) {
              Path path = LogPaths.of(home, spec, instance, stream);
              try {
                if (!Files.isRegularFile(path)) {
                  continue;
                }
                Instant changed = Files.getLastModifiedTime(path).toInstant();
                for (String text : LogFile.lastLines(path, lines)) {
                  // a JSON log's lines read back as what the worker wrote
                  String said = spec.logs().json() ? JsonLine.message(text).orElse(text) : text;
                  history.add(new LogLine(changed, -1, spec.name(), instance, stream, said));
                }
              } catch (IOException e) {
                history.add(
                    new LogLine(
                        clock.get(),
                        -1,
                        spec.name(),
                        instance,
                        LogLine.Stream.ERR,
                        "pmfx: cannot read " + path + ": " + e.getMessage()));
              }
            }
          }
          return List.copyOf(history);
        },
        Thread::startVirtualThread);
  }

  /**
   * Every line the workers wrote reaches its file, then the files close. A descendant outside
   * pmfx's reach that holds a pipe open cuts its lines off after {@code limit}.
   */
  void close(Duration limit) {
    rotator.interrupt();
    try {
      CompletableFuture.allOf(pumps.toArray(CompletableFuture[]::new))
          .get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // its lines end here
    }
    for (LogFile file : files.values()) {
      try {
        file.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
