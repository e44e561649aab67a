package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmfx.cli.DaemonHarness.Run;
import dev.pmfx.daemon.Daemons;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pmfx events} following a real daemon while real workers start and restart. */
class EventsCommandTest {

  @TempDir Path dir;
  DaemonHarness pmfx;
  private final List<Follower> followers = new ArrayList<>();

  @BeforeEach
  void home() {
    pmfx = new DaemonHarness(dir);
  }

  @AfterEach
  void end() throws Exception {
    pmfx.close();
    for (Follower follower : followers) {
      follower.code.get(30, TimeUnit.SECONDS); // each ended with its daemon
    }
  }

  /** Two Node apps that say ready, each in a namespace of its own. */
  private Path apps() throws Exception {
    return pmfx.ecosystem(
        "ecosystem.yaml",
        """
        apps:
          - name: web
            script: ready.js
            cwd: ${workers}
            namespace: front
          - name: other
            script: ready.js
            cwd: ${workers}
            namespace: back
        """);
  }

  /** What a command writes, line by line, as it writes it. */
  private static final class Lines extends Writer {
    private final StringBuilder text = new StringBuilder();

    @Override
    public synchronized void write(char[] chars, int offset, int length) {
      text.append(chars, offset, length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    /** The lines written whole so far. */
    synchronized List<String> lines() {
      int end = text.lastIndexOf("\n");
      return end < 0 ? List.of() : text.substring(0, end).lines().toList();
    }

    @Override
    public synchronized String toString() {
      return text.toString();
    }
  }

  /** {@code pmfx events args…}, run here on a thread of its own until it ends. */
  private final class Follower {
    final Lines out = new Lines();
    final Lines err = new Lines();
    final CompletableFuture<Integer> code = new CompletableFuture<>();

    Follower(String... args) throws InterruptedException {
      List<String> command = new ArrayList<>(List.of("events"));
      command.addAll(List.of(args));
      Thread.ofPlatform()
          .name("pmfx-events-test")
          .daemon()
          .start(
              () -> {
                try {
                  code.complete(
                      PmfxCommand.commandLine()
                          .setOut(new PrintWriter(out, true))
                          .setErr(new PrintWriter(err, true))
                          .execute(command.toArray(String[]::new)));
                } catch (RuntimeException e) {
                  code.completeExceptionally(e);
                }
              });
      followers.add(this);
      DaemonHarness.await(
          "pmfx " + String.join(" ", command) + " following",
          () -> err.toString().contains("pmfx: following") || code.isDone());
      assertFalse(code.isDone(), () -> "it ended: " + out + err);
    }

    void await(String what, java.util.function.Predicate<List<String>> seen)
        throws InterruptedException {
      try {
        DaemonHarness.await(what, () -> seen.test(out.lines()));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; it printed:\n" + out + "\n" + err, e);
      }
    }
  }

  private static JsonNode json(String line) {
    try {
      return new ObjectMapper().readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  /** The WorkerChanged events of the app, as {@code FROM>TO} each. */
  private static List<String> moves(List<String> lines, String app) {
    return lines.stream()
        .map(EventsCommandTest::json)
        .filter(e -> e.path("type").asText().equals("WorkerChanged"))
        .filter(e -> e.at("/worker/name").asText().equals(app))
        .map(e -> e.path("from").asText() + ">" + e.at("/worker/state").asText())
        .toList();
  }

  @Test
  void jsonFollowsAWorkerFromItsStartThroughARestartOneObjectALine() throws Exception {
    // given a daemon and pmfx events --json following it
    assertEquals(0, pmfx.pmfx("ping").code());
    Follower events = new Follower("--json");

    // when an app starts, and its worker restarts
    Run started = pmfx.pmfx("start", apps().toString(), "--only", "web");
    assertEquals(0, started.code(), started::toString);
    Run restarted = pmfx.pmfx("restart", "web");
    assertEquals(0, restarted.code(), restarted::toString);

    // then each of its moves is a line, in order, naming the app
    List<String> expected =
        List.of(
            "STOPPED>LAUNCHING",
            "LAUNCHING>ONLINE",
            "ONLINE>STOPPING",
            "STOPPING>STOPPED",
            "STOPPED>LAUNCHING",
            "LAUNCHING>ONLINE");
    events.await("web's start and restart", lines -> moves(lines, "web").size() >= 6);
    List<String> lines = events.out.lines();
    assertEquals(expected, moves(lines, "web").subList(0, 6), String.join("\n", lines));
    JsonNode added = json(lines.getFirst());
    assertEquals("AppAdded", added.path("type").asText(), lines.getFirst());
    assertEquals("web", added.at("/app/spec/name").asText());
    JsonNode back =
        lines.stream()
            .map(EventsCommandTest::json)
            .filter(e -> e.path("type").asText().equals("WorkerChanged"))
            .toList()
            .getLast();
    assertEquals(1, back.at("/worker/restarts").asInt(), back.toString());
    assertTrue(back.at("/worker/pid").canConvertToLong(), back.toString());
    for (String line : lines) {
      JsonNode event = json(line);
      assertTrue(event.path("at").isTextual(), line);
      // log lines and samples are pmfx logs' and pmfx monit's
      assertFalse(List.of("LogLine", "MetricsSample").contains(event.path("type").asText()), line);
    }

    // and when the daemon ends, so does pmfx events, saying so
    assertEquals(0, pmfx.pmfx("kill").code());
    assertEquals(Client.UNREACHABLE, events.code.get(30, TimeUnit.SECONDS));
    assertTrue(events.err.toString().contains("pmfx: the daemon ended"), events.err::toString);
  }

  @Test
  void aTargetLeavesOtherAppsEventsOutOfTheTextLines() throws Exception {
    // given everything followed, and one app, and one namespace
    assertEquals(0, pmfx.pmfx("ping").code());
    Follower all = new Follower();
    Follower web = new Follower("web");
    Follower back = new Follower("back");

    // when both apps start, and restart, the other one first
    Run started = pmfx.pmfx("start", apps().toString());
    assertEquals(0, started.code(), started::toString);
    assertEquals(0, pmfx.pmfx("restart", "other").code());
    assertEquals(0, pmfx.pmfx("restart", "web").code());

    // then each sees what it asked for, as a time and words
    String webOnline = "worker web-0 \\(id \\d+\\) launching → online: pid \\d+";
    all.await(
        "web online again",
        lines -> lines.stream().filter(l -> l.matches("\\S+ " + webOnline)).count() >= 2);
    web.await(
        "web online again",
        lines -> lines.stream().filter(l -> l.matches("\\S+ " + webOnline)).count() >= 2);
    back.await(
        "other online again",
        lines ->
            lines.stream().filter(l -> l.contains("other-0") && l.contains("→ online")).count()
                >= 2);
    for (Follower follower : List.of(all, web, back)) {
      for (String line : follower.out.lines()) {
        assertTrue(
            line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\S.*"),
            "an ISO-8601 time first: " + line);
      }
    }
    List<String> everything = all.out.lines();
    assertTrue(
        everything.stream().anyMatch(l -> l.contains("worker other-0")),
        "other's events were sent: " + everything);
    assertTrue(
        everything.stream().anyMatch(l -> l.endsWith(" app other added (1 worker)")),
        String.join("\n", everything));
    List<String> webs = web.out.lines();
    assertTrue(
        webs.stream()
            .anyMatch(l -> l.matches("\\S+ worker web-0 \\(id \\d+\\) online → stopping: .*")),
        String.join("\n", webs));
    assertFalse(
        webs.stream().anyMatch(l -> l.contains("other")),
        "web's lines alone: " + String.join("\n", webs));
    assertFalse(
        back.out.lines().stream().anyMatch(l -> l.contains("web")),
        "the namespace back's lines alone: " + back.out);
  }

  @Test
  void aHealthFailureAndTheRestartItCausedAreLines() throws Exception {
    // given pmfx events following, in JSON and in words
    assertEquals(0, pmfx.pmfx("ping").code());
    Follower json = new Follower("--json");
    Follower words = new Follower("api");

    // when an app's worker answers /healthz with 500 after 4 checks
    int port = dev.pmfx.supervisor.EngineHarness.freePort();
    Path file =
        pmfx.ecosystem(
            "health.yaml",
            """
            apps:
              - name: api
                script: sickens.js
                cwd: ${workers}
                env: { PORT: %d, SICK_AFTER: 4, SICK_MARK: %s }
                health_check: { http: /healthz, interval: 200ms, failures: 2 }
            """
                .formatted(port, dir.resolve("sick.mark")));
    assertEquals(0, pmfx.pmfx("start", file.toString()).code());

    // then the failure is an event, and so is the restart it caused, with its reason
    json.await(
        "api healthy again after its restart",
        lines ->
            lines.stream()
                    .map(EventsCommandTest::json)
                    .filter(e -> e.path("type").asText().equals("HealthChecked"))
                    .filter(e -> e.path("from").asText().equals("STARTING"))
                    .filter(e -> e.at("/worker/health/state").asText().equals("HEALTHY"))
                    .count()
                >= 2);
    List<JsonNode> events = json.out.lines().stream().map(EventsCommandTest::json).toList();
    int unhealthy = -1;
    int stopping = -1;
    for (int i = 0; i < events.size(); i++) {
      JsonNode e = events.get(i);
      if (unhealthy < 0
          && e.path("type").asText().equals("HealthChecked")
          && e.at("/worker/health/state").asText().equals("UNHEALTHY")) {
        unhealthy = i;
        assertEquals("HTTP 500 from /healthz", e.at("/worker/health/detail").asText());
        assertEquals(2, e.at("/worker/health/failures").asInt());
      }
      if (stopping < 0
          && e.path("type").asText().equals("WorkerChanged")
          && e.at("/worker/state").asText().equals("STOPPING")) {
        stopping = i;
        assertEquals(
            "health check failed: HTTP 500 from /healthz: sent SIGINT, SIGKILL after 1600 ms",
            e.path("reason").asText());
      }
    }
    assertTrue(unhealthy >= 0 && stopping > unhealthy, json.out.toString());
    words.await(
        "the failure in words",
        lines ->
            lines.stream()
                .anyMatch(
                    l ->
                        l.matches(
                            "\\S+ health api-0 \\(id 0\\) healthy → unhealthy \\(2 failed in a"
                                + " row\\): HTTP 500 from /healthz")));
  }

  @Test
  void withoutADaemonItSaysSoAndStartsNone() {
    Run events = pmfx.pmfx("events", "--json");

    assertEquals(Client.UNREACHABLE, events.code(), events::toString);
    assertTrue(events.err().contains("no daemon runs for"), events::toString);
    assertEquals("", events.out());
    assertTrue(Daemons.connectIfRunning(pmfx.home).isEmpty(), "no daemon was started");
  }
}
