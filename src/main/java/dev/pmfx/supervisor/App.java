package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.engine.AppStatus;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One app the supervisor runs: its spec, its workers in instance order, its rollouts. Loop only.
 */
final class App {
  AppSpec spec;
  final List<Worker> workers = new ArrayList<>();

  /** The ecosystem file it was started from, which a reload reads again; null if none. */
  Path file;

  /** Its reloads and scales: the first runs, the others wait their turn. */
  final ArrayDeque<Rollout> rollouts = new ArrayDeque<>();

  /**
   * Why its workers have not started, as {@link StartOrder} holds them ({@code waiting for db});
   * null when they are not held.
   */
  String startNote;

  App(AppSpec spec) {
    this.spec = spec;
  }

  /**
   * The environment its workers start with instead of pmfx's own (the shell's that started them),
   * which a .js file is read again with; empty: pmfx's own.
   */
  Optional<java.util.Map<String, String>> environment() {
    return workers.stream().map(w -> w.environment).flatMap(Optional::stream).findFirst();
  }

  /** Its snapshot, without what its balancer adds; {@code logTrouble} as its logs have it. */
  AppStatus status(List<String> logTrouble) {
    return new AppStatus(
        spec,
        Optional.ofNullable(file),
        workers.stream().map(w -> w.envName).flatMap(Optional::stream).findFirst(),
        workers.stream().map(Worker::status).toList(),
        OptionalInt.empty(),
        List.of(),
        logTrouble,
        Optional.ofNullable(startNote));
  }
}
