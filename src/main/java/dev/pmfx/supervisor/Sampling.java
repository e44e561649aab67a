package dev.pmfx.supervisor;

import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.MetricsSample;
import dev.pmfx.metrics.ProcessTreeSampler;
import dev.pmfx.metrics.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Measures every running worker's process tree once per interval, on its own thread, so a slow
 * process list never holds up the loop; publishes a {@code MetricsSample} with the balancers'
 * request counts and what the workers' {@code @pm2/io} reported ({@link Probes}), and reports
 * workers over max_memory_restart.
 */
final class Sampling {

  /** What a sample found over a worker's max_memory_restart. */
  interface OverMemory {
    void found(Worker w, long pid, long bytes);
  }

  /**
   * @param memoryLimit max_memory_restart in bytes; 0 for none
   */
  private record Sampled(Worker worker, long pid, String app, int instance, long memoryLimit) {}

  /** By the workers' keys. */
  private final Map<Integer, Sampled> sampled = new ConcurrentHashMap<>();

  private final EventHub events;
  private final Supplier<Instant> clock;
  private final Supplier<List<MetricsSample.WorkerRequests>> requests;
  private final OverMemory overMemory;
  private final Probes probes = new Probes();
  private final Thread thread;
  private volatile Duration interval = Duration.ofSeconds(1);
  private volatile MetricsSample last;
  private volatile boolean closed;

  /**
   * @param requests the balancers' counts at this moment
   */
  Sampling(
      EventHub events,
      Supplier<Instant> clock,
      Supplier<List<MetricsSample.WorkerRequests>> requests,
      OverMemory overMemory) {
    this.events = events;
    this.clock = clock;
    this.requests = requests;
    this.overMemory = overMemory;
    this.thread = Thread.ofPlatform().name("pmfx-metrics").daemon().start(this::run);
  }

  /** The worker runs {@code process} now, or (null) nothing to measure. */
  void track(Worker w, Process process) {
    if (process == null) {
      sampled.remove(w.key);
    } else {
      sampled.put(
          w.key,
          new Sampled(
              w,
              process.pid(),
              w.spec.name(),
              w.instance,
              w.spec.maxMemoryRestart().map(dev.pmfx.config.ByteSize::bytes).orElse(0L)));
    }
  }

  /** What the workers' {@code @pm2/io} reported, which each sample carries. */
  Probes probes() {
    return probes;
  }

  Optional<MetricsSample> last() {
    return Optional.ofNullable(last);
  }

  /** 1 s unless set. */
  void every(Duration next) {
    if (next.isNegative() || next.isZero()) {
      throw new IllegalArgumentException("sampling interval must be positive: " + next);
    }
    interval = next;
    thread.interrupt();
  }

  private void run() {
    ProcessTreeSampler trees;
    try {
      trees = new ProcessTreeSampler();
    } catch (RuntimeException | LinkageError unsupported) {
      System.getLogger("dev.pmfx.metrics")
          .log(
              System.Logger.Level.WARNING, "no CPU and memory figures on this system", unsupported);
      return;
    }
    while (!closed) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        continue; // closing, or a new interval
      }
      Map<Integer, Sampled> now = Map.copyOf(sampled);
      List<MetricsSample.WorkerRequests> counts = requests.get();
      if (now.isEmpty()) {
        trees.sample(List.of());
        continue;
      }
      Map<Long, Usage> usage;
      try {
        usage = trees.sample(now.values().stream().map(Sampled::pid).toList());
      } catch (RuntimeException e) {
        continue; // a process list that could not be read this time
      }
      List<MetricsSample.WorkerUsage> workers = new ArrayList<>();
      List<Worker> measured = new ArrayList<>();
      now.forEach(
          (key, s) -> {
            Usage u = usage.get(s.pid());
            if (u != null && s.equals(sampled.get(key))) {
              measured.add(s.worker());
              workers.add(
                  new MetricsSample.WorkerUsage(
                      s.worker().id,
                      s.app(),
                      s.instance(),
                      u.cpuPercent(),
                      u.residentBytes(),
                      s.worker().healthCheckMillis));
              if (s.memoryLimit() > 0 && u.residentBytes() > s.memoryLimit()) {
                overMemory.found(s.worker(), s.pid(), u.residentBytes());
              }
            }
          });
      if (!workers.isEmpty() || !counts.isEmpty()) {
        workers.sort(Comparator.comparingInt(MetricsSample.WorkerUsage::workerId));
        measured.sort(Comparator.comparingInt(w -> w.id));
        last = new MetricsSample(clock.get(), workers, counts, probes.of(measured));
        events.publish((EngineEvent) last);
      }
    }
  }

  void close() {
    closed = true;
    thread.interrupt();
  }
}
