package dev.pmfx.supervisor;

import dev.pmfx.balance.Balancer;
import dev.pmfx.balance.Handoff;
import dev.pmfx.balance.PublicPort;
import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Ecosystem;
import dev.pmfx.config.ExecMode;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.CommandResult.Problem;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineEvent.LogLine;
import dev.pmfx.engine.EngineEvent.RolloutChanged;
import dev.pmfx.engine.EngineEvent.RolloutStep.Status;
import dev.pmfx.engine.EngineEvent.RolloutStep.Step;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.Scale;
import dev.pmfx.engine.Target;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.logs.LinePump;
import dev.pmfx.logs.LogFile;
import dev.pmfx.logs.LogTail;
import dev.pmfx.logs.MomentFormat;
import dev.pmfx.posix.Signals;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The supervisor, in this process. Every state change happens on one loop thread, in the order
 * inputs arrive (commands, exits, ready messages, timers), as s6-supervise does it; process output
 * is pumped on virtual threads that only write files and publish lines.
 */
public final class LocalEngine implements Engine {

  /** Lines of each worker kept in memory for views. */
  public static final int TAIL_LINES = 5_000;

  private final PmfxHome home;
  private final Map<String, String> userEnvironment;
  private final Clock clock;
  private final Path ipcDir;
  private final Path nodeShim;
  private final ExecutorService loop;
  private final ScheduledExecutorService timers;
  private volatile Thread loopThread;

  // Loop thread only.
  private final Map<String, AppEntry> apps = new LinkedHashMap<>();
  private final Map<Integer, Worker> workers = new LinkedHashMap<>();
  private final Map<String, AppWatch> watches = new LinkedHashMap<>();
  private final Map<String, java.util.concurrent.ScheduledFuture<?>> pendingWatchRestarts =
      new LinkedHashMap<>();
  private final Map<String, java.util.Set<Path>> changedFiles = new LinkedHashMap<>();
  private final Map<String, java.util.concurrent.ScheduledFuture<?>> cronRestarts =
      new LinkedHashMap<>();
  private int nextWorkerId;

  /** How long a worker's exit waits for the rest of its output before it is handled. */
  static final Duration DRAIN_GRACE = Duration.ofMillis(500);

  // Any thread.
  private final java.util.Set<CompletableFuture<Void>> pumps = ConcurrentHashMap.newKeySet();
  private final Map<Integer, LogTail<LogLine>> tails = new ConcurrentHashMap<>();
  private final Map<Path, LogFile> logFiles = new ConcurrentHashMap<>();
  private volatile EngineEvent.MetricsSample lastSample;
  private final java.util.ArrayDeque<EngineEvent> recent = new java.util.ArrayDeque<>();
  private final List<EngineListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Events reach listeners from one dispatcher thread, in the order they were published, and never
   * under a lock the loop needs: a listener may call back into the engine.
   */
  private final java.util.concurrent.LinkedBlockingQueue<Runnable> deliveries =
      new java.util.concurrent.LinkedBlockingQueue<>();

  /** Log lines in flight to listeners at most: a flooding worker waits rather than fill memory. */
  private final java.util.concurrent.Semaphore linesInFlight =
      new java.util.concurrent.Semaphore(100_000);

  private final Thread dispatcher;

  /** The processes the sampler measures: running workers, by worker id. */
  private final Map<Integer, Sampled> sampled = new ConcurrentHashMap<>();

  /**
   * @param memoryLimit max_memory_restart in bytes; 0 for none
   */
  private record Sampled(long pid, String app, int instance, long memoryLimit) {}

  private volatile Duration sampleInterval = Duration.ofSeconds(1);

  /** Cluster apps' balancers, by app name; opened when the app's public port is known. */
  private final Map<String, PublicPort> balancers = new ConcurrentHashMap<>();

  /** The balancers' event loops, started with the first cluster app. */
  private dev.pmfx.balance.Loops loops;

  /** Measures the running workers' CPU and memory, on its own thread. */
  private final Thread sampler;

  private final Thread shutdownHook = new Thread(this::close, "pmfx-shutdown");
  private volatile boolean closed;

  private static final class AppEntry {
    AppSpec spec;
    final List<Worker> workers = new ArrayList<>();

    /** The ecosystem file it was started from, which a reload reads again; null if none. */
    Path file;

    /** Its reloads and scales: the first runs, the others wait their turn. */
    final java.util.ArrayDeque<Rollout> rollouts = new java.util.ArrayDeque<>();

    /** Notes already published about the app, so each is said once. */
    final Set<String> noted = new HashSet<>();

    AppEntry(AppSpec spec) {
      this.spec = spec;
    }

    AppStatus status() {
      return new AppStatus(
          spec,
          Optional.ofNullable(file),
          workers.stream().map(w -> w.envName).flatMap(Optional::stream).findFirst(),
          workers.stream().map(Worker::status).toList(),
          OptionalInt.empty(),
          List.of());
    }
  }

  private LocalEngine(PmfxHome home, Map<String, String> userEnvironment, Clock clock)
      throws IOException {
    this.home = home;
    this.userEnvironment = Map.copyOf(userEnvironment);
    this.clock = clock;
    this.ipcDir = privateDirectory(home.dir().resolve("ipc"));
    this.nodeShim = writeNodeShim(home.dir().resolve("runtime"));
    this.loop =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pmfx-engine");
              t.setDaemon(true);
              loopThread = t;
              return t;
            });
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pmfx-engine-timers");
              t.setDaemon(true);
              return t;
            });
    this.dispatcher = Thread.ofPlatform().name("pmfx-engine-events").daemon().start(this::dispatch);
    this.sampler = Thread.ofPlatform().name("pmfx-metrics").daemon().start(this::sample);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private void dispatch() {
    while (true) {
      Runnable delivery;
      try {
        delivery = deliveries.take();
      } catch (InterruptedException e) {
        return;
      }
      if (delivery == STOP_DISPATCH) {
        return;
      }
      delivery.run();
    }
  }

  private static final Runnable STOP_DISPATCH = () -> {};

  /**
   * Measures every running worker's process tree once per interval, on its own thread: a slow
   * process list never holds up the loop.
   */
  private void sample() {
    dev.pmfx.metrics.ProcessTreeSampler trees;
    try {
      trees = new dev.pmfx.metrics.ProcessTreeSampler();
    } catch (RuntimeException | LinkageError unsupported) {
      System.getLogger("dev.pmfx.metrics")
          .log(
              System.Logger.Level.WARNING, "no CPU and memory figures on this system", unsupported);
      return;
    }
    while (!closed) {
      try {
        Thread.sleep(sampleInterval);
      } catch (InterruptedException e) {
        continue; // closing, or a new interval
      }
      Map<Integer, Sampled> now = Map.copyOf(sampled);
      List<EngineEvent.MetricsSample.WorkerRequests> requests = new ArrayList<>();
      balancers.forEach((app, balancer) -> requests.addAll(requestsOf(app, balancer)));
      if (now.isEmpty()) {
        trees.sample(List.of());
        continue;
      }
      Map<Long, dev.pmfx.metrics.Usage> usage;
      try {
        usage = trees.sample(now.values().stream().map(Sampled::pid).toList());
      } catch (RuntimeException e) {
        continue; // a process list that could not be read this time
      }
      List<EngineEvent.MetricsSample.WorkerUsage> workers = new ArrayList<>();
      now.forEach(
          (id, s) -> {
            dev.pmfx.metrics.Usage u = usage.get(s.pid());
            if (u != null && s.equals(sampled.get(id))) {
              workers.add(
                  new EngineEvent.MetricsSample.WorkerUsage(
                      id, s.app(), s.instance(), u.cpuPercent(), u.residentBytes()));
              if (s.memoryLimit() > 0 && u.residentBytes() > s.memoryLimit()) {
                post(() -> overMemory(id, s.pid(), u.residentBytes()));
              }
            }
          });
      if (!workers.isEmpty() || !requests.isEmpty()) {
        workers.sort(
            java.util.Comparator.comparingInt(EngineEvent.MetricsSample.WorkerUsage::workerId));
        lastSample =
            new EngineEvent.MetricsSample(now(), List.copyOf(workers), List.copyOf(requests));
        publish(lastSample);
      }
    }
  }

  /** 1 s unless set. */
  @Override
  public void sampleEvery(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("sampling interval must be positive: " + interval);
    }
    sampleInterval = interval;
    sampler.interrupt();
  }

  /** An engine whose workers inherit this process's environment. */
  public static LocalEngine create(PmfxHome home) {
    return create(home, System.getenv());
  }

  public static LocalEngine create(PmfxHome home, Map<String, String> userEnvironment) {
    try {
      return new LocalEngine(home, userEnvironment, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + home.dir(), e);
    }
  }

  private static Path privateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows keeps a user's folders private already
    }
    return dir;
  }

  private static Path writeNodeShim(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path shim = dir.resolve("node-shim.cjs");
    try (InputStream in = LocalEngine.class.getResourceAsStream("node-shim.cjs")) {
      if (in == null) {
        throw new IOException("node-shim.cjs is missing from pmfx's resources");
      }
      byte[] content = in.readAllBytes();
      if (!Files.exists(shim) || !java.util.Arrays.equals(Files.readAllBytes(shim), content)) {
        Path temporary = Files.createTempFile(dir, "node-shim", ".tmp");
        Files.write(temporary, content);
        Files.move(temporary, shim, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return shim;
  }

  // ---------------------------------------------------------------- commands

  @Override
  public CompletableFuture<CommandResult> start(
      Ecosystem ecosystem, Optional<String> envName, Set<String> only) {
    return onLoop(
        () -> {
          List<Problem> problems = new ArrayList<>();
          List<Integer> started = new ArrayList<>();
          Set<String> unknown = new HashSet<>(only);
          for (AppSpec spec : ecosystem.apps()) {
            unknown.remove(spec.name());
            if (!only.isEmpty() && !only.contains(spec.name())) {
              continue;
            }
            AppEntry entry = apps.get(spec.name());
            if (entry != null && entry.workers.stream().anyMatch(w -> !w.atRest())) {
              problems.add(
                  new Problem(spec.name(), "already running; restart or reload it instead"));
              continue;
            }
            entry = place(spec);
            entry.file = ecosystem.file();
            for (Worker w : entry.workers) {
              w.spec = spec;
              w.envName = envName;
              if (spec.autostart()) {
                launch(w, new MachineEvent.Start(spec, "started", MachineEvent.StartKind.COMMAND))
                    .ifPresent(problems::add);
                started.add(w.id);
              }
            }
            unsupervise(spec.name());
            if (spec.autostart()) {
              supervise(entry);
            }
          }
          unknown.forEach(
              name ->
                  problems.add(
                      new Problem(name, "no app named '" + name + "' in " + ecosystem.file())));
          return CompletableFuture.completedFuture(new CommandResult("start", started, problems));
        });
  }

  /** The app's entry, created or updated to the spec, with one worker per instance. */
  private AppEntry place(AppSpec spec) {
    AppEntry entry = apps.get(spec.name());
    boolean added = entry == null;
    if (added) {
      entry = new AppEntry(spec);
      apps.put(spec.name(), entry);
    }
    entry.spec = spec;
    while (entry.workers.size() < spec.instances()) {
      Worker w = new Worker(nextWorkerId++, entry.workers.size(), spec, now(), 0);
      entry.workers.add(w);
      workers.put(w.id, w);
    }
    while (entry.workers.size() > spec.instances()) {
      Worker extra = entry.workers.removeLast();
      workers.remove(extra.id);
      tails.remove(extra.id);
      if (!added) {
        publish(
            new EngineEvent.WorkerRemoved(
                now(), spec.name(), extra.id, "the file asks for " + spec.instances()));
      }
    }
    if (added) {
      AppStatus status = status(entry);
      publish(new EngineEvent.AppAdded(now(), status));
    }
    return entry;
  }

  @Override
  public CompletableFuture<CommandResult> start(String target) {
    return onLoop(
        () -> {
          Resolved resolved = resolve(target);
          List<Problem> problems = new ArrayList<>(resolved.problems);
          for (Worker w : resolved.workers) {
            if (w.atRest()) {
              launch(w, new MachineEvent.Start(w.spec, "started", MachineEvent.StartKind.COMMAND))
                  .ifPresent(problems::add);
            }
          }
          appsOf(resolved.workers).forEach(this::supervise);
          return CompletableFuture.completedFuture(
              new CommandResult("start", ids(resolved.workers), problems));
        });
  }

  @Override
  public CompletableFuture<CommandResult> stop(String target) {
    return stopAs("stop", target, StopGoal.REST);
  }

  /** Stops the target's workers gracefully, then does {@code then} with each. */
  private CompletableFuture<CommandResult> stopAs(String command, String target, StopGoal then) {
    return onLoop(
        () -> {
          Resolved resolved = resolve(target);
          List<CompletableFuture<WorkerState>> rest = new ArrayList<>();
          wholeApps(resolved.workers).forEach(this::unsupervise);
          appsOf(resolved.workers).forEach(a -> interrupt(a, command));
          for (Worker w : resolved.workers) {
            rest.add(stopWorker(w, command, then)); // one being removed stays removed
          }
          return CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new))
              .thenApply(
                  done -> new CommandResult(command, ids(resolved.workers), resolved.problems));
        });
  }

  @Override
  public CompletableFuture<CommandResult> restart(String target) {
    return restartAs("restart", target);
  }

  private CompletableFuture<CommandResult> restartAs(String command, String target) {
    return onLoop(
        () -> {
          Resolved resolved = resolve(target);
          appsOf(resolved.workers).forEach(a -> interrupt(a, command));
          List<CompletableFuture<WorkerState>> relaunched = new ArrayList<>();
          for (Worker w : resolved.workers) {
            relaunched.add(restartWorker(w, command));
          }
          return CompletableFuture.allOf(relaunched.toArray(CompletableFuture[]::new))
              .thenApply(
                  done -> {
                    List<Problem> problems = new ArrayList<>(resolved.problems);
                    for (int i = 0; i < relaunched.size(); i++) {
                      WorkerState outcome = relaunched.get(i).join();
                      Worker w = resolved.workers.get(i);
                      if (outcome == WorkerState.ERRORED) {
                        problems.add(
                            new Problem(w.spec.name(), "worker " + w.id + " did not start"));
                      } else if (outcome == WorkerState.STOPPED) {
                        problems.add(
                            new Problem(
                                w.spec.name(),
                                "worker " + w.id + " was stopped or deleted instead"));
                      }
                    }
                    return new CommandResult(command, ids(resolved.workers), problems);
                  });
        });
  }

  /** Stops the worker gracefully and starts it again; completes once the new process started. */
  private CompletableFuture<WorkerState> restartWorker(Worker w, String why) {
    CompletableFuture<WorkerState> launched = new CompletableFuture<>();
    if (w.leaving()) {
      // being removed: a restart does not bring it back
      launched.complete(WorkerState.STOPPED);
      return launched;
    }
    w.waitingForLaunch.add(launched);
    feed(w, new MachineEvent.Restart(why, inFlight(w)));
    return launched;
  }

  // ---------------------------------------------------------------- reload and scale

  /** A reload or scale of one app; an app's rollouts run one at a time, in the order asked. */
  static final class Rollout {
    final long id;
    final String app;
    final RolloutChanged.Kind kind;

    /** Reload: the workers to replace; empty for all the app has when its turn comes. */
    final Set<Integer> only;

    /** Scale: the count asked for. */
    final Scale scale;

    final CompletableFuture<CommandResult> result = new CompletableFuture<>();
    final List<Integer> touched = new ArrayList<>();
    int from;
    int to;

    /** Why it must stop where it is (the app was stopped, deleted or restarted); else null. */
    String interrupted;

    /** Whether a reload reads the app's file first: a command's does, max_memory_restart's not. */
    boolean reread = true;

    /** Why a reload replaces its workers, as their events say it. */
    String why = "reload";

    /** The app's spec before a reload read its file again: restored if nothing ran the new one. */
    AppSpec previousSpec;

    /** The new workers it brought online so far. */
    final List<Worker> admitted = new ArrayList<>();

    Rollout(long id, String app, RolloutChanged.Kind kind, Set<Integer> only, Scale scale) {
      this.id = id;
      this.app = app;
      this.kind = kind;
      this.only = only;
      this.scale = scale;
    }

    String verb() {
      return kind == RolloutChanged.Kind.RELOAD ? "reload" : "scale";
    }
  }

  private long nextRolloutId = 1;

  @Override
  public CompletableFuture<CommandResult> reload(String target) {
    return onLoop(
        () -> {
          Resolved resolved = resolve(target);
          List<CompletableFuture<CommandResult>> each = new ArrayList<>();
          for (AppEntry entry : appsOf(resolved.workers)) {
            boolean whole = resolved.workers.containsAll(entry.workers);
            Set<Integer> ids =
                whole
                    ? Set.of()
                    : Set.copyOf(
                        ids(resolved.workers.stream().filter(entry.workers::contains).toList()));
            each.add(enqueue(entry, RolloutChanged.Kind.RELOAD, ids, null));
          }
          return combined("reload", each, resolved.problems);
        });
  }

  @Override
  public CompletableFuture<CommandResult> scale(String app, Scale scale) {
    return onLoop(
        () -> {
          AppEntry entry = apps.get(app);
          if (entry == null) {
            return CompletableFuture.completedFuture(
                new CommandResult(
                    "scale",
                    List.of(),
                    List.of(new Problem(app, "no app named '" + app + "' runs here"))));
          }
          return enqueue(entry, RolloutChanged.Kind.SCALE, Set.of(), scale);
        });
  }

  private static CompletableFuture<CommandResult> combined(
      String command, List<CompletableFuture<CommandResult>> each, List<Problem> before) {
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Integer> workers = new ArrayList<>();
              List<Problem> problems = new ArrayList<>(before);
              for (CompletableFuture<CommandResult> one : each) {
                workers.addAll(one.join().workers());
                problems.addAll(one.join().problems());
              }
              return new CommandResult(command, workers, problems);
            });
  }

  private CompletableFuture<CommandResult> enqueue(
      AppEntry entry, RolloutChanged.Kind kind, Set<Integer> only, Scale scale) {
    return enqueue(entry, new Rollout(nextRolloutId++, entry.spec.name(), kind, only, scale));
  }

  private CompletableFuture<CommandResult> enqueue(AppEntry entry, Rollout r) {
    if (entry.workers.stream().allMatch(Worker::leaving)) {
      return CompletableFuture.completedFuture(
          new CommandResult(
              r.verb(), List.of(), List.of(new Problem(r.app, "it is being deleted"))));
    }
    RolloutChanged.Kind kind = r.kind;
    Scale scale = r.scale;
    r.from = entry.workers.size();
    r.to = scale == null ? r.from : scale.from(r.from);
    entry.rollouts.add(r);
    if (entry.rollouts.size() == 1) {
      begin(entry, r);
    } else {
      Rollout running = entry.rollouts.getFirst();
      announce(r, RolloutChanged.Phase.QUEUED, "waits for the " + running.verb() + " running");
    }
    return r.result;
  }

  private void announce(Rollout r, RolloutChanged.Phase phase, String detail) {
    publish(new RolloutChanged(now(), r.app, r.id, r.kind, phase, r.from, r.to, detail));
  }

  private void begin(AppEntry entry, Rollout r) {
    r.from = entry.workers.size();
    if (r.scale != null) {
      r.to = r.scale.from(r.from); // +1 counts from what the rollouts before it left
    }
    if (r.kind == RolloutChanged.Kind.SCALE) {
      scaleNow(entry, r);
    } else if (!r.reread) {
      reloadWith(entry, r, entry.spec);
    } else {
      announce(r, RolloutChanged.Phase.RUNNING, "reading " + describeFile(entry));
      reread(entry, r);
    }
  }

  private static String describeFile(AppEntry entry) {
    return entry.file == null ? "its spec" : entry.file.getFileName().toString();
  }

  /** Ends the rollout, and starts the next one of its app. */
  private void finish(AppEntry entry, Rollout r, String failure) {
    if (!entry.rollouts.remove(r)) {
      return; // over already
    }
    for (Worker w : entry.workers) {
      if (w.rollout == r) {
        endSteps(w, Status.WARNING, "the " + r.verb() + " ended first");
        w.rollout = null;
        w.stepsStarted.clear();
      }
      if (failure != null && w.machine.memoryNoted()) {
        feed(w, new MachineEvent.ReplacementFailed()); // the next sample tries again
      }
    }
    if (failure != null && r.touched.isEmpty() && r.previousSpec != null) {
      entry.spec = r.previousSpec; // nothing runs the new spec: a later scale must not use it
      publish(new EngineEvent.AppUpdated(now(), status(entry)));
    }
    r.to = r.kind == RolloutChanged.Kind.SCALE ? entry.workers.size() : r.to;
    List<Problem> problems =
        failure == null ? List.of() : List.of(new Problem(r.app, r.verb() + " failed: " + failure));
    if (failure == null) {
      announce(
          r,
          RolloutChanged.Phase.DONE,
          r.kind == RolloutChanged.Kind.SCALE
              ? "scaled from " + r.from + " to " + r.to + " workers"
              : "replaced " + r.touched.size() + " of " + r.from + " workers");
    } else {
      announce(r, RolloutChanged.Phase.FAILED, failure);
    }
    r.result.complete(new CommandResult(r.verb(), r.touched, problems));
    Rollout next = entry.rollouts.peekFirst();
    if (next != null && apps.get(entry.spec.name()) == entry && !closed) {
      begin(entry, next);
    }
  }

  /**
   * A stop, restart or delete takes the app over: the running rollout stops at its next step, and
   * those waiting are dropped.
   */
  private void interrupt(AppEntry entry, String command) {
    boolean first = true;
    for (Rollout r : List.copyOf(entry.rollouts)) {
      r.interrupted = "interrupted by " + command;
      if (!first) {
        entry.rollouts.remove(r);
        announce(r, RolloutChanged.Phase.FAILED, "dropped: the app was asked to " + command);
        r.result.complete(
            new CommandResult(
                r.verb(),
                List.of(),
                List.of(
                    new Problem(r.app, r.verb() + " dropped: the app was asked to " + command))));
      }
      first = false;
    }
  }

  /** Whether the rollout must stop here; if so, it is finished. */
  private boolean stopsHere(AppEntry entry, Rollout r) {
    if (r.interrupted != null) {
      finish(entry, r, r.interrupted);
      return true;
    }
    return false;
  }

  /** Reads the app's file again, off the loop; a file that no longer loads touches no worker. */
  private void reread(AppEntry entry, Rollout r) {
    Path file = entry.file;
    if (file == null) {
      reloadWith(entry, r, entry.spec);
      return;
    }
    Thread.startVirtualThread(
        () -> {
          dev.pmfx.config.LoadResult loaded;
          try {
            loaded = loader().load(file);
          } catch (RuntimeException | Error e) {
            post(() -> finish(entry, r, "could not read " + file + ": " + e));
            return;
          }
          post(
              () -> {
                if (stopsHere(entry, r)) {
                  return;
                }
                switch (loaded) {
                  case dev.pmfx.config.LoadResult.Failed failed ->
                      finish(
                          entry,
                          r,
                          file
                              + " no longer loads, so no worker was touched:\n"
                              + String.join(
                                  "\n",
                                  failed.errors().stream()
                                      .map(dev.pmfx.config.Diagnostic::format)
                                      .toList()));
                  case dev.pmfx.config.LoadResult.Loaded ok -> {
                    Optional<AppSpec> spec = ok.ecosystem().app(r.app);
                    if (spec.isEmpty()) {
                      finish(
                          entry,
                          r,
                          "'" + r.app + "' is no longer in " + file + ", so no worker was touched");
                    } else if (spec.get().execMode() != entry.spec.execMode()) {
                      finish(
                          entry,
                          r,
                          "exec_mode changed to "
                              + spec.get().execMode().name().toLowerCase(java.util.Locale.ROOT)
                              + " in "
                              + file
                              + "; restart the app to apply that");
                    } else {
                      reloadWith(entry, r, spec.get().withInstances(entry.spec.instances()));
                    }
                  }
                }
              });
        });
  }

  private dev.pmfx.config.EcosystemLoader loader;

  private dev.pmfx.config.EcosystemLoader loader() {
    synchronized (this) {
      if (loader == null) {
        loader = dev.pmfx.config.EcosystemLoader.forThisMachine();
      }
      return loader;
    }
  }

  private void reloadWith(AppEntry entry, Rollout r, AppSpec spec) {
    if (!spec.equals(entry.spec)) {
      r.previousSpec = entry.spec;
      entry.spec = spec;
      publish(new EngineEvent.AppUpdated(now(), status(entry)));
    }
    announce(
        r,
        RolloutChanged.Phase.RUNNING,
        spec.execMode() == ExecMode.CLUSTER
            ? "replacing workers one at a time"
            : "restarting workers one at a time");
    java.util.ArrayDeque<Worker> old =
        entry.workers.stream()
            .filter(w -> r.only.isEmpty() || r.only.contains(w.id))
            .collect(java.util.stream.Collectors.toCollection(java.util.ArrayDeque::new));
    if (spec.execMode() == ExecMode.CLUSTER) {
      replaceNext(entry, r, spec, old);
    } else {
      restartNext(entry, r, spec, old);
    }
  }

  /**
   * Cluster mode: a new worker for the next old one, ready beside it, then the old one drained and
   * stopped; a new worker that fails ends the reload with the old one still serving.
   */
  private void replaceNext(AppEntry entry, Rollout r, AppSpec spec, java.util.Deque<Worker> old) {
    if (stopsHere(entry, r)) {
      return;
    }
    for (Worker fresh : r.admitted) {
      if (entry.workers.contains(fresh) && fresh.state() != WorkerState.ONLINE && !closed) {
        // Ready, then gone (a build that dies on its first request): the rest stay as they are.
        finish(
            entry,
            r,
            "worker "
                + fresh.id
                + " ("
                + fresh.spec.name()
                + "-"
                + fresh.instance
                + ") is "
                + fresh.state().label()
                + " since it was ready; the workers not replaced yet keep serving");
        return;
      }
    }
    Worker previous = nextOf(entry, r, old);
    if (previous == null) {
      return;
    }
    Worker fresh =
        join(entry, previous.instance, spec, previous.envName, previous.machine.restarts() + 1);
    admit(
        entry,
        r,
        fresh,
        r.why + ": replaces worker " + previous.id,
        previous,
        () ->
            // Even when interrupted now: the new worker is in, so the old one goes, or the app
            // would keep one worker too many.
            retire(r, previous, "replaced by worker " + fresh.id)
                .thenRun(() -> post(() -> replaceNext(entry, r, spec, old))));
  }

  /**
   * The next of the rollout's workers still in the app (one may have been deleted meanwhile), or
   * null when the rollout is over: interrupted, or through its list (then finished here).
   */
  private Worker nextOf(AppEntry entry, Rollout r, java.util.Deque<Worker> left) {
    if (stopsHere(entry, r)) {
      return null;
    }
    Worker w = left.poll();
    while (w != null && (!entry.workers.contains(w) || w.leaving())) {
      w = left.poll(); // deleted meanwhile, or on its way out
    }
    if (w == null) {
      finish(entry, r, null);
    }
    return w;
  }

  /** Fork mode: each worker stopped gracefully and started again, one after the other. */
  private void restartNext(AppEntry entry, Rollout r, AppSpec spec, java.util.Deque<Worker> left) {
    Worker w = nextOf(entry, r, left);
    if (w == null) {
      return;
    }
    w.rollout = r;
    stopWorker(w, r.why)
        .thenRun(
            () ->
                post(
                    () -> {
                      if (stopsHere(entry, r)) {
                        return;
                      }
                      if (!entry.workers.contains(w) || !w.atRest()) {
                        // deleted meanwhile, or started again by a command, watch or cron
                        restartNext(entry, r, spec, left);
                        return;
                      }
                      w.spec = spec;
                      r.touched.add(w.id);
                      launchAndWait(
                              w,
                              new MachineEvent.Start(
                                  spec, "reloaded", MachineEvent.StartKind.RELOAD))
                          .thenAccept(
                              admitted ->
                                  post(
                                      () -> {
                                        if (admitted.online()) {
                                          restartNext(entry, r, spec, left);
                                        } else {
                                          finish(entry, r, failure(w, admitted.reason(), null));
                                        }
                                      }));
                    }));
  }

  /** Scale: new workers started and ready one at a time, or the highest-numbered retired. */
  private void scaleNow(AppEntry entry, Rollout r) {
    int target = r.to;
    if (target < 1) {
      announce(r, RolloutChanged.Phase.RUNNING, "");
      finish(
          entry,
          r,
          r.app
              + " has "
              + r.from
              + " worker"
              + (r.from == 1 ? "" : "s")
              + "; scale "
              + r.scale
              + " would leave none (stop the app to stop every worker)");
      return;
    }
    if (target > Scale.MAX_INSTANCES) {
      announce(r, RolloutChanged.Phase.RUNNING, "");
      finish(entry, r, "at most " + Scale.MAX_INSTANCES + " workers per app, not " + target);
      return;
    }
    announce(
        r,
        RolloutChanged.Phase.RUNNING,
        target > r.from
            ? "adding " + (target - r.from) + " worker" + (target - r.from == 1 ? "" : "s")
            : target < r.from
                ? "removing " + (r.from - target) + " worker" + (r.from - target == 1 ? "" : "s")
                : "already " + target + " worker" + (target == 1 ? "" : "s"));
    scaleNext(entry, r);
  }

  private void scaleNext(AppEntry entry, Rollout r) {
    if (stopsHere(entry, r)) {
      resized(entry);
      return;
    }
    int now = entry.workers.size();
    if (now < r.to) {
      int instance = entry.workers.stream().mapToInt(w -> w.instance).max().orElse(-1) + 1;
      Worker template = entry.workers.isEmpty() ? null : entry.workers.getFirst();
      Worker fresh =
          join(
              entry,
              instance,
              entry.spec.withInstances(r.to),
              template == null ? Optional.empty() : template.envName,
              0);
      admit(entry, r, fresh, "scale " + r.scale, null, () -> scaleNext(entry, r));
    } else if (now > r.to) {
      Worker last =
          entry.workers.stream()
              .max(java.util.Comparator.comparingInt((Worker w) -> w.instance))
              .orElseThrow();
      r.touched.add(last.id);
      retire(r, last, "scale " + r.scale).thenRun(() -> post(() -> scaleNext(entry, r)));
    } else {
      resized(entry);
      finish(entry, r, null);
    }
  }

  /** The app's spec says how many workers it has now; views hear of it. */
  private void resized(AppEntry entry) {
    int count = Math.max(1, entry.workers.size());
    if (entry.spec.instances() != count) {
      entry.spec = entry.spec.withInstances(count);
    }
    publish(new EngineEvent.AppUpdated(now(), status(entry)));
  }

  /** A new worker of the app, placed after the others of its instance number. */
  private Worker join(
      AppEntry entry, int instance, AppSpec spec, Optional<String> envName, int restarts) {
    Worker w = new Worker(nextWorkerId++, instance, spec, now(), restarts);
    w.envName = envName;
    int at = 0;
    while (at < entry.workers.size() && entry.workers.get(at).instance <= instance) {
      at++;
    }
    entry.workers.add(at, w);
    workers.put(w.id, w);
    return w;
  }

  /**
   * Starts a new worker beside the running ones. Once it is online and in the rotation, {@code
   * then} runs; if it fails, it is removed and the rollout ends, naming {@code kept} (if any) as
   * still serving.
   */
  private void admit(
      AppEntry entry, Rollout r, Worker fresh, String why, Worker kept, Runnable then) {
    fresh.rollout = r;
    launchAndWait(fresh, new MachineEvent.Start(fresh.spec, why, MachineEvent.StartKind.TRIAL))
        .thenAccept(
            admitted ->
                post(
                    () -> {
                      if (!admitted.online()) {
                        discard(entry, r, fresh, admitted.reason(), kept);
                        return;
                      }
                      r.touched.add(fresh.id);
                      r.admitted.add(fresh);
                      routed(fresh);
                      fresh.rollout = null; // its later restarts are its own, not steps of this
                      fresh.stepsStarted.clear();
                      then.run();
                    }));
  }

  private CompletableFuture<Worker.Admission> launchAndWait(Worker w, MachineEvent start) {
    CompletableFuture<Worker.Admission> admission = new CompletableFuture<>();
    w.admission = admission;
    launch(w, start);
    return admission;
  }

  private void routed(Worker w) {
    if (w.privatePort == 0) {
      return;
    }
    PublicPort balancer = balancers.get(w.spec.name());
    beginStep(w, Step.ROUTE, Optional.empty(), "joining the balancer's rotation");
    if (balancer != null && balancer.routes(w.id)) {
      endStep(w, Step.ROUTE, Status.DONE, "in rotation on port " + balancer.port());
    } else {
      endStep(w, Step.ROUTE, Status.WARNING, "not in a balancer: the app has no public port yet");
    }
  }

  /** Drains (cluster mode) and stops the worker gracefully, then removes it from its app. */
  private CompletableFuture<WorkerState> retire(Rollout r, Worker w, String why) {
    w.rollout = r;
    return stopWorker(w, why, new StopGoal.Remove(why));
  }

  /** A new worker failed: it goes, the others stay as they are, and the rollout ends. */
  private void discard(AppEntry entry, Rollout r, Worker fresh, String reason, Worker kept) {
    String failure = failure(fresh, reason, kept);
    if (!entry.workers.contains(fresh)) {
      finish(entry, r, failure);
      return;
    }
    retire(r, fresh, "failed: " + reason)
        .thenRun(
            () ->
                post(
                    () -> {
                      if (r.kind == RolloutChanged.Kind.SCALE) {
                        resized(entry);
                      }
                      finish(entry, r, r.interrupted != null ? r.interrupted : failure);
                    }));
  }

  private static String failure(Worker fresh, String reason, Worker kept) {
    return "worker "
        + fresh.id
        + " ("
        + fresh.spec.name()
        + "-"
        + fresh.instance
        + ") "
        + reason
        + (kept != null ? "; worker " + kept.id + " keeps serving" : "");
  }

  /** A sample found the worker over max_memory_restart; its machine decides what comes of it. */
  private void overMemory(int workerId, long pid, long bytes) {
    Worker w = workers.get(workerId);
    if (w != null && w.process != null && w.process.pid() == pid) {
      feed(w, new MachineEvent.OverMemory(w.generation(), bytes));
    }
  }

  /**
   * max_memory_restart: a worker over its limit is replaced as a reload replaces it (cluster mode:
   * a new one first, then this one drained) or restarted gracefully (fork mode).
   */
  private void replaceOverMemory(Worker w, String why) {
    AppEntry entry = apps.get(w.spec.name());
    if (entry == null) {
      return;
    }
    if (w.spec.execMode() == ExecMode.CLUSTER) {
      Rollout r =
          new Rollout(
              nextRolloutId++, w.spec.name(), RolloutChanged.Kind.RELOAD, Set.of(w.id), null);
      r.reread = false;
      r.why = why;
      enqueue(entry, r);
    } else {
      restartWorker(w, why);
    }
  }

  private static int inFlight(PublicPort balancer, int workerId) {
    return balancer.stats().stream()
        .filter(s -> s.workerId() == workerId)
        .mapToInt(dev.pmfx.balance.BackendStats::inFlight)
        .sum();
  }

  private void beginStep(Worker w, Step step, Optional<Instant> deadline, String detail) {
    Rollout r = w.rollout;
    if (r == null) {
      return;
    }
    Instant at = now();
    w.stepsStarted.put(step, at);
    publish(
        new EngineEvent.RolloutStep(
            at, r.app, r.id, w.instance, w.id, step, Status.RUNNING, at, deadline, detail));
  }

  private void endStep(Worker w, Step step, Status status, String detail) {
    Rollout r = w.rollout;
    if (r == null) {
      return;
    }
    Instant at = now();
    Instant started = w.stepsStarted.remove(step);
    publish(
        new EngineEvent.RolloutStep(
            at,
            r.app,
            r.id,
            w.instance,
            w.id,
            step,
            status,
            started == null ? at : started,
            Optional.empty(),
            detail));
  }

  /** Ends every step of the worker still running, as {@code status}. */
  private void endSteps(Worker w, Status status, String detail) {
    for (Step step : List.copyOf(w.stepsStarted.keySet())) {
      endStep(w, step, status, detail);
    }
  }

  // ---------------------------------------------------------------- watch and cron

  /** Starts what restarts the app on its own: file watching and its cron schedule. */
  private void supervise(AppEntry entry) {
    AppSpec spec = entry.spec;
    String name = spec.name();
    if (!spec.watch().isEmpty() && !watches.containsKey(name)) {
      try {
        watches.put(
            name,
            AppWatch.start(
                spec,
                List.of(home.dir().toAbsolutePath()),
                path -> post(() -> onFileChanged(name, path))));
      } catch (IOException e) {
        publishNote(entry, "cannot watch " + spec.watch() + ": " + e.getMessage());
      }
    }
    if (spec.cronRestart().isPresent() && !cronRestarts.containsKey(name)) {
      scheduleCron(name);
    }
  }

  private void unsupervise(String name) {
    AppWatch watch = watches.remove(name);
    if (watch != null) {
      watch.close();
    }
    java.util.concurrent.ScheduledFuture<?> pending = pendingWatchRestarts.remove(name);
    if (pending != null) {
      pending.cancel(false);
    }
    changedFiles.remove(name);
    java.util.concurrent.ScheduledFuture<?> cron = cronRestarts.remove(name);
    if (cron != null) {
      cron.cancel(false);
    }
  }

  /** A watched file changed: restart once changes have stopped for watch_delay. */
  private void onFileChanged(String name, Path path) {
    AppEntry entry = apps.get(name);
    AppWatch watch = watches.get(name);
    if (entry == null || watch == null) {
      return;
    }
    java.util.concurrent.ScheduledFuture<?> pending = pendingWatchRestarts.remove(name);
    if (pending != null) {
      pending.cancel(false);
    }
    java.util.Set<Path> changed =
        changedFiles.computeIfAbsent(name, k -> new java.util.LinkedHashSet<>());
    changed.add(watch.relative(path));
    pendingWatchRestarts.put(
        name,
        after(
            entry.spec.watchDelay(),
            () -> {
              pendingWatchRestarts.remove(name);
              java.util.Set<Path> files = changedFiles.remove(name);
              AppEntry now = apps.get(name);
              if (now != null && watches.containsKey(name) && files != null) {
                String why = "watch: " + describe(files);
                restartApp(now, why);
              }
            }));
  }

  private static String describe(java.util.Set<Path> files) {
    List<String> names = files.stream().map(Path::toString).toList();
    if (names.size() == 1) {
      return names.getFirst() + " changed";
    }
    String shown = String.join(", ", names.subList(0, Math.min(3, names.size())));
    return names.size() + " files changed: " + shown + (names.size() > 3 ? ", ..." : "");
  }

  /**
   * A restart nobody typed (watch, cron_restart): a cluster app with workers online is reloaded
   * worker by worker, so it keeps serving; otherwise every worker restarts gracefully.
   */
  private void restartApp(AppEntry entry, String why) {
    boolean serving =
        entry.spec.execMode() == ExecMode.CLUSTER
            && entry.workers.stream().anyMatch(w -> w.state() == WorkerState.ONLINE);
    if (!serving) {
      entry.workers.forEach(w -> restartWorker(w, why));
      return;
    }
    Rollout r =
        new Rollout(nextRolloutId++, entry.spec.name(), RolloutChanged.Kind.RELOAD, Set.of(), null);
    r.reread = false;
    r.why = why;
    enqueue(entry, r);
  }

  private void scheduleCron(String name) {
    AppEntry entry = apps.get(name);
    if (entry == null || entry.spec.cronRestart().isEmpty()) {
      return;
    }
    String expression = entry.spec.cronRestart().get();
    java.time.ZonedDateTime from = now().atZone(java.time.ZoneId.systemDefault());
    Optional<java.time.ZonedDateTime> next = dev.pmfx.config.CronSchedule.next(expression, from);
    if (next.isEmpty()) {
      return;
    }
    Duration wait = Duration.between(from, next.get());
    cronRestarts.put(
        name,
        after(
            wait,
            () -> {
              AppEntry now = apps.get(name);
              if (now != null && cronRestarts.containsKey(name)) {
                restartApp(now, "cron_restart: " + expression);
                scheduleCron(name);
              }
            }));
  }

  private void publishNote(AppEntry entry, String note) {
    for (Worker w : entry.workers) {
      publish(
          new EngineEvent.LogLine(
              now(), w.id, entry.spec.name(), w.instance, LogLine.Stream.ERR, "pmfx: " + note));
    }
  }

  private List<AppEntry> appsOf(List<Worker> some) {
    return some.stream()
        .map(w -> apps.get(w.spec.name()))
        .filter(java.util.Objects::nonNull)
        .distinct()
        .toList();
  }

  /** The names of apps all of whose workers are among {@code some}. */
  private List<String> wholeApps(List<Worker> some) {
    return appsOf(some).stream()
        .filter(a -> some.containsAll(a.workers))
        .map(a -> a.spec.name())
        .toList();
  }

  @Override
  public CompletableFuture<CommandResult> delete(String target) {
    return stopAs("delete", target, new StopGoal.Remove("deleted"));
  }

  @Override
  public CompletableFuture<CommandResult> flush(String target) {
    return onLoop(
        () -> {
          Resolved resolved = resolve(target);
          if (!resolved.problems.isEmpty()) {
            return CompletableFuture.completedFuture(
                new CommandResult("flush", List.of(), resolved.problems));
          }
          List<AppEntry> matched = appsOf(resolved.workers);
          List<AppSpec> specs = matched.stream().map(a -> a.spec).toList();
          List<Integer> ids = matched.stream().flatMap(a -> ids(a.workers).stream()).toList();
          ids.forEach(tails::remove);
          return CompletableFuture.supplyAsync(
              () -> {
                List<Problem> problems = new ArrayList<>();
                for (AppSpec spec : specs) {
                  Set<Path> paths = new java.util.LinkedHashSet<>();
                  for (int instance = 0; instance < Math.max(1, spec.instances()); instance++) {
                    for (LogLine.Stream stream : LogLine.Stream.values()) {
                      paths.add(logPath(spec, instance, stream));
                    }
                  }
                  spec.logFile().ifPresent(paths::add);
                  for (Path path : paths) {
                    try {
                      LogFile open = logFiles.get(path);
                      if (open != null) {
                        open.empty();
                      } else {
                        LogFile.empty(path, LogFile.DEFAULT_KEEP);
                      }
                    } catch (IOException e) {
                      problems.add(
                          new Problem(spec.name(), "cannot empty " + path + ": " + e.getMessage()));
                    }
                  }
                }
                return new CommandResult("flush", ids, problems);
              },
              Thread::startVirtualThread);
        });
  }

  @Override
  public Optional<EngineEvent.MetricsSample> lastSample() {
    return Optional.ofNullable(lastSample);
  }

  @Override
  public List<AppStatus> snapshot() {
    if (Thread.currentThread() == loopThread) {
      return snapshotNow();
    }
    return await(loop.submit(this::snapshotNow));
  }

  private List<AppStatus> snapshotNow() {
    return apps.values().stream().map(this::status).toList();
  }

  @Override
  public List<LogLine> tail(int workerId, int lines) {
    LogTail<LogLine> tail = tails.get(workerId);
    return tail == null ? List.of() : tail.last(lines);
  }

  @Override
  public Subscription subscribe(EngineListener listener) {
    // The snapshot is taken on the loop and queued where the loop's events are: the listener gets
    // it, then every event after it, none twice.
    Runnable register =
        () -> {
          List<AppStatus> snapshot = snapshotNow();
          deliveries.add(
              () -> {
                call(() -> listener.onSnapshot(snapshot));
                if (listener.wantsHistory()) {
                  List<EngineEvent> past = List.copyOf(recent);
                  call(() -> listener.onHistory(past));
                }
                listeners.add(listener);
              });
        };
    if (Thread.currentThread() == loopThread) {
      register.run();
    } else {
      await(loop.submit(register));
    }
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    sampler.interrupt();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // closing from the hook itself
    }
    try {
      // Nothing restarts on its own while pmfx closes.
      loop.submit(
              () -> {
                List.copyOf(watches.keySet()).forEach(this::unsupervise);
                List.copyOf(cronRestarts.keySet()).forEach(this::unsupervise);
                apps.values().forEach(a -> interrupt(a, "closing pmfx"));
              })
          .get(5, TimeUnit.SECONDS);
      Duration longest =
          loop.submit(
                  () ->
                      workers.values().stream()
                          .map(
                              w ->
                                  balancers.containsKey(w.spec.name())
                                      ? w.spec.killTimeout().plus(w.spec.drainTimeout())
                                      : w.spec.killTimeout())
                          .max(Duration::compareTo)
                          .orElse(Duration.ZERO))
              .get(5, TimeUnit.SECONDS);
      CompletableFuture<?> stopped =
          loop.submit(
                  () ->
                      CompletableFuture.allOf(
                          List.copyOf(workers.values()).stream()
                              .map(w -> stopWorker(w, "pmfx is closing", StopGoal.REST))
                              .toArray(CompletableFuture[]::new)))
              .get(5, TimeUnit.SECONDS);
      stopped.get(longest.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException
        | TimeoutException
        | java.util.concurrent.RejectedExecutionException e) {
      // what could not stop in time is killed below
    }
    try {
      loop.submit(
              () -> {
                for (Worker w : workers.values()) {
                  killTree(w);
                  closeChannel(w);
                }
                for (AppEntry entry : apps.values()) {
                  for (Rollout r : entry.rollouts) {
                    r.result.complete(
                        new CommandResult(
                            r.verb(),
                            r.touched,
                            List.of(new Problem(r.app, r.verb() + " ended: pmfx closed"))));
                  }
                }
              })
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the loop is stuck or gone; nothing more to do from here
    }
    // Every line the workers wrote reaches its file before the files close.
    try {
      CompletableFuture.allOf(pumps.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // a descendant outside pmfx's reach holds a pipe open; its lines end here
    }
    loop.shutdownNow();
    timers.shutdownNow();
    List.copyOf(balancers.keySet()).forEach(this::closeBalancer);
    if (loops != null) {
      loops.close();
    }
    deliveries.add(STOP_DISPATCH);
    try {
      dispatcher.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (LogFile file : logFiles.values()) {
      try {
        file.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  // ---------------------------------------------------------------- the lifecycle

  private record Input(Worker worker, MachineEvent event) {}

  /** Events raised while another one's effects run: handled after them, in order. Loop only. */
  private final java.util.ArrayDeque<Input> inputs = new java.util.ArrayDeque<>();

  private boolean feeding;

  /**
   * Hands an event to the worker's machine and runs the effects it returns; the one place a
   * worker's state is written. An event raised by an effect waits until those effects have run.
   */
  private void feed(Worker w, MachineEvent event) {
    inputs.add(new Input(w, event));
    if (feeding) {
      return;
    }
    feeding = true;
    try {
      for (Input next = inputs.poll(); next != null; next = inputs.poll()) {
        step(next.worker(), next.event());
      }
    } finally {
      feeding = false;
    }
  }

  private void step(Worker w, MachineEvent event) {
    WorkerMachine.Result result;
    try {
      result = WorkerMachine.apply(w.machine, event, now());
    } catch (WorkerMachine.Rejected rejected) {
      System.getLogger("dev.pmfx.supervisor")
          .log(System.Logger.Level.WARNING, "worker " + w.id + ": " + rejected.getMessage());
      return;
    }
    if (result.state().phase() != w.machine.phase()) {
      w.cancelTimer(); // a phase's timer ends with the phase
    }
    w.machine = result.state();
    for (MachineEffect effect : result.effects()) {
      run(w, effect);
    }
  }

  private void run(Worker w, MachineEffect effect) {
    switch (effect) {
      case MachineEffect.Spawn spawn -> spawn(w, spawn.generation());
      case MachineEffect.Publish moved -> published(w, moved);
      case MachineEffect.LaunchOutcome outcome -> completeLaunch(w, outcome.state());
      case MachineEffect.BeginStep begin ->
          beginStep(w, begin.step(), begin.deadline(), begin.detail());
      case MachineEffect.EndStep end -> endStep(w, end.step(), end.status(), end.detail());
      case MachineEffect.EndSteps end -> endSteps(w, end.status(), end.detail());
      case MachineEffect.ArmTimer timer ->
          w.timer = after(timer.after(), () -> feed(w, timer.fire()));
      case MachineEffect.PollListening poll -> probeListening(w, poll.generation());
      case MachineEffect.Probe probe -> probe(w, probe.generation());
      case MachineEffect.Route route -> route(w);
      case MachineEffect.Unroute unroute -> unroute(w);
      case MachineEffect.Drain drain -> drain(w, drain);
      case MachineEffect.SendStop stop -> sendStop(w, stop);
      case MachineEffect.KillTree kill -> killTree(w);
      case MachineEffect.Release release -> {
        closeChannel(w);
        deletePrivateSocket(w);
        if (release.leftovers()) {
          killLeftovers(w);
        }
      }
      case MachineEffect.Remove remove -> remove(w, remove.why());
      case MachineEffect.ReplaceOverMemory replace -> replaceOverMemory(w, replace.why());
    }
  }

  /** Feeds a start to the worker; the problem, when its process could not start. */
  private Optional<Problem> launch(Worker w, MachineEvent start) {
    w.launchProblem = null;
    feed(w, start);
    return Optional.ofNullable(w.launchProblem).map(why -> new Problem(w.spec.name(), why));
  }

  /** Stops the worker gracefully for {@code goal}; the future completes when it is at rest. */
  private CompletableFuture<WorkerState> stopWorker(Worker w, String why, StopGoal goal) {
    CompletableFuture<WorkerState> rest = new CompletableFuture<>();
    if (w.atRest()) {
      rest.complete(w.state());
    } else {
      w.waitingForRest.add(rest);
    }
    feed(w, new MachineEvent.Stop(why, goal, inFlight(w)));
    return rest;
  }

  /** Stops the worker gracefully, for whatever its stop was already for. */
  private CompletableFuture<WorkerState> stopWorker(Worker w, String why) {
    return stopWorker(w, why, w.machine.goal());
  }

  /** Its requests in flight when it is in its balancer's rotation, which it drains first. */
  private OptionalInt inFlight(Worker w) {
    PublicPort balancer = balancers.get(w.spec.name());
    return balancer != null && balancer.routes(w.id)
        ? OptionalInt.of(inFlight(balancer, w.id))
        : OptionalInt.empty();
  }

  /** Starts a process for the worker, and tells its machine how that went. */
  private void spawn(Worker w, int generation) {
    if (closed) {
      // Nothing starts once pmfx closes: it would outlive it, in a process group of its own.
      w.launchProblem = "pmfx is closing";
      feed(w, new MachineEvent.SpawnRefused(generation, "not started: pmfx is closing"));
      return;
    }
    try {
      OptionalInt port =
          w.spec.execMode() == ExecMode.CLUSTER ? OptionalInt.of(freePort()) : OptionalInt.empty();
      w.privatePort = port.orElse(0);
      Optional<Path> httpSocket =
          port.isPresent() && dev.pmfx.balance.Loops.domainSockets()
              ? Optional.of(ipcDir.resolve("w" + w.id + "-" + UUID.randomUUID() + ".http.sock"))
              : Optional.empty();
      Launch plan =
          Launch.plan(
              w.spec,
              w.instance,
              w.id,
              w.envName,
              home.dir(),
              userEnvironment,
              nodeShim,
              port,
              httpSocket);
      w.node = plan.node();
      deletePrivateSocket(w);
      w.privateSocket = plan.node() ? httpSocket.orElse(null) : null;
      List<LogFile> out = logFilesFor(w.spec, w.instance, LogLine.Stream.OUT);
      List<LogFile> err = logFilesFor(w.spec, w.instance, LogLine.Stream.ERR);
      Consumer<String> onMessage = message -> post(() -> onMessage(w, generation, message));
      Process process;
      if (SpawnedProcess.available()) {
        // Node workers get Node's own IPC channel, as child_process.fork gives it; others a
        // private socket named in PMFX_IPC.
        NodeChannel node = plan.node() ? NodeChannel.open() : null;
        IpcSocket socket = node == null ? openIpcSocket(w, onMessage) : null;
        w.channel = node != null ? node : socket;
        Launch launch = plan.withChannel(Optional.ofNullable(socket).map(IpcSocket::path));
        process =
            SpawnedProcess.start(
                launch.command(),
                launch.cwd(),
                launch.environment(),
                node != null ? node.childEnd() : -1);
        if (node != null) {
          node.started(onMessage, report -> post(() -> onReport(w, generation, report)));
        }
      } else {
        IpcSocket socket = openIpcSocket(w, onMessage);
        w.channel = socket;
        process = JavaLaunch.start(plan.withChannel(Optional.of(socket.path())));
      }
      w.process = process;
      w.tree = List.of();
      CompletableFuture<Void> drained =
          CompletableFuture.allOf(
              pump(w, process.getInputStream(), LogLine.Stream.OUT, out),
              pump(w, process.getErrorStream(), LogLine.Stream.ERR, err));
      pumps.add(drained);
      drained.whenComplete((done, error) -> pumps.remove(drained));
      // The exit is handled once the output is read to its end, so a crash's last words come
      // before the crash; a child that holds the pipe open delays it by a moment at most.
      process
          .onExit()
          .thenCompose(
              p ->
                  drained
                      .copy()
                      .completeOnTimeout(null, DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS))
          .thenRun(() -> post(() -> exited(w, generation, process)));
      feed(
          w,
          new MachineEvent.Spawned(
              generation,
              process.pid(),
              w.privatePort > 0 ? Optional.of(privateAddress(w)) : Optional.empty(),
              // A Node worker's shim says when it listens; connecting to it instead could reach
              // the app's connection handler, and an app that crashes on a reset would crash.
              w.node,
              w.channel != null));
    } catch (LaunchException | IOException | RuntimeException e) {
      closeChannel(w);
      String message =
          e instanceof LaunchException
              ? e.getMessage()
              : "could not start: " + (e.getCause() != null ? e.getCause() : e).getMessage();
      w.launchProblem = message;
      feed(w, new MachineEvent.SpawnFailed(generation, message));
    }
  }

  private void exited(Worker w, int generation, Process process) {
    if (generation == w.generation()) {
      feed(
          w,
          new MachineEvent.Exited(
              generation, process.exitValue(), w.machine.trial() ? lastWords(w) : ""));
    }
  }

  /** What a move does beyond the state: samples, listeners, and those waiting for the worker. */
  private void published(Worker w, MachineEffect.Publish moved) {
    WorkerState to = moved.to();
    if (to.running() && w.process != null) {
      sampled.put(
          w.id,
          new Sampled(
              w.process.pid(),
              w.spec.name(),
              w.instance,
              w.spec.maxMemoryRestart().map(dev.pmfx.config.ByteSize::bytes).orElse(0L)));
    } else {
      sampled.remove(w.id);
    }
    publish(
        new EngineEvent.WorkerChanged(
            moved.state().since(), moved.from(), w.status(moved.state()), moved.why()));
    if (to == WorkerState.STOPPED || to == WorkerState.ERRORED) {
      w.waitingForRest.forEach(f -> f.complete(to));
      w.waitingForRest.clear();
    }
    if (w.admission != null && to != WorkerState.LAUNCHING && to != WorkerState.WAITING_READY) {
      // The rollout waiting for this worker learns where it ended up.
      CompletableFuture<Worker.Admission> admission = w.admission;
      w.admission = null;
      boolean online = to == WorkerState.ONLINE;
      endSteps(
          w,
          !online ? Status.FAILED : moved.state().late() ? Status.WARNING : Status.DONE,
          moved.why());
      admission.complete(new Worker.Admission(to, moved.why()));
    }
  }

  /** The stop signal to the worker's process (its tree with treekill), or the shutdown message. */
  private void sendStop(Worker w, MachineEffect.SendStop stop) {
    w.tree = treeOf(w.process);
    if (stop.byMessage() && w.channel != null && w.channel.send("shutdown")) {
      return;
    }
    if (stop.tree() && groupLeaders()) {
      Signals.sendGroup(w.process.pid(), stop.signal());
    }
    for (ProcessHandle p : stop.tree() ? w.tree : List.of(w.process.toHandle())) {
      Signals.send(p.pid(), stop.signal());
    }
  }

  /** No new connection to the worker; its machine hears when those in flight are done. */
  private void drain(Worker w, MachineEffect.Drain drain) {
    PublicPort balancer = balancers.get(w.spec.name());
    CompletableFuture<Boolean> finished =
        balancer == null
            ? CompletableFuture.completedFuture(true)
            : balancer.drain(w.id, drain.timeout());
    finished.thenAccept(
        done -> post(() -> feed(w, new MachineEvent.Drained(drain.generation(), done))));
  }

  private IpcSocket openIpcSocket(Worker w, Consumer<String> onMessage) throws IOException {
    return IpcSocket.open(
        ipcDir.resolve("w" + w.id + "-" + UUID.randomUUID() + ".sock"), onMessage);
  }

  /** Whether each worker leads a process group of its own, which a signal to the group reaches. */
  private static boolean groupLeaders() {
    return SpawnedProcess.available() || JavaLaunch.SETSID != null;
  }

  /** A loopback port nothing listens on now, for a cluster worker to listen on. */
  private static int freePort() throws IOException {
    try (java.net.ServerSocket probe =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private void completeLaunch(Worker w, WorkerState outcome) {
    w.waitingForLaunch.forEach(f -> f.complete(outcome));
    w.waitingForLaunch.clear();
  }

  private void onMessage(Worker w, int generation, String message) {
    if (generation != w.generation()) {
      return;
    }
    if (message.equals("ready")) {
      feed(w, new MachineEvent.Ready(generation));
    } else if (message.startsWith("listening ") && w.privatePort > 0) {
      try {
        w.publicPort = Integer.parseInt(message.substring("listening ".length()).strip());
      } catch (NumberFormatException notAPort) {
        return;
      }
      feed(w, new MachineEvent.Listening(generation, w.publicPort));
    }
  }

  /** A Node worker's shim reports on the connections pmfx handed it. */
  private void onReport(Worker w, int generation, com.fasterxml.jackson.databind.JsonNode report) {
    if (generation != w.generation()
        || !(balancers.get(w.spec.name()) instanceof Handoff handoff)) {
      return;
    }
    switch (report.path("cmd").asText()) {
      case "pmfx:stats" ->
          handoff.counts(
              w.id,
              report.path("requests").asLong(),
              report.path("inFlight").asInt(),
              report.path("errors").asLong(),
              report.path("open").asInt(),
              report.path("p50").asDouble(),
              report.path("p99").asDouble());
      case "pmfx:drained" -> handoff.drained(w.id);
      default -> {}
    }
  }

  /** Tries to connect to a cluster worker's private address every 100 ms while it starts. */
  private void probeListening(Worker w, int generation) {
    java.net.SocketAddress address = privateSocketAddress(w);
    timers.schedule(
        () ->
            Thread.startVirtualThread(
                () -> {
                  boolean listening = accepts(address);
                  post(
                      () -> {
                        if (generation != w.generation()
                            || w.state() != WorkerState.WAITING_READY
                            || w.spec.waitReady()) {
                          return;
                        }
                        if (listening) {
                          feed(w, new MachineEvent.Listening(generation, w.publicPort));
                        } else {
                          probeListening(w, generation);
                        }
                      });
                }),
        100,
        TimeUnit.MILLISECONDS);
  }

  /** Tries a trial worker's private address once, off the loop. */
  private void probe(Worker w, int generation) {
    java.net.SocketAddress address = privateSocketAddress(w);
    Thread.startVirtualThread(
        () -> {
          boolean listening = accepts(address);
          post(() -> feed(w, new MachineEvent.Probed(generation, listening)));
        });
  }

  /** Whether something accepts a connection at the address now; blocks for the attempt. */
  private static boolean accepts(java.net.SocketAddress address) {
    try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open(address)) {
      return true;
    } catch (IOException notListening) {
      return false;
    }
  }

  /** Where a cluster worker listens: its Unix socket (Node) or its loopback port. */
  private static java.net.SocketAddress privateSocketAddress(Worker w) {
    return w.privateSocket != null
        ? java.net.UnixDomainSocketAddress.of(w.privateSocket)
        : new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), w.privatePort);
  }

  /** Where a cluster worker listens, in words short enough for an event: unix:w0-….sock. */
  private static String privateAddress(Worker w) {
    return w.privateSocket != null
        ? "unix:" + w.privateSocket.getFileName()
        : "127.0.0.1:" + w.privatePort;
  }

  private static void deletePrivateSocket(Worker w) {
    if (w.privateSocket != null) {
      try {
        Files.deleteIfExists(w.privateSocket);
      } catch (IOException ignored) {
        // a stale socket in pmfx's own folder; the next start replaces its name anyway
      }
      w.privateSocket = null;
    }
  }

  // ---------------------------------------------------------------- the balancer

  /** Puts an online cluster worker into its app's balancer, opening it on first use. */
  private void route(Worker w) {
    if (w.privatePort == 0) {
      return;
    }
    switch (balancerFor(w).orElse(null)) {
      case Handoff handoff when w.channel instanceof NodeChannel channel ->
          handoff.add(w.id, channel);
      case Balancer balancer -> balancer.add(w.id, privateSocketAddress(w));
      case null, default -> {}
    }
  }

  private Optional<PublicPort> balancerFor(Worker w) {
    String app = w.spec.name();
    PublicPort open = balancers.get(app);
    if (open != null) {
      return Optional.of(open);
    }
    int port = w.publicPort > 0 ? w.publicPort : configuredPort(w);
    AppEntry entry = apps.get(app);
    if (port <= 0) {
      if (w.node) {
        return Optional.empty(); // its listen() call will say the port
      }
      if (entry != null && entry.noted.add("no public port")) {
        publishNote(
            entry,
            "cluster mode needs the app's public port: set env.PORT (a Node app's own listen()"
                + " call says it); until then each worker serves only its private PORT");
      }
      return Optional.empty();
    }
    try {
      PublicPort balancer;
      if (handsOff(w)) {
        balancer = Handoff.open(port, balancerOptions(w.spec));
      } else {
        if (w.spec.balancer().equals("handoff") && entry != null && entry.noted.add("handoff")) {
          // Named in the file, and impossible here (another OS, or not Node): said once.
          publishNote(
              entry,
              "balancer 'handoff' passes connections to Node workers over Node's IPC channel,"
                  + " which these workers do not have: pmfx balances their requests instead");
        }
        balancer = Balancer.open(loopsFor(), port, balancerOptions(w.spec));
      }
      balancers.put(app, balancer);
      if (entry != null) {
        entry.noted.remove("cannot listen");
      }
      return Optional.of(balancer);
    } catch (IOException e) {
      if (entry != null && entry.noted.add("cannot listen")) {
        publishNote(entry, "the balancer " + e.getMessage());
        // Online but unreachable would be a lie: the app's workers stop and end errored, as a
        // server that cannot listen does. Later, outside this transition.
        String why = "the balancer " + e.getMessage();
        post(() -> cannotServe(app, why));
      }
      return Optional.empty();
    }
  }

  private dev.pmfx.balance.Loops loopsFor() {
    if (loops == null) {
      loops = new dev.pmfx.balance.Loops();
    }
    return loops;
  }

  /** Whether the worker's app hands connections to it whole ({@code balancer: 'handoff'}). */
  private static boolean handsOff(Worker w) {
    return w.spec.balancerMode().equals("handoff") && w.channel instanceof NodeChannel;
  }

  private static Balancer.Options balancerOptions(AppSpec spec) {
    Balancer.Options options =
        new Balancer.Options(
            Balancer.Mode.HTTP, Balancer.Strategy.ROUND_ROBIN, spec.queueTimeout());
    return options
        .with(spec.balancerMode().equals("tcp") ? Balancer.Mode.TCP : Balancer.Mode.HTTP)
        .with(
            switch (spec.balancerStrategy()) {
              case "least-connections" -> Balancer.Strategy.LEAST_CONNECTIONS;
              case "sticky" -> Balancer.Strategy.STICKY;
              default -> Balancer.Strategy.ROUND_ROBIN;
            });
  }

  /** An app's snapshot, with its balancer's port and counts in cluster mode. */
  private AppStatus status(AppEntry entry) {
    AppStatus plain = entry.status();
    PublicPort balancer = balancers.get(entry.spec.name());
    return balancer == null
        ? plain
        : new AppStatus(
            plain.spec(),
            plain.file(),
            plain.envName(),
            plain.workers(),
            OptionalInt.of(balancer.port()),
            requestsOf(entry.spec.name(), balancer));
  }

  private static List<EngineEvent.MetricsSample.WorkerRequests> requestsOf(
      String app, PublicPort balancer) {
    return balancer.stats().stream()
        .map(
            s ->
                new EngineEvent.MetricsSample.WorkerRequests(
                    s.workerId(),
                    app,
                    s.requests(),
                    s.inFlight(),
                    s.errors(),
                    s.p50Millis(),
                    s.p99Millis()))
        .toList();
  }

  private void cannotServe(String app, String why) {
    AppEntry entry = apps.get(app);
    if (entry == null || balancers.containsKey(app)) {
      return;
    }
    entry.noted.remove("cannot listen"); // a later start tries the port again
    for (Worker w : List.copyOf(entry.workers)) {
      if (!w.atRest()) {
        stopWorker(w, "cannot serve", new StopGoal.Fail(why));
      }
    }
  }

  /** The app's own PORT, from env or env_<name>: the public port of a cluster app. */
  private static int configuredPort(Worker w) {
    String value = w.spec.environment(w.envName).get("PORT");
    try {
      return value == null ? 0 : Integer.parseInt(value.strip());
    } catch (NumberFormatException notAPort) {
      return 0;
    }
  }

  private void unroute(Worker w) {
    PublicPort balancer = balancers.get(w.spec.name());
    if (balancer != null) {
      balancer.remove(w.id);
    }
  }

  private void closeBalancer(String app) {
    PublicPort balancer = balancers.remove(app);
    if (balancer != null) {
      balancer.close();
    }
  }

  /**
   * What a worker that died on its way up said on stderr, for the failure's words: its first line
   * that speaks of an error (a compiler's or a stack trace's), else its last; empty if nothing.
   */
  private String lastWords(Worker w) {
    LogTail<LogLine> tail = tails.get(w.id);
    if (tail == null) {
      return "";
    }
    List<String> said =
        tail.last(50).stream()
            .filter(l -> l.stream() == LogLine.Stream.ERR && !l.text().isBlank())
            .map(l -> l.text().strip())
            .filter(t -> !t.startsWith("pmfx: "))
            .toList();
    if (said.isEmpty()) {
      return "";
    }
    String words =
        said.stream()
            .filter(t -> t.toLowerCase(java.util.Locale.ROOT).contains("error"))
            .findFirst()
            .orElse(said.getLast());
    return words.length() > 160 ? words.substring(0, 157) + "..." : words;
  }

  /** SIGKILL to the worker's process and every descendant, now and as recorded at the stop. */
  private void killTree(Worker w) {
    if (w.process == null) {
      return;
    }
    if (groupLeaders()) {
      Signals.sendGroup(w.process.pid(), "SIGKILL");
    }
    List<ProcessHandle> all = new ArrayList<>(w.tree);
    all.addAll(treeOf(w.process));
    for (ProcessHandle p : all) {
      if (p.isAlive()) {
        Signals.send(p.pid(), "SIGKILL");
      }
    }
  }

  /** After the worker's process exited: what it started would be orphans, so it ends too. */
  private void killLeftovers(Worker w) {
    if (groupLeaders()) {
      Signals.sendGroup(w.process.pid(), "SIGKILL");
    }
    for (ProcessHandle p : w.tree) {
      if (p.pid() != w.process.pid() && p.isAlive()) {
        Signals.send(p.pid(), "SIGKILL");
      }
    }
  }

  private static List<ProcessHandle> treeOf(Process process) {
    if (process == null || !process.isAlive()) {
      return List.of();
    }
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(process.toHandle());
    process.descendants().forEach(tree::add);
    return tree;
  }

  private void remove(Worker w, String why) {
    AppEntry entry = apps.get(w.spec.name());
    workers.remove(w.id);
    tails.remove(w.id);
    if (entry != null) {
      entry.workers.remove(w);
      if (entry.workers.isEmpty()) {
        apps.remove(w.spec.name());
        closeBalancer(w.spec.name());
        interrupt(entry, "delete");
        publish(new EngineEvent.AppRemoved(now(), w.spec.name()));
      } else {
        publish(new EngineEvent.WorkerRemoved(now(), w.spec.name(), w.id, why));
      }
    }
  }

  private void closeChannel(Worker w) {
    if (w.channel != null) {
      w.channel.close();
      w.channel = null;
    }
  }

  // ---------------------------------------------------------------- logs

  private CompletableFuture<Void> pump(
      Worker w, InputStream in, LogLine.Stream stream, List<LogFile> files) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    AppSpec spec = w.spec;
    int id = w.id;
    int instance = w.instance;
    LogTail<LogLine> tail = tails.computeIfAbsent(id, k -> new LogTail<>(TAIL_LINES));
    // A platform thread: a read from a pipe blocks its carrier, and with hundreds of workers
    // virtual threads would use up the carrier pool and starve everything else that runs on it.
    Thread.ofPlatform()
        .daemon()
        .stackSize(256 * 1024)
        .name("pmfx-log-" + spec.name() + "-" + instance + "-" + stream)
        .start(
            () -> {
              try (in) {
                LinePump.pump(
                    in,
                    text -> {
                      LogLine line = new LogLine(now(), id, spec.name(), instance, stream, text);
                      for (LogFile file : files) {
                        try {
                          file.append(line.at(), text, false);
                        } catch (IOException e) {
                          // the disk is full or the file went away; the tail and views still get it
                        }
                      }
                      tail.add(line);
                      publish(line);
                    },
                    () -> files.forEach(LocalEngine::flush));
              } catch (IOException e) {
                // the process's pipe closed
              } finally {
                done.complete(null);
              }
            });
    return done;
  }

  private static void flush(LogFile file) {
    try {
      file.flush();
    } catch (IOException e) {
      // as for append: the views still have the lines
    }
  }

  private List<LogFile> logFilesFor(AppSpec spec, int instance, LogLine.Stream stream) {
    List<LogFile> files = new ArrayList<>();
    files.add(logFile(logPath(spec, instance, stream), spec));
    spec.logFile().ifPresent(combined -> files.add(logFile(combined, spec)));
    return files;
  }

  private Path logPath(AppSpec spec, int instance, LogLine.Stream stream) {
    return dev.pmfx.logs.LogPaths.of(home, spec, instance, stream);
  }

  @Override
  public CompletableFuture<List<LogLine>> logHistory(AppSpec spec, int lines) {
    return CompletableFuture.supplyAsync(
        () -> {
          List<LogLine> history = new ArrayList<>();
          int files = spec.mergeLogs() ? 1 : spec.instances();
          for (int instance = 0; instance < files; instance++) {
            for (LogLine.Stream stream : LogLine.Stream.values()) {
              Path path = logPath(spec, instance, stream);
              try {
                if (!Files.isRegularFile(path)) {
                  continue;
                }
                Instant changed = Files.getLastModifiedTime(path).toInstant();
                for (String text : LogFile.lastLines(path, lines)) {
                  history.add(new LogLine(changed, -1, spec.name(), instance, stream, text));
                }
              } catch (IOException e) {
                history.add(
                    new LogLine(
                        now(),
                        -1,
                        spec.name(),
                        instance,
                        LogLine.Stream.ERR,
                        "pmfx: cannot read " + path + ": " + e.getMessage()));
              }
            }
          }
          return List.copyOf(history);
        },
        Thread::startVirtualThread);
  }

  private LogFile logFile(Path path, AppSpec spec) {
    Optional<DateTimeFormatter> dates = spec.logDateFormat().map(MomentFormat::toFormatter);
    return logFiles.compute(
        path,
        (p, open) -> {
          if (open != null
              && open.dates().map(Object::toString).equals(dates.map(Object::toString))) {
            return open;
          }
          try {
            if (open != null) {
              open.close(); // the app's log_date_format changed
            }
            return new LogFile(p, LogFile.DEFAULT_MAX_BYTES, LogFile.DEFAULT_KEEP, dates);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot open log file " + p, e);
          }
        });
  }

  // ---------------------------------------------------------------- plumbing

  private record Resolved(List<Worker> workers, List<Problem> problems) {}

  private Resolved resolve(String text) {
    Target target = Target.parse(text);
    List<Worker> found =
        switch (target) {
          case Target.All all -> List.copyOf(workers.values());
          case Target.WorkerId id -> Stream.ofNullable(workers.get(id.id())).toList();
          case Target.Named named -> {
            AppEntry app = apps.get(named.name());
            yield app != null
                ? List.copyOf(app.workers)
                : apps.values().stream()
                    .filter(a -> a.spec.namespace().equals(named.name()))
                    .flatMap(a -> a.workers.stream())
                    .toList();
          }
        };
    List<Problem> problems =
        found.isEmpty() && !(target instanceof Target.All)
            ? List.of(new Problem(text, "no app, worker id or namespace '" + text + "'"))
            : List.of();
    return new Resolved(found, problems);
  }

  private static List<Integer> ids(List<Worker> workers) {
    return workers.stream().map(w -> w.id).toList();
  }

  private void publish(EngineEvent event) {
    boolean held = event instanceof LogLine && Thread.currentThread() != loopThread;
    if (held) {
      linesInFlight.acquireUninterruptibly();
    }
    deliveries.add(
        () -> {
          remember(event);
          for (EngineListener listener : listeners) {
            call(() -> listener.onEvent(event));
          }
          if (held) {
            linesInFlight.release();
          }
        });
  }

  /**
   * Keeps what a listener that comes later gets as {@link EngineListener#onHistory}; on the
   * dispatcher, which alone touches it.
   */
  private void remember(EngineEvent event) {
    if (!(event instanceof EngineEvent.MetricsSample)
        && !(event instanceof EngineEvent.WorkerChanged)) {
      return;
    }
    recent.addLast(event);
    Instant oldest = event.at().minus(EngineListener.HISTORY);
    while (!recent.isEmpty()
        && (recent.peekFirst().at().isBefore(oldest)
            || recent.size() > EngineListener.HISTORY_CHANGES + HISTORY_SAMPLES)) {
      recent.removeFirst();
    }
  }

  /** Samples in {@link EngineListener#HISTORY} at the fastest interval, 1 s. */
  private static final int HISTORY_SAMPLES = (int) EngineListener.HISTORY.toSeconds();

  private static void call(Runnable listenerCode) {
    try {
      listenerCode.run();
    } catch (RuntimeException e) {
      // a listener's failure is its own; the engine and the other listeners go on
    }
  }

  private Instant now() {
    return clock.instant();
  }

  private void post(Runnable input) {
    if (!closed || !loop.isShutdown()) {
      try {
        loop.execute(input);
      } catch (java.util.concurrent.RejectedExecutionException closing) {
        // the engine closed; inputs after that have nobody to act on them
      }
    }
  }

  private java.util.concurrent.ScheduledFuture<?> after(Duration delay, Runnable input) {
    return timers.schedule(() -> post(input), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> CompletableFuture<T> onLoop(Callable<CompletableFuture<T>> command) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the engine is closed"));
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    post(
        () -> {
          try {
            command
                .call()
                .whenComplete(
                    (value, error) -> {
                      if (error != null) {
                        result.completeExceptionally(error);
                      } else {
                        result.complete(value);
                      }
                    });
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  private static <T> T await(java.util.concurrent.Future<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the engine", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the engine did not answer", e);
    }
  }
}
