package dev.pmfx.daemon;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Ecosystem;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.Command;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.Query;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Apps as a file holds them: {@code pmfx save}'s dump, and the daemon's own state, written as it
 * changes so that the next daemon finds what an earlier one left running.
 *
 * @param pid the process that wrote the file
 * @param at when it was written
 * @param apps every app with its spec, file, env name and workers (their pids and start times)
 * @param environments by app, the environment of the shell that started it, which its workers get
 *     instead of the daemon's; an app not here gets the daemon's
 */
public record SavedApps(
    long pid, Instant at, List<AppStatus> apps, Map<String, Map<String, String>> environments) {

  public SavedApps {
    apps = List.copyOf(apps);
    environments = environments == null ? Map.of() : Map.copyOf(environments);
  }

  public static SavedApps of(List<AppStatus> apps) {
    return new SavedApps(ProcessHandle.current().pid(), Instant.now(), apps, Map.of());
  }

  /** The engine's apps, each with the environment of the shell that started it, as PM2 saves. */
  public static SavedApps of(Engine engine) {
    List<AppStatus> apps = engine.snapshot();
    Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    for (AppStatus app : apps) {
      Engine.answer(engine.ask(new Query.AppEnvironment(app.name())))
          .ifPresent(env -> environments.put(app.name(), env));
    }
    return new SavedApps(ProcessHandle.current().pid(), Instant.now(), apps, environments);
  }

  /** Written whole or not at all: a reader never sees half a file. */
  public void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".saving", ".json");
    try {
      Wire.JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), this);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * The file's apps; empty when there is no file.
   *
   * @throws IOException naming the file, when it cannot be read or is not one pmfx wrote
   */
  public static Optional<SavedApps> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Wire.JSON.readValue(file.toFile(), new TypeReference<SavedApps>() {}));
    } catch (IOException e) {
      throw new IOException(file + ": not a file of saved pmfx apps: " + e.getMessage(), e);
    }
  }

  /** The apps that had a worker running (or about to restart) when the file was written. */
  public List<AppStatus> running() {
    return apps.stream().filter(SavedApps::running).toList();
  }

  private static boolean running(AppStatus app) {
    return app.workers().stream()
        .map(WorkerStatus::state)
        .anyMatch(s -> s.running() && s != WorkerState.STOPPING || s == WorkerState.CRASHED);
  }

  /** Starts {@link #running} apps again, each with the environment it was started with. */
  public List<CommandResult> startRunning(Engine engine) {
    return start(engine, running(), environments);
  }

  /**
   * Starts the apps again with their saved specs and environments, one start a file, env name and
   * environment, so that a reload reads each app's own file; apps the engine already runs are left
   * as they are.
   */
  public static List<CommandResult> start(
      Engine engine, List<AppStatus> apps, Map<String, Map<String, String>> environments) {
    Set<String> known =
        engine.snapshot().stream()
            .filter(SavedApps::running)
            .map(AppStatus::name)
            .collect(Collectors.toSet());
    record Group(Optional<Path> file, Optional<String> envName, Map<String, String> env) {}
    Map<Group, List<AppSpec>> groups = new LinkedHashMap<>();
    for (AppStatus app : apps) {
      if (!known.contains(app.name())) {
        groups
            .computeIfAbsent(
                new Group(
                    app.file(), app.envName(), environments.getOrDefault(app.name(), Map.of())),
                g -> new ArrayList<>())
            .add(app.spec());
      }
    }
    List<CommandResult> results = new ArrayList<>();
    groups.forEach(
        (group, specs) ->
            results.add(
                engine
                    .run(
                        new Command.Start(
                            new Ecosystem(group.file().orElse(null), specs, List.of()),
                            group.envName(),
                            Set.of(),
                            group.env()))
                    .join()));
    return results;
  }
}
