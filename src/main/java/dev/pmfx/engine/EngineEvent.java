package dev.pmfx.engine;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/** What the engine tells its subscribers, in the order it happened. */
@JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(EngineEvent.WorkerChanged.class),
  @JsonSubTypes.Type(EngineEvent.LogLine.class),
  @JsonSubTypes.Type(EngineEvent.AppAdded.class),
  @JsonSubTypes.Type(EngineEvent.AppRemoved.class),
  @JsonSubTypes.Type(EngineEvent.MetricsSample.class)
})
public sealed interface EngineEvent {

  Instant at();

  /**
   * A worker moved from one state to another; {@code worker} is its state after the move.
   *
   * @param reason why, in words: "exited with code 1", "ready", "no ready signal within 3s"
   */
  record WorkerChanged(Instant at, WorkerState from, WorkerStatus worker, String reason)
      implements EngineEvent {}

  /** One line a worker wrote, without its line ending. */
  record LogLine(Instant at, int workerId, String app, int instance, Stream stream, String text)
      implements EngineEvent {
    public enum Stream {
      OUT,
      ERR
    }
  }

  record AppAdded(Instant at, AppStatus app) implements EngineEvent {}

  record AppRemoved(Instant at, String app) implements EngineEvent {}

  /**
   * CPU and memory of every running worker's process tree, once per sampling interval (1 s by
   * default), and the request counts of cluster workers in a balancer; workers without a process
   * are left out.
   */
  record MetricsSample(
      Instant at, java.util.List<WorkerUsage> workers, java.util.List<WorkerRequests> requests)
      implements EngineEvent {

    /**
     * @param cpuPercent percent of one core, as {@code top} shows it (busy on two cores: 200)
     * @param memoryBytes resident memory of the worker and every process it started
     */
    public record WorkerUsage(
        int workerId, String app, int instance, double cpuPercent, long memoryBytes) {}

    /**
     * What a cluster app's balancer counted for one worker since it joined the rotation.
     *
     * @param requests requests it was given (connections, for {@code balancer: tcp})
     * @param inFlight those not answered yet
     * @param errors those that failed: refused, cut off, or answered 502 on its behalf
     * @param p50Millis median latency of its recent requests, to the response's end
     */
    public record WorkerRequests(
        int workerId,
        String app,
        long requests,
        int inFlight,
        long errors,
        double p50Millis,
        double p99Millis) {}
  }
}
