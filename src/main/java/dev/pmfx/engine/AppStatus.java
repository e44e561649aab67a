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
 * @param startNote why its workers have not started, as {@code depends_on} holds them: {@code
 *     waiting for db} while they wait, {@code not started: migrate exited with code 1} when what
 *     they waited for failed; empty otherwise
 */
public record AppStatus(
    AppSpec spec,
    java.util.Optional<java.nio.file.Path> file,
    java.util.Optional<String> envName,
    List<WorkerStatus> workers,
    java.util.OptionalInt publicPort,
    List<EngineEvent.MetricsSample.WorkerRequests> requests,
    List<String> logTrouble,
    java.util.Optional<String> startNote) {

  public AppStatus {
    workers = List.copyOf(workers);
    requests = List.copyOf(requests);
    logTrouble = logTrouble == null ? List.of() : List.copyOf(logTrouble);
    startNote = startNote == null ? java.util.Optional.empty() : startNote;
  }

  public String name() {
    return spec.name();
  }

  /** Whether its workers wait for the apps it depends on to start. */
  public boolean waiting() {
    return startNote.filter(n -> n.startsWith(WAITING)).isPresent();
  }

  /** How {@link #startNote} begins while the app waits. */
  public static final String WAITING = "waiting for ";
}
