package dev.pmfx.daemon;

import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.Engine;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.Query;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.home.Version;
import dev.pmfx.supervisor.Supervisor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
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
 * {@code pmfx daemon}: a {@link Supervisor} served on the home's Unix-domain socket to every client
 * (the window, each CLI command), one virtual thread a client. One daemon a home, held by a lock on
 * {@code daemon.lock}. It keeps its state in {@code daemon.json} as it changes; a daemon that finds
 * that file at its start knows the one before it died, stops the workers it left, and starts their
 * apps again, so that nothing runs unsupervised and nothing runs twice.
 */
public final class DaemonServer {

  /** Messages a client may leave unread before it is cut off rather than slow the engine. */
  static final int OUTBOX_LIMIT = 100_000;

  /**
   * Characters of log lines a client may leave unread (4 Mi) before it loses the next ones: lines
   * can be 1 MiB each, so a count of messages alone does not bound what an outbox holds.
   */
  static final long OUTBOX_LINE_CHARS = 4 << 20;

  /**
   * The longest call a client may send (1 Mi characters): an ecosystem of a few hundred apps is a
   * tenth of it, and a line of any length would take the daemon's bounded heap.
   */
  static final int CALL_CHARS = 1 << 20;

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
  private final Engine engine;

  /** The engine as the supervisor it is, for what only a daemon asks of it: adoption. */
  private final Supervisor supervisor;

  private final ServerSocketChannel server;
  private final Instant startedAt = Instant.now();
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean ending = new AtomicBoolean();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final ScheduledExecutorService stateWriter =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("pmfx-daemon-state").daemon().unstarted(r));
  private final AtomicBoolean stateDirty = new AtomicBoolean();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  private DaemonServer(
      PmfxHome home, PrintStream log, FileChannel lockFile, FileLock lock, boolean resurrect)
      throws IOException {
    this.home = home;
    this.log = log;
    this.lockFile = lockFile;
    this.lock = lock;
    // Listening first: clients connect at once, and their calls wait until the engine is up and
    // what an earlier daemon left is taken over; a ping, which the client that started this daemon
    // waits for, is answered meanwhile.
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
    try {
      this.supervisor =
          Supervisor.forDaemon(home, dev.pmfx.config.EcosystemLoader::loadOnThisMachine);
      this.engine = supervisor;
    } catch (RuntimeException e) {
      ready.completeExceptionally(e); // its clients' calls are not answered: they are hung up on
      server.close();
      Files.deleteIfExists(socket);
      throw e;
    }
    say(
        "listening on "
            + socket
            + " (pmfx "
            + Version.current()
            + ", pid "
            + ProcessHandle.current().pid()
            + ")");
    try {
      recover();
      if (resurrect) {
        resurrect();
      }
    } finally {
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
              if (event instanceof EngineEvent.WorkerChanged changed) {
                // as PM2 writes pm2.log: what happened to each worker and why
                say(
                    changed.worker().label()
                        + " (id "
                        + changed.worker().id()
                        + ") "
                        + changed.from().label()
                        + " → "
                        + changed.worker().state().label()
                        + (changed.reason().isEmpty() ? "" : ": " + changed.reason()));
              }
            }
          });
      ready.complete(null);
    }
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
    if (Daemons.socket(home).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        > 100) { // sun_path holds 108 bytes
      throw new IOException(
          "the socket path "
              + Daemons.socket(home)
              + " is too long for a Unix-domain socket; set PMFX_HOME to a shorter folder");
    }
    Optional<FileLock> held = Daemons.lock(home);
    if (held.isEmpty()) {
      throw new AlreadyRunning("a pmfx daemon already runs for " + dir);
    }
    FileLock lock = held.get();
    FileChannel lockFile = lock.channel();
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
        Version.current(),
        Wire.PROTOCOL,
        ProcessHandle.current().pid(),
        startedAt,
        home.dir().toString());
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
    Optional<SavedApps> saved;
    try {
      saved = SavedApps.read(Daemons.stateFile(home));
    } catch (IOException e) {
      say(e.getMessage() + "; its apps are not started again");
      saved = Optional.empty();
    }
    List<Orphans.Orphan> orphans = Orphans.of(home, saved);
    if (saved.isEmpty() && orphans.isEmpty()) {
      return;
    }
    say(
        "the daemon before this one ("
            + saved.map(s -> "pid " + s.pid()).orElse("which wrote no state")
            + ") ended without pmfx kill; taking over");
    if (saved.isPresent()) {
      Supervisor.Adopted adopted =
          supervisor.adopt(saved.get().apps(), saved.get().environments()).join();
      adopted.said().forEach(this::say);
      orphans = orphans.stream().filter(o -> !adopted.pids().contains(o.process().pid())).toList();
    }
    Orphans.stopAll(orphans).forEach(this::say);
    if (saved.isPresent()) {
      for (CommandResult result : saved.get().startRunning(engine)) {
        result.problems().forEach(p -> say(p.app() + ": " + p.message()));
      }
    }
  }

  private void resurrect() {
    try {
      Optional<SavedApps> dump = SavedApps.read(Daemons.dumpFile(home));
      if (dump.isEmpty()) {
        say("nothing to resurrect: no " + Daemons.dumpFile(home) + " (pmfx save writes it)");
        return;
      }
      for (CommandResult result : dump.get().startRunning(engine)) {
        result.problems().forEach(p -> say(p.app() + ": " + p.message()));
      }
      say("resurrected the apps of " + Daemons.dumpFile(home));
    } catch (IOException e) {
      say(e.getMessage());
    }
  }

  private void stateChanged() {
    if (stateDirty.compareAndSet(false, true)) {
      try {
        stateWriter.schedule(this::writeState, 50, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException ended) {
        // the daemon ended cleanly; nothing to write
      }
    }
  }

  private void writeState() {
    stateDirty.set(false);
    try {
      SavedApps.of(engine).write(Daemons.stateFile(home));
    } catch (IOException | RuntimeException e) {
      if (!ending.get()) { // while ending, the engine closing refuses its last snapshots
        say("cannot write " + Daemons.stateFile(home) + ": " + e.getMessage());
      }
    }
  }

  /**
   * What {@code pmfx kill} does when no daemon runs: a daemon that died left workers that nobody
   * supervises; they are stopped, and its state file goes, so that no later daemon brings its apps
   * back.
   *
   * @return what was stopped, in words
   */
  public static List<String> stopWhatADeadDaemonLeft(PmfxHome home) throws IOException {
    Optional<FileLock> held = Daemons.lock(home);
    if (held.isEmpty()) {
      return List.of(); // a daemon holds the home after all: kill it, not its workers
    }
    try (FileChannel file = held.get().channel()) {
      Optional<SavedApps> saved;
      try {
        saved = SavedApps.read(Daemons.stateFile(home));
      } catch (IOException unreadable) {
        saved = Optional.empty();
      }
      List<String> stopped = Orphans.stopAll(Orphans.of(home, saved));
      Files.deleteIfExists(Daemons.stateFile(home));
      return stopped;
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
        try {
          Thread.sleep(500); // out of file descriptors, say: no loop that fills the log
        } catch (InterruptedException stop) {
          return;
        }
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
      goodbye.run(); // a second kill: this daemon is ending already
      return;
    }
    say("ending (" + why + "): stopping every worker");
    try {
      server.close();
      Files.deleteIfExists(Daemons.socket(home));
    } catch (IOException e) {
      say("cannot remove " + Daemons.socket(home) + ": " + e.getMessage());
    }
    engine.close(); // its stops are written down as they happen, in case this daemon dies now
    stateWriter.shutdown();
    try {
      stateWriter.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(Daemons.stateFile(home));
    } catch (IOException e) {
      say("cannot remove " + Daemons.stateFile(home) + ": " + e.getMessage());
    }
    goodbye.run();
    List<Session> open = List.copyOf(sessions);
    // Said to every client: it ended on purpose, so a window does not start a new one.
    open.forEach(session -> session.send(Wire.Message.error(0, ENDED + why)));
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

  /** The start of a line a client sent, to quote in an answer without sending it all back. */
  private static String quoted(String line) {
    return line.length() <= 200
        ? line
        : line.substring(0, 200) + "… (" + line.length() + " characters)";
  }

  /** The id of a call this daemon cannot read, when its line has one; else 0. */
  private static long idOf(String line) {
    try {
      com.fasterxml.jackson.databind.JsonNode id = Wire.JSON.readTree(line).get("id");
      return id != null && id.canConvertToLong() ? id.asLong() : 0;
    } catch (IOException | RuntimeException notJson) {
      return 0;
    }
  }

  /** A line of JSON for a client, written already. */
  private record Written(String json) {}

  /**
   * The answer to a ping ({@code Ping}, or the view {@code ping}), written without the JSON mapper:
   * the daemon answers the client that started it before anything sets the mapper up, which took
   * most of the time from listening to the first answer. Empty for any other line, which {@link
   * Wire} reads.
   */
  static Optional<String> pingAnswer(String line, DaemonInfo info) {
    if (line.length() > 100) {
      return Optional.empty(); // a ping is short; the rest is not read twice
    }
    Object read;
    try {
      read = JsonText.parse(line);
    } catch (IllegalArgumentException notJson) {
      return Optional.empty();
    }
    if (!(read instanceof Map<?, ?> message)
        || message.size() != 2
        || !(message.get("id") instanceof Double id)
        || id != Math.rint(id)
        || Math.abs(id) > 1e15
        || !(message.get("call") instanceof Map<?, ?> call)) {
      return Optional.empty();
    }
    String result;
    if (call.size() == 1 && "Ping".equals(call.get("op"))) {
      result =
          "{\"version\":"
              + JsonText.quote(info.version())
              + ",\"protocol\":"
              + info.protocol()
              + ",\"pid\":"
              + info.pid()
              + ",\"startedAt\":"
              + JsonText.quote(info.startedAt().toString())
              + ",\"home\":"
              + JsonText.quote(info.home())
              + "}";
    } else if (call.size() == 2
        && "View".equals(call.get("op"))
        && "ping".equals(call.get("view"))) {
      result = JsonText.quote(ProcessTable.pong(info));
    } else {
      return Optional.empty();
    }
    return Optional.of("{\"id\":" + id.longValue() + ",\"result\":" + result + "}");
  }

  /** How a daemon's last words to its clients begin. */
  static final String ENDED = "the daemon ended: ";

  private static final Wire.Message END = Wire.Message.error(-1, "end");

  /** One client: its calls in the order they came, its answers and events in one outbox. */
  private final class Session {
    private final SocketChannel channel;

    /** Each a {@link Wire.Message}, or a {@link Written} line. */
    private final BlockingQueue<Object> outbox = new LinkedBlockingQueue<>(OUTBOX_LIMIT);

    private final java.util.concurrent.atomic.AtomicLong lineChars =
        new java.util.concurrent.atomic.AtomicLong();
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
        while ((line = ChannelStreams.readLine(in, CALL_CHARS)) != null) {
          if (line.length() > CALL_CHARS) {
            send(
                Wire.Message.error(
                    0,
                    "pmfx "
                        + Version.current()
                        + " cannot read a call longer than "
                        + CALL_CHARS
                        + " characters; it was left unread"));
            continue;
          }
          Optional<String> pong = pingAnswer(line, info());
          if (pong.isPresent()) {
            sendWritten(pong.get());
            continue;
          }
          Wire.Message message;
          try {
            message = Wire.JSON.readValue(line, Wire.Message.class);
          } catch (IOException | RuntimeException unreadable) {
            message = null;
          }
          if (message == null
              || message.id() == null
              || message.call() == null
              || !Wire.whole(message.call())) {
            // A call from another pmfx version, say: answered, so that nobody waits for ever.
            send(
                Wire.Message.error(
                    idOf(line), "pmfx " + Version.current() + " cannot read: " + quoted(line)));
            continue;
          }
          if (!(message.call() instanceof Wire.Call.Ping)
              && !(message.call() instanceof Wire.Call.View(String view) && view.equals("ping"))) {
            try {
              ready.join(); // a ping, about the daemon alone, is answered meanwhile
            } catch (java.util.concurrent.CompletionException notStarted) {
              return; // the engine could not start, and the daemon ends
            }
          }
          handle(message.id(), message.call());
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
        while (ChannelStreams.readLine(in, 0) != null) {
          // nothing this client says is acted on, or kept
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
        Daemons.checkPeer(channel, home.dir());
        return Optional.empty();
      } catch (IOException other) {
        return Optional.of("refused a client: " + other.getMessage());
      }
    }

    private void handle(long id, Wire.Call call) {
      try {
        switch (call) {
          case Wire.Call.Run c ->
              answer(id, engine.run(c.command()), value -> Wire.Message.result(id, value));
          case Wire.Call.Ask c ->
              answer(id, engine.ask(c.query()), value -> Wire.Message.answer(id, c.query(), value));
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
          case Wire.Call.View c when c.view().equals("ping") ->
              send(Wire.Message.result(id, ProcessTable.pong(info())));
          case Wire.Call.View c ->
              answer(
                  id,
                  engine
                      .ask(new Query.Snapshot())
                      .thenCombine(
                          engine.ask(new Query.LastSample()),
                          (apps, sample) -> ProcessTable.view(c.view(), apps, sample)),
                  text -> Wire.Message.result(id, text));
          case Wire.Call.Kill c ->
              Thread.ofPlatform()
                  .name("pmfx-daemon-kill")
                  .start(() -> end("pmfx kill", () -> send(Wire.Message.result(id, true))));
        }
      } catch (RuntimeException e) {
        send(Wire.Message.error(id, String.valueOf(e.getMessage())));
      }
    }

    private <T> void answer(
        long id, CompletableFuture<T> future, java.util.function.Function<T, Wire.Message> as) {
      future.whenComplete(
          (value, error) ->
              send(
                  error == null
                      ? as.apply(value)
                      : Wire.Message.error(
                          id,
                          String.valueOf(
                              (error instanceof java.util.concurrent.CompletionException
                                          && error.getCause() != null
                                      ? error.getCause()
                                      : error)
                                  .getMessage()))));
    }

    /**
     * Queues a message. A client that reads slowly loses log lines and samples first (once a tenth
     * of {@link #OUTBOX_LIMIT} or {@link #OUTBOX_LINE_CHARS} wait); one that leaves {@link
     * #OUTBOX_LIMIT} unread is cut off: never waited for.
     */
    void send(Wire.Message message) {
      boolean line = message.event() instanceof EngineEvent.LogLine;
      if ((line || message.event() instanceof EngineEvent.MetricsSample)
          && (outbox.size() > OUTBOX_LIMIT / 10 || lineChars.get() > OUTBOX_LINE_CHARS)) {
        return;
      }
      if (line) {
        lineChars.addAndGet(((EngineEvent.LogLine) message.event()).text().length());
      }
      queue(message);
    }

    /** Queues a line written already (an answer to a ping, {@link #pingAnswer}). */
    void sendWritten(String json) {
      queue(new Written(json));
    }

    /** Queues a message or a written line; a client that leaves too many unread is cut off. */
    private void queue(Object next) {
      if (!cutOff && !outbox.offer(next)) {
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
          Object next = outbox.take();
          String json;
          if (next instanceof Written(String written)) {
            json = written;
          } else {
            Wire.Message message = (Wire.Message) next;
            if (message.event() instanceof EngineEvent.LogLine line) {
              lineChars.addAndGet(-line.text().length());
            }
            if (message == END) {
              out.flush();
              if (lingering) {
                channel.shutdownOutput(); // refuse closes it once the client hung up
                return;
              }
              break;
            }
            json = Wire.JSON.writeValueAsString(message);
          }
          out.write(json);
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
