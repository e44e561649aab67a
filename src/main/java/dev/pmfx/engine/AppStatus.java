package dev.pmfx.engine;

import dev.pmfx.config.AppSpec;
import java.util.List;

/** A snapshot of one app: what its config says, and its workers. */
public record AppStatus(AppSpec spec, List<WorkerStatus> workers) {

  public AppStatus {
    workers = List.copyOf(workers);
  }

  public String name() {
    return spec.name();
  }
}
