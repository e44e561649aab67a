package dev.pmfx.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pmfx.config.Ecosystem;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.Command;
import dev.pmfx.engine.Scale;
import dev.pmfx.engine.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
                new Command.Start(ecosystem, Optional.of("production"), Set.of("api"))),
            new Wire.Call.Run(new Command.StartTarget(Target.parse("api"))),
            new Wire.Call.Run(new Command.Stop(Target.parse("all"))),
            new Wire.Call.Run(new Command.Restart(Target.parse("3"))),
            new Wire.Call.Run(new Command.Reload(Target.parse("backend"))),
            new Wire.Call.Run(new Command.ScaleApp("api", Scale.parse("+2"))),
            new Wire.Call.Run(new Command.Delete(Target.parse("api"))),
            new Wire.Call.Run(new Command.Flush(Target.parse("api"))),
            new Wire.Call.Snapshot(),
            new Wire.Call.LastSample(),
            new Wire.Call.Tail(4, 100),
            new Wire.Call.LogHistory(ecosystem.apps().getFirst(), 15),
            new Wire.Call.SampleEvery(Duration.ofSeconds(2)),
            new Wire.Call.Subscribe(true),
            new Wire.Call.Unsubscribe(7),
            new Wire.Call.Ping(),
            new Wire.Call.Kill());
    assertEquals(
        Set.of(Wire.Call.class.getPermittedSubclasses()),
        Set.copyOf(calls.stream().map(Object::getClass).toList()),
        "every kind of call is here");
    long id = 0;
    for (Wire.Call call : calls) {
      Wire.Message message = Wire.Message.call(++id, call);
      String line = Wire.JSON.writeValueAsString(message);
      assertEquals(-1, line.indexOf('\n'), "one line a message");
      assertEquals(message, Wire.JSON.readValue(line, Wire.Message.class));
    }
  }
}
