package dev.pmfx.engine;

import dev.pmfx.config.AppSpec;
import java.util.List;

/**
 * A snapshot of one app: what its config says, and its workers.
 *
 * @param file the ecosystem file it was started from, which a reload reads again
 * @param envName the {@code env_<name>} it was started with
 * @param publicPort cluster mode: the port its balancer serves, once it does
 * @param requests cluster mode: what its balancer counted for each worker in rotation
 * @param logTrouble its log files that cannot be written now (a full disk), a sentence each: its
 *     lines are dropped and counted meanwhile
 */
public record AppStatus(
    AppSpec spec,
    java.util.Optional<java.nio.file.Path> file,
    java.util.Optional<String> envName,
    List<WorkerStatus> workers,
    java.util.OptionalInt publicPort,
    List<EngineEvent.MetricsSample.WorkerRequests> requests,
    List<String> logTrouble) {

  public AppStatus {
    workers = List.copyOf(workers);
    requests = List.copyOf(requests);
    logTrouble = logTrouble == null ? List.of() : List.copyOf(logTrouble);
  }

  public String name() {
    return spec.name();
  }
}
