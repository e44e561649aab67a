package dev.pmfx.engine;

import dev.pmfx.config.AppSpec;
import java.util.List;

/**
 * A snapshot of one app: what its config says, and its workers.
 *
 * @param publicPort cluster mode: the port its balancer serves, once it does
 * @param requests cluster mode: what its balancer counted for each worker in rotation
 */
public record AppStatus(
    AppSpec spec,
    List<WorkerStatus> workers,
    java.util.OptionalInt publicPort,
    List<EngineEvent.MetricsSample.WorkerRequests> requests) {

  public AppStatus {
    workers = List.copyOf(workers);
    requests = List.copyOf(requests);
  }

  public String name() {
    return spec.name();
  }
}
