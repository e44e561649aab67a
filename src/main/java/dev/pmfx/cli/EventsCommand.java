package dev.pmfx.cli;

import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.Target;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description =
        "Prints every state change of the running daemon's apps and workers, and every reload"
            + " and scale step, one line each as it happens, until Ctrl-C, as docker events does."
            + " Log lines and metrics are left to pmfx logs and pmfx monit. Starts no daemon:"
            + " with none running, says so and exits with 3, as it does when the daemon goes"
            + " away.")
final class EventsCommand implements Callable<Integer> {

  @Parameters(
      arity = "0..1",
      paramLabel = "TARGET",
      description =
          "an app, a worker id, a namespace, or all (the default): only the events about it")
  String target = "all";

  @Option(
      names = "--json",
      description =
          "each event as one JSON object, as the daemon's socket carries it (docs/protocol.md),"
              + " its kind in \"type\"")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<RemoteEngine> running = Client.connectIfRunning(err);
    if (running.isEmpty()) {
      err.println(
          "pmfx: no daemon runs "
              + Client.where()
              + "; pmfx events follows a running one ('pmfx start FILE' or 'pmfx ping' starts it)");
      err.flush();
      return Client.UNREACHABLE;
    }
    try (RemoteEngine engine = running.get()) {
      Filter filter = new Filter(Target.parse(target));
      CountDownLatch over = new CountDownLatch(1);
      engine.disconnected().thenRun(over::countDown);
      java.util.concurrent.atomic.AtomicBoolean readerGone =
          new java.util.concurrent.atomic.AtomicBoolean();
      try (Engine.Subscription subscription =
          engine.subscribe(
              new EngineListener() {
                @Override
                public void onSnapshot(List<AppStatus> apps) {
                  filter.know(apps);
                  if (!target.equals("all") && filter.nothingNamed()) {
                    err.println(
                        "pmfx: no app, worker id or namespace '"
                            + target
                            + "' yet; waiting for events about one");
                    err.flush();
                  }
                }

                @Override
                public void onEvent(EngineEvent event) {
                  if (!EventLine.streamed(event)) {
                    return;
                  }
                  EventLine line = EventLine.of(event);
                  filter.know(event);
                  if (!filter.test(line)) {
                    return;
                  }
                  synchronized (out) {
                    out.println(json ? line.json() : line.line());
                    out.flush(); // a script reads each event as it happens
                    // picocli's writer passes System.out's failures over, which System.out keeps
                    if (out.checkError() || System.out.checkError()) {
                      readerGone.set(true); // its reader went away: pmfx events | head -3
                      over.countDown();
                    }
                  }
                }
              })) {
        // on stderr, which scripts leave alone: the subscription holds from here
        err.println(
            "pmfx: following "
                + (target.equals("all") ? "every app's events" : "the events of " + target)
                + "; Ctrl-C ends");
        err.flush();
        over.await();
      }
      if (readerGone.get()) {
        return Client.OK;
      }
      err.println(
          engine.endedOnPurpose()
              ? "pmfx: the daemon ended"
              : "pmfx: lost the daemon: it went away");
      err.flush();
      return Client.UNREACHABLE;
    }
  }

  /**
   * Which events a target names, as targets name apps elsewhere: all; one worker's; an app's; or,
   * when no app has the name, the apps of that namespace. Apps come and go while it follows, so it
   * keeps each app's namespace from the snapshot and the events.
   */
  private static final class Filter {
    private final Target target;
    private final Map<String, String> namespaces = new ConcurrentHashMap<>();
    private final Map<Integer, String> workers = new ConcurrentHashMap<>();

    Filter(Target target) {
      this.target = target;
    }

    void know(List<AppStatus> apps) {
      for (AppStatus app : apps) {
        namespaces.put(app.name(), app.spec().namespace());
        app.workers().forEach(w -> workers.put(w.id(), app.name()));
      }
    }

    void know(EngineEvent event) {
      switch (event) {
        case EngineEvent.AppAdded added -> know(List.of(added.app()));
        case EngineEvent.AppUpdated updated -> know(List.of(updated.app()));
        case EngineEvent.WorkerChanged changed -> {
          namespaces.put(changed.worker().name(), changed.worker().namespace());
          workers.put(changed.worker().id(), changed.worker().name());
        }
        default -> {}
      }
    }

    /** Whether the target names nothing known yet. */
    boolean nothingNamed() {
      return switch (target) {
        case Target.All all -> false;
        case Target.WorkerId id -> !workers.containsKey(id.id());
        case Target.Named named ->
            !namespaces.containsKey(named.name()) && !namespaces.containsValue(named.name());
      };
    }

    boolean test(EventLine line) {
      return switch (target) {
        case Target.All all -> true;
        case Target.WorkerId id ->
            line.workerId().isPresent() && line.workerId().getAsInt() == id.id();
        case Target.Named named ->
            line.app()
                .map(
                    app ->
                        namespaces.containsKey(named.name())
                            // an app's name wins over a namespace of the same name
                            ? app.equals(named.name())
                            : named.name().equals(namespaces.get(app)))
                .orElse(false);
      };
    }
  }
}
