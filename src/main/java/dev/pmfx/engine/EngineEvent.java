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
  @JsonSubTypes.Type(EngineEvent.MetricsSample.class),
  @JsonSubTypes.Type(EngineEvent.WorkerRemoved.class),
  @JsonSubTypes.Type(EngineEvent.AppUpdated.class),
  @JsonSubTypes.Type(EngineEvent.RolloutChanged.class),
  @JsonSubTypes.Type(EngineEvent.RolloutStep.class),
  @JsonSubTypes.Type(EngineEvent.HealthChecked.class)
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

  /**
   * A worker's health check ended with news: its health changed, or one more check failed. Checks
   * that pass again and again say nothing more.
   *
   * @param from its health before; {@code worker.health()} is after
   */
  record HealthChecked(Instant at, Health.State from, WorkerStatus worker) implements EngineEvent {}

  /** One line a worker wrote, without its line ending. */
  record LogLine(Instant at, int workerId, String app, int instance, Stream stream, String text)
      implements EngineEvent {
    /** Its worker's name: {@code api-0}. */
    public String label() {
      return WorkerStatus.label(app, instance);
    }

    public enum Stream {
      OUT,
      ERR
    }
  }

  record AppAdded(Instant at, AppStatus app) implements EngineEvent {}

  record AppRemoved(Instant at, String app) implements EngineEvent {}

  /** The app's spec or worker count changed: a reload re-read its file, or it was scaled. */
  record AppUpdated(Instant at, AppStatus app) implements EngineEvent {}

  /**
   * A worker left its app for good: a reload replaced it, or a scale removed it. (Workers join with
   * their first {@link WorkerChanged}.)
   */
  record WorkerRemoved(Instant at, String app, int workerId, String reason)
      implements EngineEvent {}

  /**
   * A reload or a scale of one app: queued behind another, running, or over.
   *
   * @param rollout numbers the rollouts of one engine; its {@link RolloutStep}s carry it
   * @param fromInstances the app's workers before it
   * @param toInstances the workers it aims at
   * @param detail what happened, in words; on failure, where and why
   */
  record RolloutChanged(
      Instant at,
      String app,
      long rollout,
      Kind kind,
      Phase phase,
      int fromInstances,
      int toInstances,
      String detail)
      implements EngineEvent {
    public enum Kind {
      RELOAD,
      SCALE
    }

    public enum Phase {
      QUEUED,
      RUNNING,
      DONE,
      FAILED
    }
  }

  /**
   * One step of a rollout for one worker, sent when it begins ({@link Status#RUNNING}) and again
   * when it ends, with the same {@code started}.
   *
   * @param workerId the worker the step acts on: the new one, or the one being replaced
   * @param deadline when the step gives up (listen_timeout, drain, kill_timeout), if it does
   * @param detail the new pid, what it waits for, how it ended
   */
  record RolloutStep(
      Instant at,
      String app,
      long rollout,
      int instance,
      int workerId,
      Step step,
      Status status,
      Instant started,
      java.util.Optional<Instant> deadline,
      String detail)
      implements EngineEvent {
    /** Its worker's name: {@code api-0}. */
    public String label() {
      return WorkerStatus.label(app, instance);
    }

    /** The steps, in the order a reload takes them. */
    public enum Step {
      /** A new process starts. */
      START,
      /** Until it is ready: its ready signal, or listening (cluster); at most listen_timeout. */
      READY,
      /** Into the balancer's rotation. */
      ROUTE,
      /** Out of rotation; its requests in flight finish. */
      DRAIN,
      /** kill_signal sent; until it exits, at most kill_timeout. */
      SIGNAL,
      /** SIGKILL, when it outlived kill_timeout. */
      KILL
    }

    public enum Status {
      RUNNING,
      DONE,
      /** Over, not as hoped, and the rollout goes on: no ready signal, a drain that timed out. */
      WARNING,
      FAILED;

      public boolean over() {
        return this != RUNNING;
      }
    }
  }

  /**
   * CPU and memory of every running worker's process tree, once per sampling interval (1 s by
   * default), the request counts of cluster workers in a balancer, and what running workers'
   * {@code @pm2/io} reported last (their custom metrics and actions); workers without a process are
   * left out.
   */
  record MetricsSample(
      Instant at,
      java.util.List<WorkerUsage> workers,
      java.util.List<WorkerRequests> requests,
      java.util.List<WorkerProbes> probes)
      implements EngineEvent {

    public MetricsSample {
      workers = java.util.List.copyOf(workers);
      requests = java.util.List.copyOf(requests);
      probes = probes == null ? java.util.List.of() : java.util.List.copyOf(probes);
    }

    /** A sample without custom metrics. */
    public MetricsSample(
        Instant at, java.util.List<WorkerUsage> workers, java.util.List<WorkerRequests> requests) {
      this(at, workers, requests, java.util.List.of());
    }

    /** What the worker's {@code @pm2/io} reported last; empty when it reported nothing. */
    public java.util.Optional<WorkerProbes> probesOf(int workerId) {
      return probes.stream().filter(p -> p.workerId() == workerId).findFirst();
    }

    /**
     * What a worker's {@code @pm2/io} (or anything that speaks its messages on the worker's
     * channel) reported last: its metrics in the order it sent them, and the actions it offers.
     */
    public record WorkerProbes(
        int workerId,
        String app,
        int instance,
        java.util.List<CustomMetric> metrics,
        java.util.List<CustomAction> actions) {
      public WorkerProbes {
        metrics = java.util.List.copyOf(metrics);
        actions = java.util.List.copyOf(actions);
      }
    }

    /**
     * One of {@code io.metric}, {@code io.counter}, {@code io.meter}, {@code io.histogram}, or one
     * of the metrics {@code @pm2/io} measures itself (heap, event loop).
     *
     * @param value as the worker gave it: a number ({@code 42}, {@code 9.23}) or any text
     * @param unit {@code users}, {@code MiB}; empty when none was given
     * @param type {@code @pm2/io}'s own name for its own metrics ({@code internal/v8/heap/total});
     *     empty for the app's
     */
    public record CustomMetric(String name, String value, String unit, String type) {
      /** The value as a number, when it is one. */
      public java.util.OptionalDouble numeric() {
        try {
          double number = Double.parseDouble(value.strip());
          return Double.isFinite(number)
              ? java.util.OptionalDouble.of(number)
              : java.util.OptionalDouble.empty();
        } catch (NumberFormatException notANumber) {
          return java.util.OptionalDouble.empty();
        }
      }

      /** One the app declared, not one {@code @pm2/io} measures on its own. */
      public boolean custom() {
        return type.isEmpty();
      }
    }

    /**
     * An action the worker offers ({@code io.action}), which {@link Query.Trigger} calls.
     *
     * @param type {@code custom} for the app's, {@code internal} for {@code @pm2/io}'s own ({@code
     *     km:heapdump}), {@code scoped} for a scoped action
     */
    public record CustomAction(String name, String type) {
      public boolean custom() {
        return type.equals("custom");
      }
    }

    /**
     * @param cpuPercent percent of one core, as {@code top} shows it (busy on two cores: 200)
     * @param memoryBytes resident memory of the worker and every process it started
     * @param healthCheckMillis how long its last health check took; -1 when none has ended
     */
    public record WorkerUsage(
        int workerId,
        String app,
        int instance,
        double cpuPercent,
        long memoryBytes,
        long healthCheckMillis) {}

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
