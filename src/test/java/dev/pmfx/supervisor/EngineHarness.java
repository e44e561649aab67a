package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.fail;

import dev.pmfx.config.Diagnostic;
import dev.pmfx.config.Ecosystem;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineListener;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.home.PmfxHome;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A real engine on a temporary pmfx home, the fixture workers of src/test/resources/workers, and a
 * recorder of its events that tests wait on, with a deadline, instead of sleeping.
 */
public final class EngineHarness implements AutoCloseable {

  static final Duration PATIENCE = Duration.ofSeconds(30);

  final Path dir;
  final PmfxHome home;
  final Supervisor engine;
  final Recorder events = new Recorder();

  EngineHarness(Path dir) {
    this.dir = dir;
    this.home = new PmfxHome(dir.resolve("home"));
    this.engine = Supervisor.create(home, dev.pmfx.config.EcosystemLoader::loadOnThisMachine);
    engine.subscribe(events);
  }

  /** A loopback port nothing listens on now. */
  /** The environment the process started with, from {@code /proc/PID/environ}. */
  static java.util.Map<String, String> environmentOf(long pid) throws java.io.IOException {
    java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
    String all =
        java.nio.file.Files.readString(
            Path.of("/proc/" + pid + "/environ"), java.nio.charset.StandardCharsets.ISO_8859_1);
    for (String pair : all.split("\0")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        env.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return env;
  }

  public static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  static Path workers() {
    try {
      return Path.of(EngineHarness.class.getResource("/workers").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Loads a YAML ecosystem whose apps run in the fixture workers' folder. */
  Ecosystem ecosystem(String yaml) throws Exception {
    Path file = dir.resolve("ecosystem-" + System.nanoTime() + ".yaml");
    Files.writeString(file, yaml.replace("${workers}", workers().toString()));
    LoadResult result = EcosystemLoader.forThisMachine().load(file);
    if (result instanceof LoadResult.Failed failed) {
      fail(String.join("\n", failed.diagnostics().stream().map(Diagnostic::format).toList()));
    }
    return ((LoadResult.Loaded) result).ecosystem();
  }

  CommandResult start(String yaml) throws Exception {
    return start(yaml, Optional.empty());
  }

  CommandResult start(String yaml, Optional<String> envName) throws Exception {
    return engine.start(ecosystem(yaml), envName, Set.of()).get();
  }

  /** The app's workers as the engine's snapshot has them now. */
  List<WorkerStatus> workers(String app) {
    return engine.snapshot().stream()
        .filter(a -> a.name().equals(app))
        .flatMap(a -> a.workers().stream())
        .toList();
  }

  /** Waits until {@code count} of the app's workers are online. */
  void awaitOnline(String app, int count) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (workers(app).stream().filter(w -> w.state() == WorkerState.ONLINE).count() != count) {
      if (System.nanoTime() > deadline) {
        fail("not " + count + " online: " + workers(app));
      }
      Thread.sleep(20);
    }
  }

  /**
   * The bodies (the answering workers' pids) of {@code count} GETs, each on a connection of its
   * own.
   */
  static java.util.Set<String> servedOnNewConnections(int port, int count)
      throws java.io.IOException {
    java.util.Set<String> served = new java.util.HashSet<>();
    for (int i = 0; i < count; i++) {
      served.add(getOnNewConnection(port));
    }
    return served;
  }

  /**
   * One GET on a connection of its own ({@code Connection: close}) to the port: the body of the 200
   * answer (the fixture apps answer with their pid).
   */
  static String getOnNewConnection(int port) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!answer.startsWith("HTTP/1.1 200")) {
        fail(answer);
      }
      return answer.substring(answer.indexOf("\r\n\r\n") + 4).strip();
    }
  }

  @Override
  public void close() {
    engine.close();
  }

  /** Every event, in order, and a way to wait for one. */
  static final class Recorder implements EngineListener {
    private final List<EngineEvent> events = new ArrayList<>();

    @Override
    public void onSnapshot(List<AppStatus> apps) {}

    private final java.util.Map<String, Integer> linesPerApp = new java.util.HashMap<>();

    /** Keeps the first 10,000 lines of each app: enough to read, bounded under a flood. */
    @Override
    public synchronized void onEvent(EngineEvent event) {
      if (event instanceof EngineEvent.LogLine line
          && linesPerApp.merge(line.app(), 1, Integer::sum) > 10_000) {
        return;
      }
      events.add(event);
      notifyAll();
    }

    synchronized List<EngineEvent> all() {
      return List.copyOf(events);
    }

    synchronized List<EngineEvent.WorkerChanged> changes(String app) {
      return events.stream()
          .filter(e -> e instanceof EngineEvent.WorkerChanged c && c.worker().name().equals(app))
          .map(EngineEvent.WorkerChanged.class::cast)
          .toList();
    }

    synchronized List<String> lines(String app) {
      return events.stream()
          .filter(e -> e instanceof EngineEvent.LogLine l && l.app().equals(app))
          .map(e -> ((EngineEvent.LogLine) e).text())
          .toList();
    }

    /** Waits for the first event that matches. */
    synchronized <T extends EngineEvent> T await(Class<T> type, Predicate<T> match)
        throws InterruptedException {
      return await(0, type, match);
    }

    /** Waits for the first matching event at index {@code from} or later. */
    synchronized <T extends EngineEvent> T await(int from, Class<T> type, Predicate<T> match)
        throws InterruptedException {
      Instant deadline = Instant.now().plus(PATIENCE);
      int seen = from;
      while (true) {
        for (; seen < events.size(); seen++) {
          EngineEvent e = events.get(seen);
          if (type.isInstance(e) && match.test(type.cast(e))) {
            return type.cast(e);
          }
        }
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left <= 0) {
          fail(
              "no matching "
                  + type.getSimpleName()
                  + " within "
                  + PATIENCE
                  + "; events:\n"
                  + describe());
        }
        wait(left);
      }
    }

    EngineEvent.WorkerChanged awaitState(String app, WorkerState state)
        throws InterruptedException {
      return await(
          EngineEvent.WorkerChanged.class,
          c -> c.worker().name().equals(app) && c.worker().state() == state);
    }

    EngineEvent.LogLine awaitLine(String app, Predicate<String> text) throws InterruptedException {
      return await(EngineEvent.LogLine.class, l -> l.app().equals(app) && text.test(l.text()));
    }

    private String describe() {
      StringBuilder out = new StringBuilder();
      for (EngineEvent e : events.subList(Math.max(0, events.size() - 40), events.size())) {
        out.append("  ")
            .append(
                switch (e) {
                  case EngineEvent.WorkerChanged c ->
                      c.worker().name()
                          + "-"
                          + c.worker().instance()
                          + " "
                          + c.from()
                          + " -> "
                          + c.worker().state()
                          + ": "
                          + c.reason();
                  case EngineEvent.LogLine l -> l.app() + " | " + l.text();
                  default -> e.toString();
                })
            .append('\n');
      }
      return out.toString();
    }
  }
}
