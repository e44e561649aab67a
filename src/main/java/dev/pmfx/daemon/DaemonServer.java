package dev.pmfx.daemon;

import dev.pmfx.PmfxHome;
import dev.pmfx.Version;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.LocalEngine;
import dev.pmfx.engine.Signals;
import dev.pmfx.engine.WorkerStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code pmfx daemon}: a {@link LocalEngine} served on the home's Unix-domain socket to every
 * client (the window, each CLI command), one virtual thread a client. One daemon a home, held by a
 * lock on {@code daemon.lock}. It keeps its state in {@code daemon.json} as it changes; a daemon
 * that finds that file at its start knows the one before it died, stops the workers it left, and
 * starts their apps again, so that nothing runs unsupervised and nothing runs twice.
 */
public final class DaemonServer {

  /** Messages a client may leave unread before it is cut off rather than slow the engine. */
  static final int OUTBOX_LIMIT = 200_000;

  /** How far a process's start may lie from the one recorded for it and still be the same. */
  static final Duration SAME_START = Duration.ofSeconds(2);

  /** Another daemon holds this home. */
  public static final class AlreadyRunning extends IOException {
    AlreadyRunning(String message) {
      super(message);
    }
  }

  private final PmfxHome home;
  private final PrintStream log;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final LocalEngine engine;
  private final ServerSocketChannel server;
  private final Instant startedAt = Instant.now();
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean ending = new AtomicBoolean();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final ScheduledExecutorService stateWriter =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("pmfx-daemon-state").daemon().unstarted(r));
  private final AtomicBoolean stateDirty = new AtomicBoolean();

  private DaemonServer(
      PmfxHome home, PrintStream log, FileChannel lockFile, FileLock lock, boolean resurrect)
      throws IOException {
    this.home = home;
    this.log = log;
    this.lockFile = lockFile;
    this.lock = lock;
    this.engine = LocalEngine.create(home);
    recover();
    if (resurrect) {
      resurrect();
    }
    engine.subscribe(
        new EngineListener() {
          @Override
          public void onSnapshot(List<AppStatus> apps) {
            stateChanged();
          }

          @Override
          public void onEvent(EngineEvent event) {
            if (!(event instanceof EngineEvent.LogLine)
                && !(event instanceof EngineEvent.MetricsSample)) {
              stateChanged();
            }
          }
        });
    Path socket = Daemons.socket(home);
    Files.deleteIfExists(socket); // a dead daemon's: this one holds the lock
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    try {
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // the home is private already
    }
    Thread.ofPlatform().name("pmfx-daemon-accept").start(this::accept);
    say(
        "listening on "
            + socket
            + " (pmfx "
            + Version.current()
            + ", pid "
            + ProcessHandle.current().pid()
            + ")");
  }

  /**
   * Takes the home, recovers what an earlier daemon left, and listens.
   *
   * @param resurrect also start the apps of {@code pmfx save}'s dump that are not running
   * @throws AlreadyRunning when another daemon holds the home
   */
  public static DaemonServer start(PmfxHome home, boolean resurrect, PrintStream log)
      throws IOException {
    Path dir = Daemons.privateHome(home);
    Path lockPath = dir.resolve("daemon.lock");
    if (lockPath.toString().length() > 100) {
      throw new IOException(
          "the socket path "
              + Daemons.socket(home)
              + " is too long for a Unix-domain socket; set PMFX_HOME to a shorter folder");
    }
    FileChannel lockFile =
        FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockFile.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    }
    if (lock == null) {
      lockFile.close();
      throw new AlreadyRunning("a pmfx daemon already runs for " + dir);
    }
    try {
      return new DaemonServer(home, log, lockFile, lock, resurrect);
    } catch (IOException | RuntimeException e) {
      lock.release();
      lockFile.close();
      throw e;
    }
  }

  public Engine engine() {
    return engine;
  }

  /** Completes once the daemon ended: {@code pmfx kill}, SIGTERM, or {@link #shutdown}. */
  public CompletableFuture<Void> ended() {
    return ended;
  }

  DaemonInfo info() {
    return new DaemonInfo(
        Version.current(), ProcessHandle.current().pid(), startedAt, home.dir().toString());
  }

  private void say(String message) {
    synchronized (log) {
      log.println(Instant.now() + " pmfx daemon: " + message);
      log.flush();
    }
  }

  // ---------------------------------------------------------------- recovery

  /**
   * What a daemon that ended without {@code pmfx kill} left: its workers still running are stopped
   * as a stop would (kill_signal, then SIGKILL to their process groups after kill_timeout), and its
   * apps that ran start again with the specs it had.
   */
  private void recover() {
    Path stateFile = Daemons.stateFile(home);
    Optional<SavedApps> saved;
    try {
      saved = SavedApps.read(stateFile);
    } catch (IOException e) {
      say(e.getMessage() + "; nothing recovered");
      return;
    }
    if (saved.isEmpty()) {
      return;
    }
    say(
        "the daemon before this one (pid "
            + saved.get().pid()
            + ") ended without pmfx kill; taking over its apps");
    List<CompletableFuture<String>> stops = new ArrayList<>();
    for (AppStatus app : saved.get().apps()) {
      for (WorkerStatus worker : app.workers()) {
        survivor(worker).ifPresent(process -> stops.add(stopSurvivor(app, worker, process)));
      }
    }
    for (CompletableFuture<String> stop : stops) {
      say(stop.join());
    }
    for (CommandResult result : SavedApps.start(engine, saved.get().running())) {
      result.problems().forEach(p -> say(p.app() + ": " + p.message()));
    }
  }

  /** The worker's process, when it still runs: the same pid, started when it was recorded. */
  static Optional<ProcessHandle> survivor(WorkerStatus worker) {
    if (worker.pid().isEmpty() || worker.startedAt().isEmpty()) {
      return Optional.empty();
    }
    return ProcessHandle.of(worker.pid().getAsLong())
        .filter(DaemonServer::running)
        .filter(
            p ->
                p.info()
                    .startInstant()
                    .map(
                        started ->
                            Duration.between(started, worker.startedAt().get())
                                    .abs()
                                    .compareTo(SAME_START)
                                < 0)
                    .orElse(false));
  }

  private static CompletableFuture<String> stopSurvivor(
      AppStatus app, WorkerStatus worker, ProcessHandle process) {
    return CompletableFuture.supplyAsync(
        () -> {
          List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
          String signal = app.spec().killSignal();
          Signals.send(process.pid(), signal);
          long deadline = System.nanoTime() + app.spec().killTimeout().toNanos();
          while (running(process) && System.nanoTime() < deadline) {
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              break;
            }
          }
          boolean outlived = running(process);
          Signals.sendGroup(process.pid(), "SIGKILL");
          tree.add(process);
          tree.stream().filter(DaemonServer::running).forEach(ProcessHandle::destroyForcibly);
          return "stopped "
              + app.name()
              + "-"
              + worker.instance()
              + " (pid "
              + process.pid()
              + ", left running) with "
              + signal
              + (outlived ? ", then SIGKILL after kill_timeout" : "");
        },
        Thread::startVirtualThread);
  }

  /**
   * Alive and not a zombie: a survivor's parent died, and until init reaps what exits, {@link
   * ProcessHandle#isAlive} still says yes.
   */
  static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      int end = stat.lastIndexOf(')');
      return end < 0 || stat.length() < end + 3 || stat.charAt(end + 2) != 'Z';
    } catch (IOException | RuntimeException noProc) {
      return process.isAlive();
    }
  }

  private void resurrect() {
    try {
      Optional<SavedApps> dump = SavedApps.read(Daemons.dumpFile(home));
      if (dump.isEmpty()) {
        say("nothing to resurrect: no " + Daemons.dumpFile(home) + " (pmfx save writes it)");
        return;
      }
      for (CommandResult result : SavedApps.start(engine, dump.get().running())) {
        result.problems().forEach(p -> say(p.app() + ": " + p.message()));
      }
      say("resurrected the apps of " + Daemons.dumpFile(home));
    } catch (IOException e) {
      say(e.getMessage());
    }
  }

  private void stateChanged() {
    if (stateDirty.compareAndSet(false, true)) {
      stateWriter.schedule(this::writeState, 200, TimeUnit.MILLISECONDS);
    }
  }

  private void writeState() {
    stateDirty.set(false);
    if (ending.get()) {
      return;
    }
    try {
      SavedApps.of(engine.snapshot()).write(Daemons.stateFile(home));
    } catch (IOException | RuntimeException e) {
      say("cannot write " + Daemons.stateFile(home) + ": " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- clients

  private void accept() {
    while (!ending.get()) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException closed) {
        return;
      } catch (IOException e) {
        say("cannot accept a client: " + e.getMessage());
        continue;
      }
      Session session = new Session(client);
      sessions.add(session);
      Thread.ofVirtual().name("pmfx-daemon-client").start(session::serve);
    }
  }

  /**
   * Stops every worker gracefully, then ends: the socket goes first (new clients start a new
   * daemon), the state file last (this daemon ended cleanly, nothing to take over).
   */
  public void shutdown(String why) {
    end(why, () -> {});
  }

  /** Ends as {@link #shutdown}, queueing {@code goodbye}'s messages before the clients close. */
  private void end(String why, Runnable goodbye) {
    if (!ending.compareAndSet(false, true)) {
      ended.join();
      goodbye.run();
      return;
    }
    say("ending (" + why + "): stopping every worker");
    try {
      server.close();
      Files.deleteIfExists(Daemons.socket(home));
    } catch (IOException e) {
      say("cannot remove " + Daemons.socket(home) + ": " + e.getMessage());
    }
    engine.close();
    stateWriter.shutdownNow();
    try {
      Files.deleteIfExists(Daemons.stateFile(home));
    } catch (IOException e) {
      say("cannot remove " + Daemons.stateFile(home) + ": " + e.getMessage());
    }
    goodbye.run();
    List<Session> open = List.copyOf(sessions);
    open.forEach(Session::finish);
    for (Session session : open) {
      session.awaitWritten(Duration.ofSeconds(2));
    }
    try {
      lock.release();
      lockFile.close();
    } catch (IOException e) {
      // the process ends next, and the lock with it
    }
    say("ended");
    ended.complete(null);
  }

  private static final Wire.Message END = Wire.Message.error(-1, "end");

  /** One client: its calls in the order they came, its answers and events in one outbox. */
  private final class Session {
    private final SocketChannel channel;
    private final BlockingQueue<Wire.Message> outbox = new LinkedBlockingQueue<>(OUTBOX_LIMIT);
    private final Map<Long, Engine.Subscription> subscriptions = new ConcurrentHashMap<>();
    private volatile boolean cutOff;
    private volatile boolean lingering;
    private final Thread writer;

    Session(SocketChannel channel) {
      this.channel = channel;
      this.writer = Thread.ofVirtual().name("pmfx-daemon-client-out").unstarted(this::write);
    }

    void serve() {
      writer.start();
      Optional<String> refused = refusal();
      if (refused.isPresent()) {
        say(refused.get());
        refuse(refused.get());
        return;
      }
      try (BufferedReader in = ChannelStreams.reader(channel)) {
        String line;
        while ((line = in.readLine()) != null) {
          Wire.Message message;
          try {
            message = Wire.JSON.readValue(line, Wire.Message.class);
          } catch (IOException unreadable) {
            send(Wire.Message.error(0, "not a pmfx call: " + unreadable.getMessage()));
            continue;
          }
          if (message.id() != null && message.call() != null) {
            handle(message.id(), message.call());
          }
        }
      } catch (IOException gone) {
        // the client went away
      } finally {
        subscriptions.values().forEach(Engine.Subscription::close);
        subscriptions.clear();
        if (!ending.get()) {
          finish();
          sessions.remove(this);
        }
      }
    }

    /**
     * Says why, then reads and drops what the client sends until it hangs up (2 s at most): closed
     * at once, the socket could take the words with it before the client read them.
     */
    private void refuse(String why) {
      lingering = true;
      send(Wire.Message.error(0, why));
      finish();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  Thread.sleep(2000);
                  channel.close();
                } catch (InterruptedException | IOException e) {
                  // closed either way
                }
              });
      try (BufferedReader in = ChannelStreams.reader(channel)) {
        while (in.readLine() != null) {
          // nothing this client says is acted on
        }
      } catch (IOException gone) {
        // hung up, or timed out
      }
      sessions.remove(this);
    }

    void awaitWritten(Duration atMost) {
      try {
        writer.join(atMost);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Why this client may not use the daemon: it runs as another user. */
    private Optional<String> refusal() {
      try {
        String user = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
        String me = System.getProperty("user.name");
        return user.equals(me)
            ? Optional.empty()
            : Optional.of("refused a client of user " + user + ": this daemon is " + me + "'s");
      } catch (IOException | UnsupportedOperationException unknown) {
        return Optional.empty(); // the socket's mode and the home's keep others out
      }
    }

    private void handle(long id, Wire.Call call) {
      try {
        switch (call) {
          case Wire.Call.Start c -> answer(id, engine.start(c.ecosystem(), c.envName(), c.only()));
          case Wire.Call.StartTarget c -> answer(id, engine.start(c.target()));
          case Wire.Call.Stop c -> answer(id, engine.stop(c.target()));
          case Wire.Call.Restart c -> answer(id, engine.restart(c.target()));
          case Wire.Call.Reload c -> answer(id, engine.reload(c.target()));
          case Wire.Call.ScaleApp c -> answer(id, engine.scale(c.app(), c.scale()));
          case Wire.Call.Delete c -> answer(id, engine.delete(c.target()));
          case Wire.Call.Flush c -> answer(id, engine.flush(c.target()));
          case Wire.Call.Snapshot c -> send(Wire.Message.result(id, engine.snapshot()));
          case Wire.Call.LastSample c ->
              send(
                  engine
                      .lastSample()
                      .map(sample -> Wire.Message.events(id, sample))
                      .orElse(Wire.Message.result(id, null)));
          case Wire.Call.Tail c ->
              send(Wire.Message.events(id, engine.tail(c.workerId(), c.lines())));
          case Wire.Call.LogHistory c ->
              engine
                  .logHistory(c.spec(), c.lines())
                  .whenComplete(
                      (lines, error) ->
                          send(
                              error == null
                                  ? Wire.Message.events(id, lines)
                                  : Wire.Message.error(id, String.valueOf(error.getMessage()))));
          case Wire.Call.SampleEvery c -> {
            engine.sampleEvery(c.interval());
            send(Wire.Message.result(id, true));
          }
          case Wire.Call.Subscribe c -> {
            subscriptions.put(id, engine.subscribe(new Forward(id, c.history())));
            send(Wire.Message.result(id, true));
          }
          case Wire.Call.Unsubscribe c -> {
            Optional.ofNullable(subscriptions.remove(c.subscription()))
                .ifPresent(Engine.Subscription::close);
            send(Wire.Message.result(id, true));
          }
          case Wire.Call.Ping c -> send(Wire.Message.result(id, info()));
          case Wire.Call.Kill c ->
              Thread.ofPlatform()
                  .name("pmfx-daemon-kill")
                  .start(() -> end("pmfx kill", () -> send(Wire.Message.result(id, true))));
        }
      } catch (RuntimeException e) {
        send(Wire.Message.error(id, String.valueOf(e.getMessage())));
      }
    }

    private void answer(long id, CompletableFuture<?> future) {
      future.whenComplete(
          (value, error) ->
              send(
                  error == null
                      ? Wire.Message.result(id, value)
                      : Wire.Message.error(
                          id,
                          String.valueOf(
                              (error instanceof java.util.concurrent.CompletionException
                                          && error.getCause() != null
                                      ? error.getCause()
                                      : error)
                                  .getMessage()))));
    }

    /** Queues a message; a client that leaves this many unread is cut off, never waited for. */
    void send(Wire.Message message) {
      if (!cutOff && !outbox.offer(message)) {
        cutOff = true;
        say("cut off a client that read nothing of its last " + OUTBOX_LIMIT + " messages");
        try {
          channel.close();
        } catch (IOException e) {
          // gone either way
        }
      }
    }

    /** Sends what is queued, then closes. */
    void finish() {
      outbox.offer(END);
    }

    private void write() {
      Writer out = ChannelStreams.writer(channel);
      try {
        while (true) {
          Wire.Message message = outbox.take();
          if (message == END) {
            out.flush();
            if (lingering) {
              channel.shutdownOutput(); // refuse closes it once the client hung up
              return;
            }
            break;
          }
          out.write(Wire.JSON.writeValueAsString(message));
          out.write('\n');
          if (outbox.isEmpty()) {
            out.flush();
          }
        }
      } catch (IOException | InterruptedException gone) {
        // the client went away
      }
      try {
        channel.close();
      } catch (IOException e) {
        // closed either way
      }
    }

    private final class Forward implements EngineListener {
      private final long subscription;
      private final boolean history;

      Forward(long subscription, boolean history) {
        this.subscription = subscription;
        this.history = history;
      }

      @Override
      public boolean wantsHistory() {
        return history;
      }

      @Override
      public void onHistory(List<EngineEvent> past) {
        send(Wire.Message.history(subscription, past));
      }

      @Override
      public void onSnapshot(List<AppStatus> apps) {
        send(Wire.Message.snapshot(subscription, apps));
      }

      @Override
      public void onEvent(EngineEvent event) {
        send(Wire.Message.event(subscription, event));
      }
    }
  }
}
