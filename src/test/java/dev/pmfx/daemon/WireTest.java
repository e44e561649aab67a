package dev.pmfx.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.Ecosystem;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.Command;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EnvUpdate;
import dev.pmfx.engine.Query;
import dev.pmfx.engine.Scale;
import dev.pmfx.engine.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every call a client can make survives the socket's JSON, as SeamTest checks the events. */
class WireTest {

  @TempDir Path dir;

  @Test
  void everyCallRoundTrips() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("ecosystem.yaml"),
            """
            apps:
              - name: api
                script: server.js
                instances: 2
                env: { PORT: "3000" }
                env_production: { NODE_ENV: production }
            """);
    Ecosystem ecosystem =
        ((LoadResult.Loaded) EcosystemLoader.forThisMachine().load(file)).ecosystem();
    List<Wire.Call> calls =
        List.of(
            new Wire.Call.Run(
                new Command.Start(
                    ecosystem, Optional.of("production"), Set.of("api"), Map.of("PORT", "4000"))),
            new Wire.Call.Run(new Command.StartTarget(Target.parse("api"))),
            new Wire.Call.Run(new Command.Stop(Target.parse("all"))),
            new Wire.Call.Run(new Command.Restart(Target.parse("3"), EnvUpdate.NONE)),
            new Wire.Call.Run(
                new Command.Reload(
                    Target.parse("backend"),
                    EnvUpdate.of(Map.of("PORT", "4001"), Optional.of("production")),
                    Optional.of(Path.of("/srv/backend/ecosystem.config.js")))),
            new Wire.Call.Run(new Command.ScaleApp("api", Scale.parse("+2"))),
            new Wire.Call.Run(new Command.Delete(Target.parse("api"))),
            new Wire.Call.Run(new Command.Flush(Target.parse("api"))),
            new Wire.Call.Run(new Command.SendSignal("SIGUSR2", Target.parse("api"))),
            new Wire.Call.Run(new Command.SendLine(Target.parse("3"), "hello")),
            new Wire.Call.Run(new Command.Reset(Target.parse("api"))),
            new Wire.Call.Ask(new Query.Snapshot()),
            new Wire.Call.Ask(new Query.LastSample()),
            new Wire.Call.Ask(new Query.Tail(4, 100)),
            new Wire.Call.Ask(new Query.LogHistory(ecosystem.apps().getFirst(), 15)),
            new Wire.Call.Ask(new Query.Environment(2)),
            new Wire.Call.Ask(new Query.AppEnvironment("api")),
            new Wire.Call.Ask(new Query.Trigger(Target.parse("api"), "db:clean", Optional.empty())),
            new Wire.Call.Ask(new Query.Trigger(Target.parse("3"), "greet", Optional.of("bob"))),
            new Wire.Call.SampleEvery(Duration.ofSeconds(2)),
            new Wire.Call.Subscribe(true),
            new Wire.Call.Unsubscribe(7),
            new Wire.Call.Ping(),
            new Wire.Call.Kill(),
            new Wire.Call.View("list"));
    assertEquals(
        Set.of(Wire.Call.class.getPermittedSubclasses()),
        Set.copyOf(calls.stream().map(Object::getClass).toList()),
        "every kind of call is here");
    assertEquals(
        Set.of(Query.class.getPermittedSubclasses()),
        Set.copyOf(
            calls.stream()
                .flatMap(c -> c instanceof Wire.Call.Ask ask ? Stream.of(ask.query()) : Stream.of())
                .map(Object::getClass)
                .toList()),
        "every kind of query is here");
    long id = 0;
    for (Wire.Call call : calls) {
      Wire.Message message = Wire.Message.call(++id, call);
      String line = Wire.JSON.writeValueAsString(message);
      assertEquals(-1, line.indexOf('\n'), "one line a message");
      assertEquals(message, Wire.JSON.readValue(line, Wire.Message.class));
    }
  }

  @Test
  void anEcosystemsDeploySectionStaysOnThisSideOfTheSocket() throws Exception {
    // given a file whose deploy section has a hook variable the daemon has no use for
    Files.writeString(dir.resolve("server.js"), "");
    Path file =
        Files.writeString(
            dir.resolve("ecosystem.yaml"),
            """
            apps:
              - name: api
                script: server.js
            deploy:
              production:
                host: web1
                ref: origin/main
                repo: git@example.com:me/api.git
                path: /srv/api
                env: { DEPLOY_TOKEN: s3cret }
            """);
    Ecosystem ecosystem =
        ((LoadResult.Loaded) EcosystemLoader.forThisMachine().load(file)).ecosystem();
    assertTrue(ecosystem.deployTarget("production").isPresent());

    // when the apps are sent to the daemon
    String line =
        Wire.JSON.writeValueAsString(
            Wire.Message.call(
                1,
                new Wire.Call.Run(
                    new Command.Start(ecosystem, Optional.empty(), Set.of(), Map.of()))));

    // then the apps go, the deploy section does not, and the daemon reads the apps back
    assertFalse(line.contains("s3cret"), line);
    assertFalse(line.contains("\"deploy\""), line);
    Wire.Call.Run read = (Wire.Call.Run) Wire.JSON.readValue(line, Wire.Message.class).call();
    Ecosystem received = ((Command.Start) read.command()).ecosystem();
    assertEquals(ecosystem.apps(), received.apps());
    assertEquals(Map.of(), received.deploy());
  }

  @Test
  void theLinesDaemonViewsWritesByHandReadAsItsCalls() throws Exception {
    List<String> lines = DaemonViews.request("j\"list").lines().toList();

    assertEquals(
        List.of(
            Wire.Message.call(1, new Wire.Call.Ping()),
            Wire.Message.call(2, new Wire.Call.View("j\"list"))),
        List.of(
            Wire.JSON.readValue(lines.get(0), Wire.Message.class),
            Wire.JSON.readValue(lines.get(1), Wire.Message.class)));
  }

  @Test
  void everyAnswerReadsBackAsItsQuerysType() throws Exception {
    Instant at = Instant.parse("2026-12-07T00:00:00Z");
    EngineEvent.LogLine line =
        new EngineEvent.LogLine(at, 3, "api", 1, EngineEvent.LogLine.Stream.ERR, "boom");
    Optional<EngineEvent.MetricsSample> sample =
        Optional.of(
            new EngineEvent.MetricsSample(
                at,
                List.of(new EngineEvent.MetricsSample.WorkerUsage(3, "api", 1, 12.5, 1_000, 4)),
                List.of()));
    assertAnswer(new Query.Tail(3, 10), List.of(line));
    assertAnswer(new Query.LastSample(), sample);
    assertAnswer(new Query.LastSample(), Optional.empty());
    assertAnswer(new Query.Snapshot(), List.of());
    assertAnswer(new Query.Environment(3), Optional.of(Map.of("PORT", "4000")));
    assertAnswer(new Query.Environment(3), Optional.empty());
    assertAnswer(
        new Query.LastSample(),
        Optional.of(
            new EngineEvent.MetricsSample(
                at,
                List.of(),
                List.of(),
                List.of(
                    new EngineEvent.MetricsSample.WorkerProbes(
                        3,
                        "api",
                        1,
                        List.of(
                            new EngineEvent.MetricsSample.CustomMetric(
                                "Realtime user", "42", "users", ""),
                            new EngineEvent.MetricsSample.CustomMetric(
                                "Heap Size", "9.23", "MiB", "internal/v8/heap/total")),
                        List.of(
                            new EngineEvent.MetricsSample.CustomAction("db:clean", "custom")))))));
    assertAnswer(
        new Query.Trigger(Target.parse("api"), "db:clean", Optional.empty()),
        new dev.pmfx.engine.ActionResult(
            "db:clean",
            List.of(new dev.pmfx.engine.ActionResult.Reply(3, "api", 1, at, "{\"success\":true}")),
            List.of(new dev.pmfx.engine.CommandResult.Problem("api", "api-0 gave no reply"))));
  }

  /**
   * The answer, sent as the daemon sends it and read as a client reads it, equals what was sent.
   */
  private static <T> void assertAnswer(Query<T> query, T answer) throws Exception {
    String sent = Wire.JSON.writeValueAsString(Wire.Message.answer(9, query, answer));
    Wire.Message read = Wire.JSON.readValue(sent, Wire.Message.class);
    T back =
        Wire.JSON.convertValue(
            read.result(), Wire.JSON.getTypeFactory().constructType(query.answerType()));
    assertEquals(answer, back, sent);
  }

  @Test
  void aPingIsAnsweredAsTheMapperWritesItWithoutIt() throws Exception {
    DaemonInfo info =
        new DaemonInfo(
            "1.2.3",
            Wire.PROTOCOL,
            42,
            Instant.parse("2026-12-07T04:30:59.164550967Z"),
            "/home/a \"b\"\\\n é");
    String ping = Wire.JSON.writeValueAsString(Wire.Message.call(7, new Wire.Call.Ping()));
    assertEquals(
        Wire.JSON.readTree(Wire.JSON.writeValueAsString(Wire.Message.result(7, info))),
        Wire.JSON.readTree(DaemonServer.pingAnswer(ping, info).orElseThrow()));
    assertEquals(
        1,
        Wire.JSON
            .readTree(DaemonServer.pingAnswer(ping, info).orElseThrow())
            .at("/result/protocol")
            .asInt(-1),
        "the protocol's version, as docs/protocol.md says");
    String view = Wire.JSON.writeValueAsString(Wire.Message.call(8, new Wire.Call.View("ping")));
    Wire.Message answer =
        Wire.JSON.readValue(DaemonServer.pingAnswer(view, info).orElseThrow(), Wire.Message.class);
    assertEquals(8L, answer.id());
    assertTrue(
        answer.result().asText().startsWith("pong: pmfx 1.2.3 daemon, pid 42, up "),
        answer.toString());
    for (String line : DaemonViews.request("ping").split("\n")) {
      assertTrue(DaemonServer.pingAnswer(line, info).isPresent(), line);
    }
    for (Wire.Call other :
        List.<Wire.Call>of(
            new Wire.Call.View("list"), new Wire.Call.Kill(), new Wire.Call.Subscribe(true))) {
      String line = Wire.JSON.writeValueAsString(Wire.Message.call(9, other));
      assertEquals(Optional.empty(), DaemonServer.pingAnswer(line, info), line);
    }
    assertEquals(
        Optional.empty(), DaemonServer.pingAnswer("{\"id\":1.5,\"call\":{\"op\":\"Ping\"}}", info));
    assertEquals(Optional.empty(), DaemonServer.pingAnswer("not json", info));
  }
}
