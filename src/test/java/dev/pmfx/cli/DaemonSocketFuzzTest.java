package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmfx.cli.DaemonHarness.Run;
import dev.pmfx.daemon.Daemons;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients on the daemon's socket: garbage, calls of unknown kinds, a line of 20 MiB, a half
 * line left hanging and a client that subscribes to a flood and never reads. Each is answered or
 * cut off; the daemon (its heap bounded to 64 MiB) keeps its pid and serves the other clients
 * throughout.
 */
class DaemonSocketFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private DaemonHarness pmfx;
  private final List<SocketChannel> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    pmfx = new DaemonHarness(dir);
  }

  @AfterEach
  void stop() throws Exception {
    for (SocketChannel client : clients) {
      client.close();
    }
    pmfx.close();
  }

  private SocketChannel connect() throws IOException {
    SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
    client.connect(UnixDomainSocketAddress.of(Daemons.socket(pmfx.home)));
    clients.add(client);
    return client;
  }

  private static void write(SocketChannel client, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      client.write(buffer);
    }
  }

  private static void write(SocketChannel client, String text) throws IOException {
    write(client, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyBadLineIsAnsweredAndTheDaemonServesOthersThroughout() throws Exception {
    Path apps =
        pmfx.ecosystem(
            "apps.yaml",
            """
            apps:
              - name: sleeper
                script: Sleeper.java
                cwd: ${workers}
            """);
    assertEquals(0, pmfx.pmfx("start", apps.toString()).code());
    long daemon = pmfx.daemonPid();

    // A half line, never finished, on a connection kept open throughout.
    write(connect(), "{\"id\":1,\"call\":{\"op\":\"Pi");

    // A client that asks for every event, a flood of log lines among them, and reads none.
    write(connect(), "{\"id\":1,\"call\":{\"op\":\"Subscribe\",\"history\":true}}\n");
    Path flood =
        pmfx.ecosystem(
            "flood.yaml",
            """
            apps:
              - name: flood
                script: FastWriter.java
                cwd: ${workers}
                autorestart: false
                env:
                  LINES: "3000000"
            """);
    assertEquals(0, pmfx.pmfx("start", flood.toString()).code());

    // Garbage: random bytes (not UTF-8 either), JSON of no call, calls of no known kind, calls
    // with missing or wrong parts, nesting past the parser's bound, a line of 20 MiB.
    Random random = new Random(20_261_207L);
    List<byte[]> lines = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] line = new byte[1 + random.nextInt(300)];
      random.nextBytes(line);
      for (int b = 0; b < line.length; b++) {
        if (line[b] == '\n' || line[b] == '\r') {
          line[b] = ' ';
        }
      }
      lines.add(line);
    }
    for (String line :
        List.of(
            "{}",
            "null",
            "[]",
            "{\"id\":\"seven\",\"call\":{\"op\":\"Ping\"}}",
            "{\"id\":2,\"call\":{\"op\":\"Nope\"}}",
            "{\"id\":3,\"call\":null}",
            "{\"id\":4,\"call\":{\"op\":\"Run\"}}",
            "{\"id\":5,\"call\":{\"op\":\"Run\",\"command\":{\"op\":\"Start\"}}}",
            "{\"id\":6,\"call\":{\"op\":\"Ask\",\"query\":{\"op\":\"Tail\",\"worker\":-1}}}",
            "{\"id\":7,\"call\":{\"op\":\"SampleEvery\",\"interval\":\"forever\"}}",
            "[".repeat(100_000),
            "\"" + "x".repeat(20 << 20) + "\"")) {
      lines.add(line.getBytes(StandardCharsets.UTF_8));
    }
    SocketChannel garbage = connect();
    BufferedReader answers =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(garbage), StandardCharsets.UTF_8));
    // read while writing: answers to early lines must not wait behind the 20 MiB one
    CompletableFuture<List<String>> read =
        CompletableFuture.supplyAsync(
            () -> {
              List<String> got = new ArrayList<>();
              try {
                String line;
                while ((line = answers.readLine()) != null) {
                  got.add(line);
                  if (line.contains("\"id\":99")) {
                    return got;
                  }
                }
              } catch (IOException e) {
                got.add("read failed: " + e);
              }
              return got;
            });
    for (int i = 0; i < lines.size(); i++) {
      write(garbage, lines.get(i));
      write(garbage, new byte[] {'\n'});
      // others are served meanwhile
      if (i % 50 == 0) {
        Run list = pmfx.pmfx("list");
        assertEquals(0, list.code(), list::toString);
        assertTrue(list.out().contains("sleeper"), list::toString);
      }
    }
    write(garbage, "{\"id\":99,\"call\":{\"op\":\"Ping\"}}\n");
    List<String> got = read.get(60, TimeUnit.SECONDS);

    // one answer a line, each an error, then the ping's result on the same connection
    assertEquals(lines.size() + 1, got.size(), () -> String.join("\n", got).substring(0, 2000));
    for (String answer : got.subList(0, lines.size())) {
      JsonNode message = JSON.readTree(answer);
      assertTrue(message.hasNonNull("error"), answer);
      assertTrue(answer.length() < 2_000, "no line is sent back whole: " + answer.length());
    }
    assertTrue(
        got.get(lines.size() - 1).contains("cannot read a call longer than 1048576 characters"),
        got.get(lines.size() - 1));
    JsonNode pong = JSON.readTree(got.getLast());
    assertEquals(daemon, pong.path("result").path("pid").asLong(), got.getLast());

    // the daemon is the same one, unharmed, and still serves a new client
    assertEquals(daemon, pmfx.daemonPid());
    Run list = pmfx.pmfx("list");
    assertEquals(0, list.code(), list::toString);
    assertTrue(list.out().contains("flood"), list::toString);
    String log = Files.readString(pmfx.home.dir().resolve("daemon.log"));
    assertFalse(log.contains("OutOfMemoryError"), log);
    assertFalse(log.contains("Exception in thread"), log);
  }
}
