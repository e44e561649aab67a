package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.daemon.DaemonInfo;
import dev.pmfx.daemon.Daemons;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.home.PmfxHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A pmfx home in a temporary folder, its CLI run in this JVM as {@code bin/pmfx} runs it, and the
 * real daemon the first command starts; closing kills the daemon and whatever it left.
 */
public final class DaemonHarness implements AutoCloseable {

  static final Duration PATIENCE = Duration.ofSeconds(30);
  static final Path WORKERS = Path.of("src/test/resources/workers").toAbsolutePath();

  final Path dir;
  final PmfxHome home;
  private final List<Long> daemons = new ArrayList<>();

  record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out:\n" + out + "\n--- err:\n" + err;
    }
  }

  DaemonHarness(Path dir) {
    this.dir = dir;
    this.home = new PmfxHome(dir.resolve("home"));
    System.setProperty("pmfx.home", home.dir().toString());
  }

  /** Runs {@code pmfx args…} as the CLI would, here. */
  Run pmfx(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        PmfxCommand.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    remember();
    return new Run(code, out.toString(), err.toString());
  }

  /** Writes an ecosystem file; {@code ${workers}} names the fixture workers' folder. */
  Path ecosystem(String name, String yaml) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml.replace("${workers}", WORKERS.toString()));
    return file;
  }

  RemoteEngine connect() throws IOException {
    return Daemons.connectOrStart(home);
  }

  /** The running daemon's pid, remembered so that close can end it whatever happens. */
  long daemonPid() throws IOException {
    try (RemoteEngine engine = connect()) {
      DaemonInfo info = engine.ping();
      daemons.add(info.pid());
      return info.pid();
    }
  }

  private void remember() {
    Daemons.connectIfRunning(home)
        .ifPresent(
            engine -> {
              try (engine) {
                daemons.add(engine.ping().pid());
              } catch (RuntimeException gone) {
                // ended meanwhile
              }
            });
  }

  /** The body of an HTTP GET of / on the loopback port. */
  public static String get(int port) throws IOException, InterruptedException {
    try (HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      return client
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "waited " + PATIENCE.toSeconds() + " s for " + what);
      Thread.sleep(50);
    }
  }

  /**
   * This home's workers (and what they started) whose command line holds {@code text}, not counting
   * zombies: a worker carries its home in PMFX_HOME.
   */
  List<ProcessHandle> processesWith(String text) {
    String ours = "PMFX_HOME=" + home.dir() + "\0";
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
        .filter(dev.pmfx.daemon.Orphans::running)
        .filter(
            p -> {
              try {
                return Files.readString(Path.of("/proc", String.valueOf(p.pid()), "environ"))
                    .contains(ours);
              } catch (IOException | RuntimeException gone) {
                return false;
              }
            })
        .toList();
  }

  @Override
  public void close() throws Exception {
    try {
      Optional<RemoteEngine> running = Daemons.connectIfRunning(home);
      if (running.isPresent()) {
        running.get().kill();
      }
    } finally {
      // whatever a failed test left: this home's workers, wherever their daemon went
      processesWith("").forEach(ProcessHandle::destroyForcibly);
      for (long pid : daemons) {
        ProcessHandle.of(pid)
            .ifPresent(
                daemon -> {
                  daemon.descendants().forEach(ProcessHandle::destroyForcibly);
                  daemon.destroyForcibly();
                });
      }
      System.clearProperty("pmfx.home");
    }
  }
}
