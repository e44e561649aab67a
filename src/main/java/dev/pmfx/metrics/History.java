package dev.pmfx.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the charts draw: each worker's figures and its app's totals over the last samples, in {@link
 * Series} of fixed size ({@link #DEFAULT_POINTS}: 15 minutes at one sample a second). Requests and
 * errors come as running counts and are kept as rates. A worker that stopped being sampled is
 * forgotten after ten minutes, or sooner once its last point has aged out of its app's window. Not
 * thread-safe: one thread feeds and reads it.
 */
public final class History {

  public static final int DEFAULT_POINTS = 900;

  /** A worker not sampled for this long (ten minutes, the charts' window) is forgotten. */
  public static final long FORGET_AFTER_MILLIS = 600_000;

  /**
   * One worker's figures in one sample.
   *
   * @param balanced whether the balancer counts its requests (cluster mode); if not, the request
   *     fields are 0
   * @param requests requests it was given since it joined the rotation
   * @param errors those of them that failed
   */
  public record Reading(
      String app,
      int workerId,
      int instance,
      double cpuPercent,
      long memoryBytes,
      boolean balanced,
      long requests,
      long errors,
      double p50Millis,
      double p99Millis,
      long healthCheckMillis) {}

  /** The figures of one worker, or an app's totals (instance -1). */
  public static final class Figures {
    private final int instance;
    private final Series cpu;
    private final Series memory;
    private final Series requestsPerSecond;
    private final Series errorsPerSecond;
    private final Series p50;
    private final Series p99;
    private final Series healthCheck;
    private final Map<String, Series> custom = new LinkedHashMap<>();
    private final int points;
    private long lastAt = -1;
    private long lastRequests;
    private long lastErrors;

    Figures(int instance, int points) {
      this.instance = instance;
      this.points = points;
      cpu = new Series(points);
      memory = new Series(points);
      requestsPerSecond = new Series(points);
      errorsPerSecond = new Series(points);
      p50 = new Series(points);
      p99 = new Series(points);
      healthCheck = new Series(points);
    }

    /** How long its health checks took, ms, as sampled; empty without a check. */
    public Series healthCheck() {
      return healthCheck;
    }

    public int instance() {
      return instance;
    }

    /** Percent of one core. */
    public Series cpu() {
      return cpu;
    }

    /** Resident bytes. */
    public Series memory() {
      return memory;
    }

    public Series requestsPerSecond() {
      return requestsPerSecond;
    }

    public Series errorsPerSecond() {
      return errorsPerSecond;
    }

    /** Median latency, ms (an app's: its workers' medians weighted by their requests/s). */
    public Series p50() {
      return p50;
    }

    /** 99th percentile latency, ms (an app's: its slowest worker's). */
    public Series p99() {
      return p99;
    }

    /**
     * The worker's own metrics ({@code @pm2/io}'s {@code io.metric} and the like) that are numbers,
     * by name, in the order they first came; empty for an app's totals.
     */
    public Map<String, Series> custom() {
      return Collections.unmodifiableMap(custom);
    }

    /** When the newest point was taken; -1 before the first. */
    public long lastAt() {
      return cpu.size() == 0 ? -1 : cpu.time(cpu.size() - 1);
    }
  }

  /** One app: its workers' figures by worker id, and its totals. */
  public static final class AppFigures {
    private final Figures total;
    private final Map<Integer, Figures> workers = new LinkedHashMap<>();
    private boolean balanced;

    AppFigures(int points) {
      total = new Figures(-1, points);
    }

    public Figures total() {
      return total;
    }

    /** By worker id, in the order they were first sampled. */
    public Map<Integer, Figures> workers() {
      return Collections.unmodifiableMap(workers);
    }

    /** Whether a balancer counts its requests: a cluster app with a public port. */
    public boolean balanced() {
      return balanced;
    }
  }

  private final int points;
  private final Map<String, AppFigures> apps = new LinkedHashMap<>();

  public History() {
    this(DEFAULT_POINTS);
  }

  public History(int points) {
    this.points = points;
  }

  /** Adds one sample: the readings of every worker measured at {@code epochMillis}. */
  public void add(long epochMillis, List<Reading> readings) {
    Map<String, List<Reading>> byApp = new LinkedHashMap<>();
    for (Reading r : readings) {
      byApp.computeIfAbsent(r.app(), k -> new java.util.ArrayList<>()).add(r);
    }
    byApp.forEach(
        (name, some) -> {
          AppFigures app = apps.computeIfAbsent(name, k -> new AppFigures(points));
          double cpu = 0;
          long memory = 0;
          double rate = 0;
          double errorRate = 0;
          double weightedP50 = 0;
          double p99 = 0;
          boolean rated = false;
          for (Reading r : some) {
            Figures w =
                app.workers.computeIfAbsent(r.workerId(), k -> new Figures(r.instance(), points));
            w.cpu.add(epochMillis, r.cpuPercent());
            w.memory.add(epochMillis, r.memoryBytes());
            if (r.healthCheckMillis() >= 0) {
              w.healthCheck.add(epochMillis, r.healthCheckMillis());
            }
            cpu += r.cpuPercent();
            memory += r.memoryBytes();
            if (!r.balanced()) {
              continue;
            }
            app.balanced = true;
            if (w.lastAt >= 0 && epochMillis > w.lastAt && r.requests() >= w.lastRequests) {
              double seconds = (epochMillis - w.lastAt) / 1000.0;
              double perSecond = (r.requests() - w.lastRequests) / seconds;
              double errorsPerSecond = Math.max(0, r.errors() - w.lastErrors) / seconds;
              w.requestsPerSecond.add(epochMillis, perSecond);
              w.errorsPerSecond.add(epochMillis, errorsPerSecond);
              w.p50.add(epochMillis, r.p50Millis());
              w.p99.add(epochMillis, r.p99Millis());
              rate += perSecond;
              errorRate += errorsPerSecond;
              weightedP50 += perSecond * r.p50Millis();
              p99 = Math.max(p99, r.p99Millis());
              rated = true;
            }
            w.lastAt = epochMillis;
            w.lastRequests = r.requests();
            w.lastErrors = r.errors();
          }
          app.total.cpu.add(epochMillis, cpu);
          app.total.memory.add(epochMillis, memory);
          if (rated) {
            app.total.requestsPerSecond.add(epochMillis, rate);
            app.total.errorsPerSecond.add(epochMillis, errorRate);
            app.total.p50.add(epochMillis, rate > 0 ? weightedP50 / rate : 0);
            app.total.p99.add(epochMillis, p99);
          }
          forgetAgedWorkers(app, epochMillis);
        });
  }

  /**
   * Drops the workers not sampled for {@link #FORGET_AFTER_MILLIS}, or whose newest point is older
   * than the app's oldest: reloads give workers new ids, and the old ones must not pile up.
   */
  private static void forgetAgedWorkers(AppFigures app, long now) {
    Series window = app.total.cpu;
    long oldest = window.size() < window.capacity() ? Long.MIN_VALUE : window.time(0);
    long horizon = Math.max(oldest, now - FORGET_AFTER_MILLIS);
    app.workers.values().removeIf(w -> w.lastAt() < horizon);
  }

  /**
   * Adds one of a worker's own metrics ({@code @pm2/io}) as sampled at {@code epochMillis}, after
   * the sample's {@link #add}; a worker that sample did not have is left out.
   */
  public void addCustom(long epochMillis, String app, int workerId, String name, double value) {
    AppFigures figures = apps.get(app);
    Figures w = figures == null ? null : figures.workers.get(workerId);
    if (w != null) {
      w.custom.computeIfAbsent(name, k -> new Series(w.points)).add(epochMillis, value);
    }
  }

  public Optional<AppFigures> app(String name) {
    return Optional.ofNullable(apps.get(name));
  }

  /** Forgets an app that was deleted. */
  public void forget(String app) {
    apps.remove(app);
  }
}
