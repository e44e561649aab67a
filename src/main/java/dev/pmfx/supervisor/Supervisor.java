package dev.pmfx.supervisor;

import dev.pmfx.config.AppSpec;
import dev.pmfx.config.Ecosystem;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.Command;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.CommandResult.Problem;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent.RolloutChanged;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.EnvUpdate;
import dev.pmfx.engine.Query;
import dev.pmfx.engine.Scale;
import dev.pmfx.engine.Target;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.home.PmfxHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The supervisor, in this process: the commands of the {@link Engine} seam, on one {@link Loop},
 * over apps and their workers. Each worker's lifecycle is its {@link WorkerMachine}, whose effects
 * the {@link EffectRunner} runs; {@link Rollouts} reload and scale, {@link Routing} holds cluster
 * apps' public ports, {@link Supervision} watches files and cron, {@link WorkerLogs} pumps output,
 * {@link Sampling} measures, and {@link EventHub} tells listeners.
 */
public final class Supervisor implements Engine {

  private final Loop loop;
  private final EventHub events;
  private final WorkerLogs logs;
  private final Routing routing;
  private final Sampling sampling;
  private final Supervision supervision;
  private final EffectRunner runner;
  private final Rollouts rollouts;
  private final DirectCommands direct;
  private final HealthChecks health;
  private final StartOrder startOrder;
  private final Thread shutdownHook = new Thread(this::close, "pmfx-shutdown");
  private volatile boolean closed;

  private final Apps apps;

  private Supervisor(
      PmfxHome home,
      SpecSource specs,
      Map<String, String> userEnvironment,
      Clock clock,
      boolean outlive)
      throws IOException {
    LaunchSetup setup = LaunchSetup.prepare(home.dir(), userEnvironment);
    loop = new Loop(clock);
    events = new EventHub(loop::onIt);
    logs = new WorkerLogs(home, events, loop::now, app -> loop.post(() -> logTroubleChanged(app)));
    routing =
        new Routing(
            outlive ? new PortKeepers(home.dir().toAbsolutePath()) : null,
            new Routing.Host() {
              @Override
              public void note(String app, String text) {
                apps.note(app, text);
              }

              @Override
              public void cannotServe(String app, String why) {
                loop.post(() -> Supervisor.this.cannotServe(app, why)); // outside this transition
              }
            });
    apps = new Apps(events, logs, routing, loop::now);
    sampling =
        new Sampling(
            events,
            loop::now,
            routing::requests,
            (w, pid, bytes) -> loop.post(() -> overMemory(w, pid, bytes)));
    supervision =
        new Supervision(
            loop,
            List.of(home.dir().toAbsolutePath()),
            new Supervision.Host() {
              @Override
              public void restart(String app, String why) {
                App entry = apps.get(app);
                if (entry != null) {
                  rollouts.restartApp(entry, why);
                }
              }

              @Override
              public void note(String app, String text) {
                apps.note(app, text);
              }

              @Override
              public Optional<AppSpec> spec(String app) {
                return Optional.ofNullable(apps.get(app)).map(a -> a.spec);
              }
            });
    Steps steps = new Steps(events, loop::now);
    ProcessLauncher launcher = ProcessLauncher.spawning(setup.ipcDir(), outlive);
    direct = new DirectCommands(launcher, sampling.probes());
    runner =
        new EffectRunner(
            loop,
            events,
            logs,
            routing,
            sampling,
            steps,
            launcher,
            setup,
            new EffectRunner.Host() {
              @Override
              public void remove(Worker w, String why) {
                apps.remove(w, why, app -> rollouts.interrupt(app, "delete"));
              }

              @Override
              public void replaceUnwell(Worker w, String why) {
                App entry = apps.get(w.spec.name());
                if (entry != null) {
                  rollouts.replaceUnwell(entry, w, why);
                }
              }

              @Override
              public boolean closing() {
                return closed;
              }

              @Override
              public void moved(Worker w, WorkerState to, String why, boolean late) {
                health.moved(w, to);
                rollouts.moved(w, to, why, late);
                startOrder.moved();
              }
            });
    rollouts = new Rollouts(loop, events, steps, runner, routing, specs, apps, () -> closed);
    startOrder = new StartOrder(loop, events, runner, apps);
    health = new HealthChecks(loop, events, (w, event) -> runner.feed(w, event), startOrder::moved);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * An engine whose workers inherit this process's environment.
   *
   * @param specs reads an app's ecosystem file again, for a reload
   */
  public static Supervisor create(PmfxHome home, SpecSource specs) {
    return create(home, specs, System.getenv());
  }

  public static Supervisor create(
      PmfxHome home, SpecSource specs, Map<String, String> userEnvironment) {
    try {
      return new Supervisor(home, specs, userEnvironment, Clock.systemUTC(), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + home.dir(), e);
    }
  }

  /**
   * A daemon's engine: its workers inherit this process's environment and outlive it, their output
   * waiting for the next daemon, which {@linkplain #adopt adopts} them.
   */
  public static Supervisor forDaemon(PmfxHome home, SpecSource specs) {
    try {
      return new Supervisor(home, specs, System.getenv(), Clock.systemUTC(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + home.dir(), e);
    }
  }

  // ---------------------------------------------------------------- commands

  @Override
  public CompletableFuture<CommandResult> run(Command command) {
    return switch (command) {
      case Command.Start c -> startApps(c);
      case Command.StartTarget c -> startTarget(c.target());
      case Command.Stop c -> stopAs("stop", c.target(), StopGoal.REST);
      case Command.Restart c -> restartTarget(c.target(), c.update());
      case Command.Reload c -> reloadTarget(c.target(), c.update(), c.file());
      case Command.ScaleApp c -> scaleApp(c.app(), c.scale());
      case Command.Delete c -> stopAs("delete", c.target(), new StopGoal.Remove("deleted"));
      case Command.Flush c -> flushTarget(c.target());
      case Command.SendSignal c ->
          onLoop(() -> direct.signal(c.signal(), apps.resolve(c.target())));
      case Command.SendLine c -> onLoop(() -> direct.sendLine(apps.resolve(c.target()), c.line()));
      case Command.Reset c -> onLoop(() -> direct.reset(apps.resolve(c.target()), runner));
    };
  }

  private CompletableFuture<CommandResult> startApps(Command.Start command) {
    Ecosystem ecosystem = command.ecosystem();
    Set<String> only = command.only();
    Optional<Map<String, String>> environment =
        command.environment().isEmpty() ? Optional.empty() : Optional.of(command.environment());
    return onLoop(
        () -> {
          List<Problem> problems = new ArrayList<>();
          List<Integer> started = new ArrayList<>();
          Set<String> unknown = new HashSet<>(only);
          // depends_on: what the apps asked for depend on starts with them, unless it runs
          Set<String> wanted =
              only.isEmpty()
                  ? Set.of()
                  : dev.pmfx.config.Dependency.withDependencies(
                      only, dev.pmfx.config.Dependency.edges(ecosystem.apps()));
          for (AppSpec spec : ecosystem.apps()) {
            unknown.remove(spec.name());
            boolean dependency = !only.contains(spec.name()) && wanted.contains(spec.name());
            if (!only.isEmpty() && !only.contains(spec.name()) && !dependency) {
              continue;
            }
            App entry = apps.get(spec.name());
            if (entry != null
                && (entry.workers.stream().anyMatch(w -> !w.atRest())
                    || startOrder.holds(spec.name()))) {
              if (!dependency) {
                problems.add(
                    new Problem(spec.name(), "already running; restart or reload it instead"));
              }
              continue;
            }
            if (dependency && startOrder.completedFor(spec.name(), ecosystem.apps())) {
              continue; // a one-shot that ran already, and only 'completed' is asked of it
            }
            entry = apps.place(spec);
            entry.file = ecosystem.file();
            for (Worker w : entry.workers) {
              w.spec = spec;
              w.envName = command.envName();
              w.environment = environment;
            }
            if (spec.autostart()) {
              problems.addAll(
                  startOrder.start(
                      entry,
                      entry.workers,
                      new MachineEvent.Start(spec, "started", MachineEvent.StartKind.COMMAND)));
              entry.workers.forEach(w -> started.add(w.id));
            }
            supervision.unsupervise(spec.name());
            if (spec.autostart()) {
              supervision.supervise(spec);
            }
          }
          unknown.forEach(
              name ->
                  problems.add(
                      new Problem(name, "no app named '" + name + "' in " + ecosystem.file())));
          return CompletableFuture.completedFuture(new CommandResult("start", started, problems));
        });
  }

  /**
   * What {@link #adopt} did: the processes it took over, and what it did, one line each.
   *
   * @param apps the names of the apps it placed, whose other workers it started or left stopped
   */
  public record Adopted(Set<Long> pids, Set<String> apps, List<String> said) {}

  /**
   * Takes over the apps a daemon before this one recorded, as it ran them: each recorded worker
   * whose process still runs and kept its ends for pmfx ({@link HeldEnds}) is adopted with its pid,
   * id and restart count, its output read on from where that daemon stopped and its channel
   * re-attached; the app's other workers that were running start again (a restart each), and the
   * stopped ones stay stopped. An app none of whose workers can be adopted is not placed: the
   * caller starts it again, or not.
   *
   * @param environments by app, the environment of the shell that started it
   */
  public CompletableFuture<Adopted> adopt(
      List<AppStatus> recorded, Map<String, Map<String, String>> environments) {
    record Candidate(WorkerStatus worker, Adoption adoption) {}
    // Off the loop: each takes a look at /proc and a few descriptors.
    Map<String, List<Candidate>> found = new java.util.LinkedHashMap<>();
    List<CompletableFuture<Boolean>> stops = new ArrayList<>();
    List<String> said = new ArrayList<>();
    for (AppStatus app : recorded) {
      for (WorkerStatus w : app.workers()) {
        if (w.pid().isEmpty() || w.startedAt().isEmpty() || !w.state().running()) {
          continue;
        }
        try {
          Adoption a = Adoption.of(w.pid().getAsLong(), w.startedAt().get());
          found.computeIfAbsent(app.name(), k -> new ArrayList<>()).add(new Candidate(w, a));
        } catch (IOException e) {
          said.add(w.label() + " (pid " + w.pid().getAsLong() + ") not adopted: " + e.getMessage());
          // Still running, it would serve beside the worker started in its place: it stops first.
          ProcessHandle.of(w.pid().getAsLong())
              .filter(p -> dev.pmfx.posix.ProcFs.startedAt(p, w.startedAt().get()))
              .ifPresent(
                  p ->
                      stops.add(
                          CompletableFuture.supplyAsync(
                              () ->
                                  dev.pmfx.posix.StopSequence.stop(
                                      p, app.spec().killSignal().name(), app.spec().killTimeout()),
                              Thread::startVirtualThread)));
        }
      }
    }
    stops.forEach(CompletableFuture::join);
    return onLoop(
        () -> {
          Set<Long> pids = new HashSet<>(routing.takeBackPorts(found.keySet()));
          Set<String> placed = new java.util.LinkedHashSet<>();
          for (AppStatus app : recorded) {
            List<Candidate> candidates = found.getOrDefault(app.name(), List.of());
            Optional<App> entry =
                candidates.isEmpty()
                    ? Optional.empty()
                    : apps.placeRecorded(app.spec(), app.workers());
            if (entry.isEmpty()) {
              candidates.forEach(c -> c.adoption().release());
              continue;
            }
            placed.add(app.name());
            entry.get().file = app.file().orElse(null);
            Optional<Map<String, String>> environment =
                Optional.ofNullable(environments.get(app.name())).filter(e -> !e.isEmpty());
            for (Worker w : entry.get().workers) {
              w.envName = app.envName();
              w.environment = environment;
              w.publicPort = app.publicPort().orElse(0);
              Optional<Candidate> mine =
                  candidates.stream().filter(c -> c.worker().id() == w.id).findFirst();
              WorkerStatus was =
                  app.workers().stream().filter(r -> r.id() == w.id).findFirst().orElseThrow();
              if (mine.isPresent()) {
                w.adoption = mine.get().adoption();
                long pid = w.adoption.process().pid();
                Optional<Problem> problem =
                    runner.launch(
                        w,
                        new MachineEvent.Start(
                            app.spec(), "adopted", MachineEvent.StartKind.ADOPT));
                if (problem.isPresent()) {
                  said.add(w.status().label() + ": " + problem.get().message());
                } else {
                  pids.add(pid);
                  said.add("adopted " + w.status().label() + " (pid " + pid + ", id " + w.id + ")");
                }
              } else if (was.state().running() || was.state() == WorkerState.CRASHED) {
                runner
                    .launch(
                        w,
                        new MachineEvent.Start(
                            app.spec(),
                            "its process ended while no daemon ran",
                            MachineEvent.StartKind.RELOAD))
                    .ifPresent(p -> said.add(w.status().label() + ": " + p.message()));
              }
            }
            if (app.spec().autostart()) {
              supervision.supervise(app.spec());
            }
          }
          routing.dropUnusedPorts();
          return CompletableFuture.completedFuture(new Adopted(pids, placed, said));
        });
  }

  private CompletableFuture<CommandResult> startTarget(Target target) {
    return onLoop(
        () -> {
          Apps.Resolved resolved = apps.resolve(target);
          List<Problem> problems = new ArrayList<>(resolved.problems());
          List<App> targets = apps.of(resolved.workers());
          List<App> starting = new ArrayList<>(targets);
          // depends_on: what they depend on and is not running starts with them
          starting.addAll(
              startOrder.dependenciesToStart(targets.stream().map(a -> a.spec.name()).toList()));
          for (App entry : starting) {
            List<Worker> resting =
                entry.workers.stream()
                    .filter(
                        w ->
                            w.atRest()
                                && (!targets.contains(entry) || resolved.workers().contains(w)))
                    .toList();
            if (!resting.isEmpty() && !startOrder.holds(entry.spec.name())) {
              problems.addAll(
                  startOrder.start(
                      entry,
                      resting,
                      new MachineEvent.Start(
                          entry.spec, "started", MachineEvent.StartKind.COMMAND)));
            }
          }
          starting.forEach(a -> supervision.supervise(a.spec));
          return CompletableFuture.completedFuture(
              new CommandResult("start", Apps.ids(resolved.workers()), problems));
        });
  }

  /** Stops the target's workers gracefully, for {@code goal}; one being removed stays removed. */
  private CompletableFuture<CommandResult> stopAs(String command, Target target, StopGoal goal) {
    return onLoop(
        () -> {
          Apps.Resolved resolved = apps.resolve(target);
          apps.whole(resolved.workers()).forEach(supervision::unsupervise);
          apps.of(resolved.workers()).forEach(a -> rollouts.interrupt(a, command));
          apps.of(resolved.workers()).forEach(a -> startOrder.cancel(a.spec.name()));
          // depends_on: dependents stop before what they depend on
          CompletableFuture<Void> stopped =
              startOrder.inStopOrder(
                  resolved.workers(),
                  some -> {
                    List<CompletableFuture<WorkerState>> rest = new ArrayList<>();
                    for (Worker w : some) {
                      rest.add(runner.stop(w, command, goal));
                    }
                    return CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new));
                  });
          return stopped.thenApply(
              done ->
                  new CommandResult(command, Apps.ids(resolved.workers()), resolved.problems()));
        });
  }

  private CompletableFuture<CommandResult> restartTarget(Target target, EnvUpdate update) {
    return onLoop(
        () -> {
          Apps.Resolved resolved = apps.resolve(target);
          resolved.workers().forEach(w -> w.update(update));
          apps.of(resolved.workers()).forEach(a -> rollouts.interrupt(a, "restart"));
          apps.of(resolved.workers()).forEach(a -> startOrder.cancel(a.spec.name()));
          List<CompletableFuture<WorkerState>> relaunched = new ArrayList<>();
          for (Worker w : resolved.workers()) {
            relaunched.add(runner.restart(w, "restart"));
          }
          return CompletableFuture.allOf(relaunched.toArray(CompletableFuture[]::new))
              .thenApply(
                  done -> {
                    List<Problem> problems = new ArrayList<>(resolved.problems());
                    for (int i = 0; i < relaunched.size(); i++) {
                      WorkerState outcome = relaunched.get(i).join();
                      Worker w = resolved.workers().get(i);
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
                    return new CommandResult("restart", Apps.ids(resolved.workers()), problems);
                  });
        });
  }

  private CompletableFuture<CommandResult> reloadTarget(
      Target target, EnvUpdate update, Optional<java.nio.file.Path> file) {
    return onLoop(
        () -> {
          Apps.Resolved resolved = apps.resolve(target);
          resolved.workers().forEach(w -> w.update(update));
          List<CompletableFuture<CommandResult>> each = new ArrayList<>();
          for (App entry : apps.of(resolved.workers())) {
            boolean whole = resolved.workers().containsAll(entry.workers);
            if (whole) {
              file.ifPresent(f -> entry.file = f); // read from the file named, from now on
            }
            Set<Integer> ids =
                whole
                    ? Set.of()
                    : Set.copyOf(
                        Apps.ids(
                            resolved.workers().stream().filter(entry.workers::contains).toList()));
            each.add(rollouts.enqueue(entry, RolloutChanged.Kind.RELOAD, ids, null));
          }
          return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
              .thenApply(
                  done ->
                      CommandResult.combined(
                          "reload",
                          each.stream().map(CompletableFuture::join).toList(),
                          resolved.problems()));
        });
  }

  private CompletableFuture<CommandResult> scaleApp(String app, Scale scale) {
    return onLoop(
        () -> {
          App entry = apps.get(app);
          if (entry == null) {
            return CompletableFuture.completedFuture(
                new CommandResult(
                    "scale",
                    List.of(),
                    List.of(new Problem(app, "no app named '" + app + "' runs here"))));
          }
          return rollouts.enqueue(entry, RolloutChanged.Kind.SCALE, Set.of(), scale);
        });
  }

  private CompletableFuture<CommandResult> flushTarget(Target target) {
    return onLoop(
        () -> {
          Apps.Resolved resolved = apps.resolve(target);
          if (!resolved.problems().isEmpty()) {
            return CompletableFuture.completedFuture(
                new CommandResult("flush", List.of(), resolved.problems()));
          }
          List<App> matched = apps.of(resolved.workers());
          List<Integer> ids = matched.stream().flatMap(a -> Apps.ids(a.workers).stream()).toList();
          List<Integer> keys =
              matched.stream().flatMap(a -> a.workers.stream()).map(w -> w.key).toList();
          return logs.empty(matched.stream().map(a -> a.spec).toList(), keys)
              .thenApply(problems -> new CommandResult("flush", ids, problems));
        });
  }

  // ---------------------------------------------------------------- what the supervisor does
  // itself

  /** A sample found the worker over max_memory_restart; its machine decides what comes of it. */
  private void overMemory(Worker w, long pid, long bytes) {
    if (apps.worker(w.id) == w && w.process != null && w.process.pid() == pid) {
      runner.feed(w, new MachineEvent.OverMemory(w.generation(), bytes));
    }
  }

  /** One of the app's log files began or ended dropping lines: views hear the app anew. */
  private void logTroubleChanged(String app) {
    App entry = apps.get(app);
    if (entry != null) {
      events.publish(new dev.pmfx.engine.EngineEvent.AppUpdated(loop.now(), apps.status(entry)));
    }
  }

  /** The app's port cannot be opened: its workers stop and end errored, as a server's would. */
  private void cannotServe(String app, String why) {
    App entry = apps.get(app);
    if (entry == null || routing.serves(app)) {
      return;
    }
    routing.retry(app); // a later start tries the port again
    for (Worker w : List.copyOf(entry.workers)) {
      if (!w.atRest()) {
        runner.stop(w, "cannot serve", new StopGoal.Fail(why));
      }
    }
  }

  // ---------------------------------------------------------------- views

  @Override
  public void sampleEvery(Duration interval) {
    sampling.every(interval);
  }

  @Override
  @SuppressWarnings("unchecked") // each case answers with its query's own type
  public <T> CompletableFuture<T> ask(Query<T> query) {
    return (CompletableFuture<T>)
        switch (query) {
          case Query.Snapshot q -> CompletableFuture.completedFuture(loop.await(apps::snapshot));
          case Query.LastSample q -> CompletableFuture.completedFuture(sampling.last());
          case Query.Tail q ->
              CompletableFuture.completedFuture(
                  loop.await(() -> Optional.ofNullable(apps.worker(q.workerId())))
                      .map(w -> logs.tail(w.key, q.lines()))
                      .orElse(List.of()));
          case Query.LogHistory q -> logs.history(q.spec(), q.lines());
          case Query.AppEnvironment q ->
              CompletableFuture.completedFuture(
                  loop.await(
                      () -> Optional.ofNullable(apps.get(q.app())).flatMap(App::environment)));
          case Query.Environment q ->
              CompletableFuture.completedFuture(loop.await(() -> apps.launchedWith(q.workerId())));
          case Query.Trigger q -> onLoop(() -> direct.trigger(apps.resolve(q.target()), q));
        };
  }

  @Override
  public Subscription subscribe(EngineListener listener) {
    // The snapshot is taken on the loop and queued where the loop's events are: the listener gets
    // it, then every event after it, none twice.
    return loop.await(() -> events.subscribe(listener, apps.snapshot()));
  }

  // ---------------------------------------------------------------- close

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    sampling.close();
    health.close();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // closing from the hook itself
    }
    Duration five = Duration.ofSeconds(5);
    try {
      // Nothing restarts on its own while pmfx closes.
      loop.await(
          () -> {
            supervision.unsuperviseAll();
            apps.all().forEach(a -> rollouts.interrupt(a, "closing pmfx"));
            return null;
          },
          five);
      Duration longest =
          loop.await(
              () ->
                  apps.workers().stream()
                      .map(
                          w ->
                              routing.serves(w.spec.name())
                                  ? w.spec.killTimeout().plus(w.spec.drainTimeout())
                                  : w.spec.killTimeout())
                      .max(Duration::compareTo)
                      .orElse(Duration.ZERO)
                      .multipliedBy(startOrder.stopSteps()),
              five);
      // depends_on: dependents stop before what they depend on, a step each
      CompletableFuture<?> stopped =
          loop.await(
              () ->
                  startOrder.inStopOrder(
                      List.copyOf(apps.workers()),
                      some ->
                          CompletableFuture.allOf(
                              some.stream()
                                  .map(w -> runner.stop(w, "pmfx is closing", StopGoal.HALT))
                                  .toArray(CompletableFuture[]::new))),
              five);
      stopped.get(longest.toMillis() + 5_000, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IllegalStateException
        | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      // what could not stop in time is killed below
    }
    try {
      loop.await(
          () -> {
            for (Worker w : apps.workers()) {
              runner.killTree(w);
              runner.closeChannel(w);
            }
            apps.all().forEach(rollouts::closed);
            return null;
          },
          five);
    } catch (IllegalStateException e) {
      // the loop is stuck or gone; nothing more to do from here
    }
    // Every line the workers wrote reaches its file before the files close.
    logs.close(Duration.ofSeconds(10));
    loop.shutdown();
    routing.closeAll();
    events.close();
    if (EffectRunner.STRICT && !runner.rejected().isEmpty()) {
      throw new IllegalStateException("the worker machine rejected " + runner.rejected());
    }
  }

  // ---------------------------------------------------------------- plumbing

  private <T> CompletableFuture<T> onLoop(
      java.util.concurrent.Callable<CompletableFuture<T>> command) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the engine is closed"));
    }
    return loop.call(command);
  }
}
