package dev.pmfx.ui;

import dev.pmfx.config.Ecosystem;
import dev.pmfx.engine.ActionResult;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.Scale;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.LogEntry;
import dev.pmfx.ui.ProcessItems.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The commands on rows and on everything, sent to the {@link Engine}: a row shows the action
 * running on it and why it failed; any failure is told as a problem.
 */
final class Commands {

  /** Lines read back from an app's log files, at most, when its logs are first shown. */
  static final int EARLIER_LINES = 200;

  private final Engine engine;
  private final java.util.function.Function<String, Optional<Engine>> hosts;
  private final Background background;
  private final WindowStatus status;
  private final TableProjection table;
  private final OpenFiles files;

  /**
   * @param engine this machine's
   * @param hosts another host's, by name, while it is listed
   */
  Commands(
      Engine engine,
      java.util.function.Function<String, Optional<Engine>> hosts,
      Background background,
      WindowStatus status,
      TableProjection table,
      OpenFiles files) {
    this.engine = engine;
    this.hosts = hosts;
    this.background = background;
    this.status = status;
    this.table = table;
    this.files = files;
  }

  /** The engine of the host the row is on. */
  private Engine engine(String host) {
    if (host.equals(Hosts.LOCAL)) {
      return engine;
    }
    return hosts
        .apply(host)
        .orElseThrow(() -> new IllegalStateException(host + " is no longer in the Hosts list"));
  }

  private Engine engine(Row row) {
    return engine(row.host());
  }

  /** Starts the row; an app not started yet, from the file that declares it. */
  void start(Row row) {
    Optional<Ecosystem> file =
        row instanceof AppItem app && !app.knownProperty().get()
            ? files.fileOf(app.name()).flatMap(files::ecosystem)
            : Optional.empty();
    if (file.isPresent()) {
      AppItem app = (AppItem) row;
      act(row, "starting", () -> engine.start(file.get(), Optional.empty(), Set.of(app.name())));
    } else {
      act(row, "starting", () -> engine(row).start(row.target()));
    }
  }

  void stop(Row row) {
    act(row, "stopping", () -> engine(row).stop(row.target()));
  }

  void restart(Row row) {
    act(row, "restarting", () -> engine(row).restart(row.target()));
  }

  void reload(Row row) {
    act(row, "reloading", () -> engine(row).reload(row.target()));
  }

  void scale(AppItem app, int instances) {
    act(app, "scaling", () -> engine(app).scale(app.name(), Scale.to(instances)));
  }

  void delete(Row row) {
    act(row, "deleting", () -> engine(row).delete(row.target()));
  }

  /**
   * Calls an action the row's workers offer ({@code @pm2/io}), and gives {@code shown} their
   * replies, or why there were none, in words.
   */
  void trigger(Row row, String action, Optional<String> param, Consumer<String> shown) {
    engine(row)
        .trigger(row.target(), action, param)
        .whenComplete(
            (result, error) ->
                background.later(
                    () -> shown.accept(error != null ? error.getMessage() : replies(result))));
  }

  private static String replies(ActionResult result) {
    List<String> lines = new ArrayList<>();
    for (ActionResult.Reply reply : result.replies()) {
      lines.add(reply.label() + " #" + reply.workerId() + ": " + reply.value());
    }
    result.problems().forEach(p -> lines.add(p.app() + ": " + p.message()));
    return String.join("\n", lines);
  }

  /**
   * Starts every app of the open files that is not running, and every stopped worker: on this
   * machine, or on {@code host} alone (the Hosts filter names it).
   */
  void startAll(String host) {
    if (!host.equals(Hosts.LOCAL)) {
      command(host, Hosts.on(host, "start all"), () -> engine(host).start("all"));
      return;
    }
    Map<Path, Set<String>> fresh = new LinkedHashMap<>();
    for (AppItem app : table.apps()) {
      if (!app.knownProperty().get() && app.host().equals(Hosts.LOCAL)) {
        files
            .fileOf(app.name())
            .ifPresent(f -> fresh.computeIfAbsent(f, k -> new HashSet<>()).add(app.name()));
      }
    }
    fresh.forEach(
        (f, names) ->
            command(
                "start all",
                () -> engine.start(files.ecosystem(f).orElseThrow(), Optional.empty(), names)));
    command("start all", () -> engine.start("all"));
  }

  void stopAll(String host) {
    command(host, Hosts.on(host, "stop all"), () -> engine(host).stop("all"));
  }

  void restartAll(String host) {
    command(host, Hosts.on(host, "restart all"), () -> engine(host).restart("all"));
  }

  /**
   * Reloads the app on every host that runs it, one host after the other, each host's reload as
   * zero-downtime as one alone; the first host whose reload fails ends it, and the hosts after it
   * keep the version they run: this machine first, then the hosts in {@code hostOrder}'s order.
   * {@code fleet} shows where it is.
   */
  void reloadEverywhere(
      String app,
      List<String> hostOrder,
      javafx.beans.property.ObjectProperty<ProcessItems.FleetItem> fleet) {
    if (fleet.get() != null && !fleet.get().over()) {
      status.tell(
          "A reload on every host of "
              + fleet.get().app()
              + " runs: the next one waits for its end");
      return;
    }
    List<AppItem> running =
        table
            .running(app)
            .sorted(java.util.Comparator.comparingInt(a -> hostOrder.indexOf(a.host())))
            .toList();
    ProcessItems.FleetItem item =
        new ProcessItems.FleetItem(app, running.stream().map(Row::host).toList());
    fleet.set(item);
    reloadFrom(item, running, 0);
  }

  private void reloadFrom(ProcessItems.FleetItem fleet, List<AppItem> hosts, int next) {
    if (next == hosts.size()) {
      return;
    }
    AppItem app = hosts.get(next);
    fleet.hosts().get(next).to(ProcessItems.FleetItem.Phase.RELOADING, "");
    act(app, "reloading", () -> engine(app).reload(app.name()))
        .whenComplete(
            (result, error) ->
                background.later(
                    () -> {
                      String failed =
                          error != null
                              ? "reload failed: " + error.getMessage()
                              : String.join(
                                  "; ",
                                  result.problems().stream()
                                      .map(CommandResult.Problem::message)
                                      .toList());
                      if (failed.isEmpty()) {
                        fleet.hosts().get(next).to(ProcessItems.FleetItem.Phase.DONE, "");
                        reloadFrom(fleet, hosts, next + 1);
                      } else {
                        fleet.hosts().get(next).to(ProcessItems.FleetItem.Phase.FAILED, failed);
                        for (int later = next + 1; later < hosts.size(); later++) {
                          fleet
                              .hosts()
                              .get(later)
                              .to(
                                  ProcessItems.FleetItem.Phase.SKIPPED,
                                  "not reloaded: the reload on "
                                      + Hosts.label(app.host())
                                      + " failed");
                        }
                        status.tell(
                            app.name()
                                + ": the reload on every host stopped at "
                                + Hosts.label(app.host())
                                + (next + 1 < hosts.size()
                                    ? "; the hosts after it keep the version they run"
                                    : ", the last host"));
                      }
                    }));
  }

  /**
   * Shows what the app's log files hold from before this session, once, when its log pane opens
   * with nothing in it yet: a crash at 3 a.m. can still be read after pmfx was restarted.
   */
  void showEarlierLogs(AppItem app) {
    if (app.earlierLogsAsked || !app.logs().isEmpty()) {
      return;
    }
    app.earlierLogsAsked = true;
    engine(app)
        .logHistory(app.specProperty().get(), EARLIER_LINES)
        .thenAccept(lines -> background.later(() -> addEarlier(app, lines)));
  }

  private static void addEarlier(AppItem app, List<EngineEvent.LogLine> lines) {
    if (lines.isEmpty()) {
      return;
    }
    List<LogEntry> earlier = new ArrayList<>();
    earlier.add(
        new LogEntry(
            lines.getFirst().at(),
            "pmfx",
            false,
            "── the last lines of " + app.name() + "'s log files, from before this session ──",
            true));
    for (EngineEvent.LogLine line : lines) {
      LogEntry entry = ProcessItems.entry(line);
      earlier.add(new LogEntry(entry.at(), entry.source(), entry.error(), entry.text(), true));
    }
    app.addEarlierLogs(earlier);
  }

  private CompletableFuture<CommandResult> act(
      Row row, String doing, Supplier<CompletableFuture<CommandResult>> command) {
    row.actionProperty().set(doing + "…");
    row.failureProperty().set("");
    return command(row.host(), doing + " " + Hosts.on(row.host(), row.target()), command)
        .whenComplete(
            (result, error) ->
                background.later(
                    () -> {
                      row.actionProperty().set("");
                      row.failureProperty().set(failure(row.host(), doing, result, error));
                    }));
  }

  /** Why a command on {@code host} failed, in words, naming the host; empty when it did not. */
  private static String failure(String host, String doing, CommandResult result, Throwable error) {
    if (error != null) {
      return doing + " failed: " + error.getMessage();
    }
    return String.join(
        "\n",
        result.problems().stream().map(p -> Hosts.on(host, p.app()) + ": " + p.message()).toList());
  }

  private CompletableFuture<CommandResult> command(
      String what, Supplier<CompletableFuture<CommandResult>> command) {
    return command(Hosts.LOCAL, what, command);
  }

  private CompletableFuture<CommandResult> command(
      String host, String what, Supplier<CompletableFuture<CommandResult>> command) {
    CompletableFuture<CommandResult> sent;
    try {
      sent = command.get();
    } catch (RuntimeException refused) {
      sent = CompletableFuture.failedFuture(refused);
    }
    return sent.whenComplete(
        (result, error) ->
            background.later(
                () -> {
                  String failed = failure(host, what, result, error);
                  if (!failed.isEmpty()) {
                    status.tell(failed);
                  }
                }));
  }
}
