package dev.pmfx.supervisor;

import dev.pmfx.config.ExecMode;
import dev.pmfx.engine.CommandResult.Problem;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.WorkerState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs what {@link WorkerMachine} decides, on the loop, and feeds back what comes of it: the one
 * place a worker's state is written ({@link #feed}). Starts processes through a {@link
 * ProcessLauncher}, arms timers on {@link Timers}, and acts on the app's balancer, logs and
 * samples.
 */
final class EffectRunner {

  /**
   * With {@code -Dpmfx.machine.strict=true}, as the tests run, an event the machine rejects is an
   * error; in pmfx it is logged and dropped.
   */
  static final boolean STRICT = Boolean.getBoolean("pmfx.machine.strict");

  /** How long a worker's exit waits for the rest of its output before it is handled. */
  static final Duration DRAIN_GRACE = Duration.ofMillis(500);

  /** What the runner asks of the supervisor. */
  interface Host {
    /** The worker leaves its app. */
    void remove(Worker w, String why);

    /**
     * Over max_memory_restart or unhealthy: replace the worker as a reload would, or restart it.
     */
    void replaceUnwell(Worker w, String why);

    /** Whether pmfx is closing: nothing starts then. */
    boolean closing();

    /** The worker moved to {@code to}: a rollout may be waiting for that. */
    void moved(Worker w, WorkerState to, String why, boolean late);
  }

  private record Input(Worker worker, MachineEvent event) {}

  private final Timers loop;
  private final EventHub events;
  private final WorkerLogs logs;
  private final Routing routing;
  private final Sampling sampling;
  private final Steps steps;
  private final ProcessLauncher launcher;
  private final LaunchSetup setup;
  private final Host host;

  /** Events raised while another one's effects run: handled after them, in order. Loop only. */
  private final ArrayDeque<Input> inputs = new ArrayDeque<>();

  private boolean feeding;

  /** Under {@link #STRICT} only. */
  private final List<String> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();

  EffectRunner(
      Timers loop,
      EventHub events,
      WorkerLogs logs,
      Routing routing,
      Sampling sampling,
      Steps steps,
      ProcessLauncher launcher,
      LaunchSetup setup,
      Host host) {
    this.loop = loop;
    this.events = events;
    this.logs = logs;
    this.routing = routing;
    this.sampling = sampling;
    this.steps = steps;
    this.launcher = launcher;
    this.setup = setup;
    this.host = host;
  }

  /**
   * Hands an event to the worker's machine and runs the effects it returns. An event raised by an
   * effect waits until those effects have run.
   */
  void feed(Worker w, MachineEvent event) {
    inputs.add(new Input(w, event));
    if (feeding) {
      return;
    }
    feeding = true;
    try {
      for (Input next = inputs.poll(); next != null; next = inputs.poll()) {
        try {
          step(next.worker(), next.event());
        } catch (RuntimeException e) {
          if (STRICT) {
            inputs.clear();
            throw e;
          }
          // a fault in one worker's effects: said, and the other inputs still run
          System.getLogger("dev.pmfx.supervisor")
              .log(System.Logger.Level.ERROR, "worker " + next.worker().id, e);
        }
      }
    } finally {
      feeding = false;
    }
  }

  private void step(Worker w, MachineEvent event) {
    WorkerMachine.Result result;
    try {
      result = WorkerMachine.apply(w.machine, event, loop.now());
    } catch (WorkerMachine.Rejected rejected) {
      String words = "worker " + w.id + ": " + rejected.getMessage();
      System.getLogger("dev.pmfx.supervisor").log(System.Logger.Level.WARNING, words);
      if (STRICT) {
        this.rejected.add(words);
        throw rejected;
      }
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
      case MachineEffect.Recounted counted ->
          events.publish(
              new EngineEvent.WorkerChanged(
                  loop.now(),
                  counted.state().coarse(),
                  w.status(counted.state()),
                  "restart count reset to 0"));
      case MachineEffect.LaunchOutcome outcome -> completeLaunch(w, outcome.state());
      case MachineEffect.BeginStep begin ->
          steps.begin(w, begin.step(), begin.deadline(), begin.detail());
      case MachineEffect.EndStep end -> steps.end(w, end.step(), end.status(), end.detail());
      case MachineEffect.EndSteps end -> steps.endAll(w, end.status(), end.detail());
      case MachineEffect.ArmTimer timer ->
          w.timer = loop.after(timer.after(), () -> feed(w, timer.fire()));
      case MachineEffect.PollListening poll -> pollListening(w, poll.generation());
      case MachineEffect.Probe probe -> probe(w, probe.generation());
      case MachineEffect.Route route -> routing.route(w);
      case MachineEffect.Unroute unroute -> routing.unroute(w);
      case MachineEffect.Drain drain ->
          routing
              .drain(w, drain.timeout())
              .thenAccept(
                  done ->
                      loop.post(() -> feed(w, new MachineEvent.Drained(drain.generation(), done))));
      case MachineEffect.SendStop stop -> sendStop(w, stop);
      case MachineEffect.KillTree kill -> killTree(w);
      case MachineEffect.Release release -> {
        closeChannel(w);
        deletePrivateSocket(w);
        if (release.leftovers()) {
          launcher.killLeftovers(w.process, w.tree);
        }
      }
      case MachineEffect.Remove remove -> host.remove(w, remove.why());
      case MachineEffect.ReplaceUnwell replace -> host.replaceUnwell(w, replace.why());
    }
  }

  /**
   * The events the machine rejected so far under {@link #STRICT}, in words: none, unless the
   * machine has a gap. pmfx itself only logs them, and keeps nothing that grows with them.
   */
  List<String> rejected() {
    return List.copyOf(rejected);
  }

  /** Feeds a start to the worker; the problem, when its process could not start. */
  Optional<Problem> launch(Worker w, MachineEvent start) {
    w.launchProblem = null;
    feed(w, start);
    return Optional.ofNullable(w.launchProblem).map(why -> new Problem(w.spec.name(), why));
  }

  /** Stops the worker gracefully for {@code goal}; the future completes when it is at rest. */
  CompletableFuture<WorkerState> stop(Worker w, String why, StopGoal goal) {
    CompletableFuture<WorkerState> rest = new CompletableFuture<>();
    if (w.atRest()) {
      rest.complete(w.state());
    } else {
      w.waitingForRest.add(rest);
    }
    requestStop(w, why, goal);
    return rest;
  }

  /** Asks the worker to stop gracefully for {@code goal}; its moves say how that goes. */
  void requestStop(Worker w, String why, StopGoal goal) {
    feed(w, new MachineEvent.Stop(why, goal, routing.inFlight(w)));
  }

  /** Stops the worker gracefully, for whatever its stop was already for. */
  CompletableFuture<WorkerState> stop(Worker w, String why) {
    return stop(w, why, w.machine.goal());
  }

  /** Stops the worker gracefully and starts it again; completes once the new process started. */
  CompletableFuture<WorkerState> restart(Worker w, String why) {
    CompletableFuture<WorkerState> launched = new CompletableFuture<>();
    if (w.leaving()) {
      // being removed: a restart does not bring it back
      launched.complete(WorkerState.STOPPED);
      return launched;
    }
    w.waitingForLaunch.add(launched);
    feed(w, new MachineEvent.Restart(why, routing.inFlight(w)));
    return launched;
  }

  /** Starts a process for the worker, and tells its machine how that went. */
  private void spawn(Worker w, int generation) {
    if (host.closing()) {
      // Nothing starts once pmfx closes: it would outlive it, in a process group of its own.
      if (w.adoption != null) {
        w.adoption.release(); // what it keeps for pmfx stays with it; the next daemon adopts it
        w.adoption = null;
      }
      w.launchProblem = "pmfx is closing";
      feed(w, new MachineEvent.SpawnRefused(generation, "not started: pmfx is closing"));
      return;
    }
    if (w.adoption != null) {
      adopt(w, generation);
      return;
    }
    try {
      OptionalInt port =
          w.spec.execMode() == ExecMode.CLUSTER ? OptionalInt.of(freePort()) : OptionalInt.empty();
      w.privatePort = port.orElse(0);
      Optional<Path> httpSocket =
          port.isPresent() && dev.pmfx.balance.Loops.domainSockets()
              ? Optional.of(
                  setup.ipcDir().resolve("w" + w.key + "-" + UUID.randomUUID() + ".http.sock"))
              : Optional.empty();
      Launch plan =
          Launch.plan(
              w.spec,
              w.instance,
              w.idToBe(),
              w.envName,
              setup.home(),
              w.environment.orElse(setup.userEnvironment()),
              setup.nodeShim(),
              port,
              httpSocket);
      w.node = plan.node();
      w.launchedWith = plan.environment();
      deletePrivateSocket(w);
      w.privateSocket = plan.node() ? httpSocket.orElse(null) : null;
      WorkerLogs.Outputs outputs = logs.open(w.spec, w.instance);
      sampling.probes().forget(w.key); // what the last process reported
      ProcessLauncher.Started started =
          launcher.start(w, plan, message(w, generation), report(w, generation));
      w.channel = started.channel();
      watch(w, generation, started.process(), outputs);
      feed(
          w,
          new MachineEvent.Spawned(
              generation,
              w.process.pid(),
              w.privatePort > 0 ? Optional.of(privateAddress(w)) : Optional.empty(),
              // A Node worker's shim says when it listens; connecting to it instead could reach
              // the app's connection handler, and an app that crashes on a reset would crash.
              w.node,
              w.channel != null));
    } catch (LaunchException | IOException | RuntimeException e) {
      String message =
          e instanceof LaunchException
              ? e.getMessage()
              : "could not start: " + (e.getCause() != null ? e.getCause() : e).getMessage();
      closeChannel(w);
      w.launchProblem = message;
      feed(w, new MachineEvent.SpawnFailed(generation, message));
    }
  }

  private java.util.function.Consumer<String> message(Worker w, int generation) {
    return message -> loop.post(() -> onMessage(w, generation, message));
  }

  private java.util.function.Consumer<com.fasterxml.jackson.databind.JsonNode> report(
      Worker w, int generation) {
    return report ->
        loop.post(
            () -> {
              if (generation != w.generation()) {
                return;
              }
              if (report.has("type")) {
                sampling.probes().report(w, report);
              } else {
                routing.report(w, report);
              }
            });
  }

  /** Reads the worker's output from its process, and tells its machine when the process ends. */
  private void watch(Worker w, int generation, Process process, WorkerLogs.Outputs outputs) {
    w.process = process;
    w.tree = List.of();
    CompletableFuture<Void> drained = logs.pump(w, process, outputs);
    // The exit is handled once the output is read to its end, so a crash's last words come
    // before the crash; a child that holds the pipe open delays it by a moment at most.
    process
        .onExit()
        .thenCompose(
            p ->
                drained
                    .copy()
                    .completeOnTimeout(null, DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS))
        .thenRun(() -> loop.post(() -> exited(w, generation, process)));
  }

  /**
   * Takes over the process a daemon before this one started for the worker ({@link
   * Worker#adoption}): its output read on, its channel re-attached or its private socket bound
   * again, and it is online as it was.
   */
  private void adopt(Worker w, int generation) {
    Adoption a = w.adoption;
    w.adoption = null;
    WorkerLogs.Outputs outputs;
    try {
      w.privatePort = a.privatePort();
      deletePrivateSocket(w);
      w.privateSocket = a.node() ? a.privateSocket().orElse(null) : null;
      w.node = a.node();
      w.launchedWith = a.environment();
      sampling.probes().forget(w.key);
      outputs = logs.open(w.spec, w.instance);
      if (!a.node() && a.ipcSocket().isPresent()) {
        w.channel =
            IpcSocket.open(a.ipcSocket().get(), message(w, generation), report(w, generation));
      }
    } catch (IOException | RuntimeException e) {
      closeChannel(w);
      a.release();
      String message = "could not take over pid " + a.process().pid() + ": " + e.getMessage();
      w.launchProblem = message;
      feed(w, new MachineEvent.SpawnFailed(generation, message));
      return;
    }
    // From here on its descriptors are the readers' and the watcher's.
    if (a.node()) {
      NodeChannel channel = NodeChannel.adopted(a.channel());
      channel.started(message(w, generation), report(w, generation));
      w.channel = channel;
    }
    watch(w, generation, a.process(), outputs);
    a.process().watch();
    feed(
        w,
        new MachineEvent.Adopted(
            generation,
            a.process().pid(),
            a.startedAt(),
            w.privatePort > 0 ? Optional.of(privateAddress(w)) : Optional.empty(),
            w.channel != null));
  }

  private void exited(Worker w, int generation, Process process) {
    if (generation == w.generation()) {
      feed(
          w,
          new MachineEvent.Exited(
              generation, process.exitValue(), w.machine.trial() ? logs.lastWords(w.key) : ""));
    }
  }

  /** What a move does beyond the state: samples, listeners, and those waiting for the worker. */
  private void published(Worker w, MachineEffect.Publish moved) {
    WorkerState to = moved.to();
    sampling.track(w, to.running() ? w.process : null);
    events.publish(
        new EngineEvent.WorkerChanged(
            moved.state().since(), moved.from(), w.status(moved.state()), moved.why()));
    if (to == WorkerState.STOPPED || to == WorkerState.ERRORED) {
      w.waitingForRest.forEach(f -> f.complete(to));
      w.waitingForRest.clear();
    }
    host.moved(w, to, moved.why(), moved.state().late());
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

  /** Tries to connect to a cluster worker's private address every 100 ms while it starts. */
  private void pollListening(Worker w, int generation) {
    SocketAddress address = Routing.address(w);
    loop.later(
        Duration.ofMillis(100),
        () ->
            Thread.startVirtualThread(
                () -> {
                  boolean listening = accepts(address);
                  loop.post(
                      () -> {
                        if (generation != w.generation()
                            || w.state() != WorkerState.WAITING_READY
                            || w.spec.waitReady()
                            || w.spec.readyOnHealth()) {
                          return;
                        }
                        if (listening) {
                          feed(w, new MachineEvent.Listening(generation, w.publicPort));
                        } else {
                          pollListening(w, generation);
                        }
                      });
                }));
  }

  /** Tries a trial worker's private address once, off the loop. */
  private void probe(Worker w, int generation) {
    SocketAddress address = Routing.address(w);
    Thread.startVirtualThread(
        () -> {
          boolean listening = accepts(address);
          loop.post(() -> feed(w, new MachineEvent.Probed(generation, listening)));
        });
  }

  /** Whether something accepts a connection at the address now; blocks for the attempt. */
  private static boolean accepts(SocketAddress address) {
    try (SocketChannel probe = SocketChannel.open(address)) {
      return true;
    } catch (IOException notListening) {
      return false;
    }
  }

  /** A loopback port nothing listens on now, for a cluster worker to listen on. */
  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
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

  /** The stop signal to the worker's process (its tree with treekill), or the shutdown message. */
  private void sendStop(Worker w, MachineEffect.SendStop stop) {
    w.tree = launcher.tree(w.process);
    if (stop.byMessage() && w.channel != null && w.channel.send("shutdown")) {
      return;
    }
    launcher.signal(w.process, w.tree, stop.signal(), stop.tree());
  }

  /** SIGKILL to the worker's process and every descendant, now and as recorded at the stop. */
  void killTree(Worker w) {
    if (w.process != null) {
      launcher.kill(w.process, w.tree);
    }
  }

  void closeChannel(Worker w) {
    if (w.channel != null) {
      w.channel.close();
      w.channel = null;
    }
  }
}
