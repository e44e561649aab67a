package dev.pmfx.cli;

import dev.pmfx.config.ByteSize;
import dev.pmfx.config.ExecMode;
import dev.pmfx.daemon.DaemonServer;
import dev.pmfx.daemon.ProcessTable;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineJson;
import dev.pmfx.engine.Health;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.logs.LogPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** The daemon itself, and what it can tell: daemon, ping, kill, list, jlist, describe. */
final class InfoCommands {

  private InfoCommands() {}

  @Command(
      name = "daemon",
      mixinStandardHelpOptions = true,
      description =
          "Runs the engine headless, serving the window and the CLI on PMFX_HOME/pmfx.sock until"
              + " 'pmfx kill' or SIGTERM (which stop every worker gracefully). Clients start it"
              + " when none runs; it writes to PMFX_HOME/daemon.log.")
  static final class Daemon implements Callable<Integer> {
    @Option(names = "--resurrect", description = "start the apps 'pmfx save' saved, at start")
    boolean resurrect;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException, IOException {
      return serve(resurrect, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Serves until the daemon ends; what {@code pmfx daemon [--resurrect]} runs. */
    static int serve(boolean resurrect, PrintWriter out, PrintWriter err)
        throws InterruptedException, IOException {
      DaemonServer server;
      try {
        server = DaemonServer.start(PmfxHome.current(), resurrect, System.out);
      } catch (DaemonServer.AlreadyRunning running) {
        err.println("pmfx: " + running.getMessage());
        err.flush();
        if (resurrect) { // the saved apps all the same, in the daemon that runs
          return new dev.pmfx.cli.SaveCommands.Resurrect().resurrect(out, err, false);
        }
        return Client.OK;
      } catch (IOException e) {
        err.println("pmfx: the daemon cannot start: " + e.getMessage());
        err.flush();
        return Client.FAILED;
      }
      CountDownLatch signalled = new CountDownLatch(1);
      Signal.handle(new Signal("TERM"), s -> signalled.countDown());
      Signal.handle(new Signal("INT"), s -> signalled.countDown());
      Signal.handle(new Signal("HUP"), s -> {}); // a terminal that closes is no reason to end
      Thread.ofPlatform()
          .start(
              () -> {
                try {
                  signalled.await();
                  server.shutdown("signal");
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      server.ended().join();
      return Client.OK;
    }
  }

  @Command(
      name = "ping",
      mixinStandardHelpOptions = true,
      description = "Starts the daemon if none runs, and says whether it answers.")
  static final class Ping implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (RemoteEngine engine = Client.connect(spec.commandLine().getErr())) {
        spec.commandLine().getOut().print(ProcessTable.pong(engine.ping()));
        spec.commandLine().getOut().flush();
        return Client.OK;
      }
    }
  }

  @Command(
      name = "kill",
      mixinStandardHelpOptions = true,
      description = "Stops every worker gracefully, then the daemon.")
  static final class Kill implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PmfxHome home = PmfxHome.current();
      Optional<RemoteEngine> running = Client.connectIfRunning(spec.commandLine().getErr());
      if (running.isEmpty() && Client.remote()) {
        EventPrinter.say(out, "no daemon runs " + Client.where());
        return Client.OK;
      }
      if (running.isEmpty()) {
        List<String> stopped = List.of();
        if (java.nio.file.Files.isDirectory(home.dir())) {
          try {
            stopped = DaemonServer.stopWhatADeadDaemonLeft(home);
          } catch (IOException e) {
            spec.commandLine().getErr().println("pmfx: " + e.getMessage());
            return Client.FAILED;
          }
        }
        stopped.forEach(words -> EventPrinter.say(out, words));
        EventPrinter.say(
            out,
            "no daemon runs for "
                + home.dir()
                + (stopped.isEmpty() ? "" : "; stopped what the last one left running"));
        return Client.OK;
      }
      try (RemoteEngine engine = running.get()) {
        long workers =
            engine.snapshot().stream()
                .flatMap(a -> a.workers().stream())
                .filter(w -> w.state().running())
                .count();
        long pid = engine.daemon().pid();
        engine.kill();
        // a host's daemon ends as its bridge's connection ends; its pid is not this machine's
        (Client.remote() ? Optional.<ProcessHandle>empty() : ProcessHandle.of(pid))
            .ifPresent(
                p ->
                    p.onExit()
                        .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                        .exceptionally(t -> p)
                        .join());
        EventPrinter.say(
            out,
            "stopped "
                + workers
                + " worker"
                + (workers == 1 ? "" : "s")
                + " and the daemon (pid "
                + pid
                + ")");
        return Client.OK;
      }
    }
  }

  @Command(
      name = "bridge",
      mixinStandardHelpOptions = true,
      description =
          "Joins standard input and output to this user's daemon (started when none runs), byte"
              + " for byte, until either ends: what --host runs on the host over ssh"
              + " (docs/hosts.md).")
  static final class BridgeToDaemon implements Callable<Integer> {
    @Option(names = "--running", description = "only to a daemon that runs; exit code 4 if none")
    boolean running;

    @Override
    public Integer call() {
      return dev.pmfx.daemon.Bridge.run(PmfxHome.current(), running);
    }
  }

  @Command(
      name = "list",
      aliases = {"ls", "l", "ps", "status"},
      mixinStandardHelpOptions = true,
      description = "Prints every worker in a table, as pm2 list does.")
  static final class ListApps implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (RemoteEngine engine = Client.connect(spec.commandLine().getErr())) {
        ControlCommands.table(spec.commandLine().getOut(), engine);
        return Client.OK;
      }
    }
  }

  @Command(
      name = "jlist",
      mixinStandardHelpOptions = true,
      description = "Prints every worker as JSON, in pm2 jlist's shape.")
  static final class Jlist implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      try (RemoteEngine engine = Client.connect(spec.commandLine().getErr())) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(
            EngineJson.mapper()
                .writeValueAsString(ProcessTable.json(engine.snapshot(), engine.lastSample())));
        out.flush();
        return Client.OK;
      }
    }
  }

  @Command(
      name = "describe",
      aliases = {"desc", "show", "info"},
      mixinStandardHelpOptions = true,
      description = "Prints all pmfx knows of the target's workers: options, files, logs, state.")
  static final class Describe implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", description = "an app, an id, a namespace, or all")
    String target;

    @Option(
        names = "--json",
        description = "the target's workers as JSON, in jlist's shape, one object a worker")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (RemoteEngine engine = Client.connect(spec.commandLine().getErr())) {
        List<AppStatus> apps = dev.pmfx.engine.Target.apps(engine.snapshot(), target);
        if (apps.isEmpty()) {
          return Client.unknownTarget(spec.commandLine().getErr(), target);
        }
        Optional<EngineEvent.MetricsSample> sample = engine.lastSample();
        if (json) {
          com.fasterxml.jackson.databind.node.ArrayNode all = ProcessTable.json(apps, sample);
          if (dev.pmfx.engine.Target.parse(target) instanceof dev.pmfx.engine.Target.WorkerId id) {
            for (int i = all.size() - 1; i >= 0; i--) {
              if (all.get(i).path("pm_id").asInt(-1) != id.id()) {
                all.remove(i);
              }
            }
          }
          out.println(EngineJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(all));
          out.flush();
          return Client.OK;
        }
        Instant now = Instant.now();
        // the log files are where the daemon keeps them: on the host, for --host
        PmfxHome home = new PmfxHome(java.nio.file.Path.of(engine.daemon().home()));
        for (AppStatus app : apps) {
          for (WorkerStatus w : app.workers()) {
            if (dev.pmfx.engine.Target.parse(target) instanceof dev.pmfx.engine.Target.WorkerId id
                && id.id() != w.id()) {
              continue;
            }
            out.println("Describing worker " + w.id() + " of " + app.name());
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("status", w.state().label()));
            if (!app.spec().dependsOn().isEmpty()) {
              rows.add(
                  List.of(
                      "depends_on",
                      dev.pmfx.config.AppOption.DEPENDS_ON.shown(app.spec()).orElse("")
                          + app.startNote().map(n -> ": " + n).orElse("")));
            }
            rows.add(List.of("name", w.name()));
            rows.add(List.of("namespace", w.namespace()));
            rows.add(List.of("id", String.valueOf(w.id())));
            rows.add(List.of("instance", String.valueOf(w.instance())));
            rows.add(
                List.of(
                    "pid",
                    w.pid().isPresent() && w.state().running()
                        ? String.valueOf(w.pid().getAsLong())
                        : "none"));
            rows.add(List.of("exec mode", w.mode() == ExecMode.CLUSTER ? "cluster" : "fork"));
            rows.add(
                List.of("uptime", w.state().running() ? ProcessTable.uptime(w.uptime(now)) : "0"));
            rows.add(List.of("restarts", String.valueOf(w.restarts())));
            app.spec()
                .healthCheck()
                .ifPresent(
                    check -> {
                      rows.add(List.of("health check", check.words()));
                      if (w.health().checked()) {
                        Health h = w.health();
                        rows.add(
                            List.of(
                                "health",
                                ProcessTable.health(h)
                                    + (h.detail().isEmpty() ? "" : ": " + h.detail())
                                    + h.checkedAt().map(at -> " (" + at + ")").orElse("")));
                      }
                    });
            w.lastExitCode().ifPresent(c -> rows.add(List.of("last exit code", String.valueOf(c))));
            w.lastSignal().ifPresent(s -> rows.add(List.of("last signal", s)));
            rows.add(List.of("script", app.spec().script()));
            rows.add(List.of("args", String.join(" ", app.spec().args())));
            rows.add(
                List.of(
                    "interpreter",
                    CheckCommand.runner(
                        app.spec(),
                        engine
                            .environment(w.id())
                            .orElseGet(
                                () -> {
                                  Map<String, String> env = new HashMap<>(System.getenv());
                                  env.putAll(app.spec().environment(app.envName()));
                                  return env;
                                }))));
            rows.add(List.of("cwd", app.spec().cwd().toString()));
            rows.add(List.of("file", app.file().map(Object::toString).orElse("none")));
            rows.add(List.of("env", app.envName().map(n -> "env_" + n).orElse("env")));
            boolean logged = !app.spec().logs().disabled();
            String off = "none (disable_logs)";
            rows.add(
                List.of(
                    "out log",
                    logged
                        ? LogPaths.of(
                                home, app.spec(), w.instance(), EngineEvent.LogLine.Stream.OUT)
                            .toString()
                        : off));
            rows.add(
                List.of(
                    "error log",
                    logged
                        ? LogPaths.of(
                                home, app.spec(), w.instance(), EngineEvent.LogLine.Stream.ERR)
                            .toString()
                        : off));
            if (logged) {
              LogPaths.combined(home, app.spec())
                  .ifPresent(p -> rows.add(List.of("combined log", p.toString())));
            }
            if (logged && app.spec().logs().json()) {
              rows.add(List.of("log type", "json"));
            }
            app.logTrouble().forEach(t -> rows.add(List.of("log trouble", t)));
            rows.add(
                List.of(
                    "watch",
                    app.spec().watch().isEmpty() ? "off" : String.join(", ", app.spec().watch())));
            rows.add(
                List.of(
                    "kill signal",
                    app.spec().killSignal()
                        + ", SIGKILL after "
                        + app.spec().killTimeout().toMillis()
                        + " ms"));
            app.publicPort().ifPresent(p -> rows.add(List.of("public port", String.valueOf(p))));
            app.requests().stream()
                .filter(r -> r.workerId() == w.id())
                .findFirst()
                .ifPresent(
                    r ->
                        rows.add(
                            List.of(
                                "requests",
                                r.requests()
                                    + " ("
                                    + r.inFlight()
                                    + " in flight, "
                                    + r.errors()
                                    + " errors, p50 "
                                    + Math.round(r.p50Millis())
                                    + " ms, p99 "
                                    + Math.round(r.p99Millis())
                                    + " ms)")));
            sample
                .flatMap(s -> s.workers().stream().filter(u -> u.workerId() == w.id()).findFirst())
                .filter(u -> w.state().running())
                .ifPresent(
                    u -> {
                      rows.add(List.of("cpu", Math.round(u.cpuPercent()) + "%"));
                      rows.add(List.of("memory", ByteSize.human(u.memoryBytes())));
                    });
            w.startedAt().ifPresent(s -> rows.add(List.of("started at", s.toString())));
            out.print(ProcessTable.box(List.of("key", "value"), rows));
            if (w.state().running()) {
              ProbeCommands.describe(out, sample, w.id());
            }
          }
        }
        out.flush();
        return Client.OK;
      }
    }
  }
}
