package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.CronSchedule;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * What restarts an app on its own: its watched files (once changes have stopped for watch_delay)
 * and its cron_restart schedule. Loop only.
 */
final class Supervision {

  /** What supervision asks of the supervisor. */
  interface Host {
    /** A restart nobody typed, for the reason given. */
    void restart(String app, String why);

    /** A line from pmfx in the app's workers' logs. */
    void note(String app, String text);

    /** The app's spec now; empty once it is gone. */
    Optional<AppSpec> spec(String app);
  }

  private final Loop loop;
  private final List<Path> ignored;
  private final Host host;
  private final Map<String, AppWatch> watches = new LinkedHashMap<>();
  private final Map<String, ScheduledFuture<?>> pendingWatchRestarts = new LinkedHashMap<>();
  private final Map<String, Set<Path>> changedFiles = new LinkedHashMap<>();
  private final Map<String, ScheduledFuture<?>> cronRestarts = new LinkedHashMap<>();

  /**
   * @param ignored folders no watch reports (pmfx's home, where the logs are)
   */
  Supervision(Loop loop, List<Path> ignored, Host host) {
    this.loop = loop;
    this.ignored = List.copyOf(ignored);
    this.host = host;
  }

  /** Starts watching the app's files and its cron schedule, as its spec asks. */
  void supervise(AppSpec spec) {
    String name = spec.name();
    if (!spec.watch().isEmpty() && !watches.containsKey(name)) {
      try {
        watches.put(
            name,
            AppWatch.start(spec, ignored, path -> loop.post(() -> onFileChanged(name, path))));
      } catch (IOException e) {
        host.note(name, "cannot watch " + spec.watch() + ": " + e.getMessage());
      }
    }
    if (spec.cronRestart().isPresent() && !cronRestarts.containsKey(name)) {
      scheduleCron(name);
    }
  }

  void unsupervise(String name) {
    AppWatch watch = watches.remove(name);
    if (watch != null) {
      watch.close();
    }
    ScheduledFuture<?> pending = pendingWatchRestarts.remove(name);
    if (pending != null) {
      pending.cancel(false);
    }
    changedFiles.remove(name);
    ScheduledFuture<?> cron = cronRestarts.remove(name);
    if (cron != null) {
      cron.cancel(false);
    }
  }

  void unsuperviseAll() {
    List.copyOf(watches.keySet()).forEach(this::unsupervise);
    List.copyOf(cronRestarts.keySet()).forEach(this::unsupervise);
  }

  /** A watched file changed: restart once changes have stopped for watch_delay. */
  private void onFileChanged(String name, Path path) {
    Optional<AppSpec> spec = host.spec(name);
    AppWatch watch = watches.get(name);
    if (spec.isEmpty() || watch == null) {
      return;
    }
    ScheduledFuture<?> pending = pendingWatchRestarts.remove(name);
    if (pending != null) {
      pending.cancel(false);
    }
    changedFiles.computeIfAbsent(name, k -> new LinkedHashSet<>()).add(watch.relative(path));
    pendingWatchRestarts.put(
        name,
        loop.after(
            spec.get().watchDelay(),
            () -> {
              pendingWatchRestarts.remove(name);
              Set<Path> files = changedFiles.remove(name);
              if (watches.containsKey(name) && files != null) {
                host.restart(name, "watch: " + describe(files));
              }
            }));
  }

  private static String describe(Set<Path> files) {
    List<String> names = files.stream().map(Path::toString).toList();
    if (names.size() == 1) {
      return names.getFirst() + " changed";
    }
    String shown = String.join(", ", names.subList(0, Math.min(3, names.size())));
    return names.size() + " files changed: " + shown + (names.size() > 3 ? ", ..." : "");
  }

  private void scheduleCron(String name) {
    Optional<String> cron = host.spec(name).flatMap(AppSpec::cronRestart);
    if (cron.isEmpty()) {
      return;
    }
    String expression = cron.get();
    ZonedDateTime from = loop.now().atZone(ZoneId.systemDefault());
    Optional<ZonedDateTime> next = CronSchedule.next(expression, from);
    if (next.isEmpty()) {
      return;
    }
    cronRestarts.put(
        name,
        loop.after(
            Duration.between(from, next.get()),
            () -> {
              if (cronRestarts.containsKey(name)) {
                host.restart(name, "cron_restart: " + expression);
                scheduleCron(name);
              }
            }));
  }
}
