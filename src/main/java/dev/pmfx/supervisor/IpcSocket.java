package dev.pmfx.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A non-Node worker's private socket, named to it in {@code PMFX_IPC}. The worker writes {@code
 * ready} (a plain line, or a JSON line as Node's {@code process.send('ready')} makes it); pmfx
 * writes {@code shutdown} back for {@code shutdown_with_message}. Each process gets a socket of its
 * own, so what arrives on it is that process speaking, and no other.
 */
final class IpcSocket implements WorkerChannel {

  private final Path path;
  private final ServerSocketChannel server;
  private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private IpcSocket(Path path, ServerSocketChannel server) {
    this.path = path;
    this.server = server;
  }

  /**
   * Opens the socket and calls {@code onMessage} (on a virtual thread) for each message, and {@code
   * onReport} for each of {@code @pm2/io}'s ({@code {"type":"axm:…"}}, {@link Probes}).
   */
  static IpcSocket open(Path path, Consumer<String> onMessage, Consumer<JsonNode> onReport)
      throws IOException {
    Files.deleteIfExists(path);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    IpcSocket channel = new IpcSocket(path, server);
    Thread.ofVirtual().name("pmfx-ipc-accept").start(() -> channel.accept(onMessage, onReport));
    return channel;
  }

  Path path() {
    return path;
  }

  private void accept(Consumer<String> onMessage, Consumer<JsonNode> onReport) {
    while (!closed) {
      try {
        SocketChannel client = server.accept();
        clients.add(client);
        Thread.ofVirtual().name("pmfx-ipc-read").start(() -> read(client, onMessage, onReport));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void read(SocketChannel client, Consumer<String> onMessage, Consumer<JsonNode> onReport) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("{\"type\":\"axm:")) {
          try {
            onReport.accept(WorkerChannel.Json.MAPPER.readTree(line));
          } catch (IOException notJson) {
            // not @pm2/io's: nothing to report
          }
          continue;
        }
        String message = WorkerChannel.message(line.strip());
        if (!message.isEmpty()) {
          onMessage.accept(message);
        }
      }
    } catch (IOException e) {
      // the worker went away
    } finally {
      clients.remove(client);
    }
  }

  /** Writes a message to the worker, if it connected; false when nobody listens. */
  @Override
  public boolean send(String message) {
    boolean sent = false;
    for (SocketChannel client : clients) {
      try {
        client.write(ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)));
        sent = true;
      } catch (IOException gone) {
        clients.remove(client);
      }
    }
    return sent;
  }

  /** The shim parses each line it is sent as JSON. */
  @Override
  public boolean sendJson(JsonNode message) {
    return send(message.toString());
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (SocketChannel client : clients) {
      try {
        client.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a stale socket file is replaced on the next open
    }
  }
}
