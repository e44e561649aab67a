package dev.pmfx.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * pmfx's end of a Node worker's own IPC channel, as {@code child_process.fork} makes it: a Unix
 * socket pair whose other end is the worker's descriptor 3, named to Node in {@code
 * NODE_CHANNEL_FD} with JSON serialization. One JSON value a line each way, so {@code
 * process.send}, {@code process.on('message')}, {@code process.connected} and {@code 'disconnect'}
 * are Node's own in the worker, as under PM2. When pmfx closes its end (or ends), the worker gets
 * {@code 'disconnect'}.
 */
final class NodeChannel implements WorkerChannel {

  private static final ObjectMapper JSON = WorkerChannel.Json.MAPPER;

  /** The descriptor number Node is told of, in the worker. */
  static final int CHILD_FD = 3;

  private final int fd;
  private final int childFd;
  private final Object writing = new Object();
  private boolean reading;
  private boolean closed;

  private NodeChannel(int fd, int childFd) {
    this.fd = fd;
    this.childFd = childFd;
  }

  /** A new socket pair: this end for pmfx, {@link #childEnd} for {@link SpawnedProcess#start}. */
  static NodeChannel open() throws IOException {
    int[] pair = Libc.socketPair();
    return new NodeChannel(pair[0], pair[1]);
  }

  /** The worker's end, to be its descriptor 3; pmfx's copy goes with {@link #started}. */
  int childEnd() {
    return childFd;
  }

  /**
   * Once the worker runs (or could not be started): closes pmfx's copy of the worker's end, so that
   * the worker's end of the channel is the worker's alone, and reads what the worker sends, calling
   * {@code onMessage} with each message as {@link WorkerChannel#message} reads it.
   */
  void started(Consumer<String> onMessage) {
    Libc.close(childFd);
    synchronized (writing) {
      reading = true;
    }
    Thread.ofPlatform()
        .daemon()
        .stackSize(256 * 1024)
        .name("pmfx-node-channel-" + fd)
        .start(() -> read(onMessage));
  }

  private void read(Consumer<String> onMessage) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(16 * 1024);
      MemorySegment state = arena.allocate(java.lang.foreign.Linker.Option.captureStateLayout());
      int n;
      while ((n = Libc.read(fd, buffer, state)) > 0) {
        for (int i = 0; i < n; i++) {
          byte b = buffer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
          if (b != '\n') {
            line.write(b);
            continue;
          }
          String message = message(line.toString(StandardCharsets.UTF_8));
          line.reset();
          if (!message.isEmpty()) {
            onMessage.accept(message);
          }
        }
      }
    } catch (IOException e) {
      // the worker or pmfx closed the channel
    } finally {
      synchronized (writing) {
        closed = true;
        Libc.close(fd);
      }
    }
  }

  /**
   * What a JSON line from Node says: a string or a PM2-style {@code {type}} as {@link
   * WorkerChannel#message} reads them, and the shim's {@code {"cmd":"pmfx:listening","port":N}} as
   * {@code listening N}.
   */
  static String message(String line) {
    String text = line.strip();
    if (text.startsWith("{") && text.contains("\"pmfx:listening\"")) {
      try {
        JsonNode json = JSON.readTree(text);
        if ("pmfx:listening".equals(json.path("cmd").asText())) {
          return "listening " + json.path("port").asInt();
        }
      } catch (IOException notJson) {
        return text;
      }
    }
    return WorkerChannel.message(text);
  }

  /** Sends {@code message} as Node's {@code process.on('message')} receives it: a JSON string. */
  @Override
  public boolean send(String message) {
    byte[] bytes;
    try {
      bytes = (JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    synchronized (writing) {
      if (closed) {
        return false; // and the descriptor may be another's by now
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment data = arena.allocate(bytes.length);
        data.copyFrom(MemorySegment.ofArray(bytes));
        Libc.sendAll(
            fd, data, arena.allocate(java.lang.foreign.Linker.Option.captureStateLayout()));
        return true;
      } catch (IOException gone) {
        return false;
      }
    }
  }

  /** Ends the channel: the worker sees {@code 'disconnect'}; the reader closes the descriptor. */
  @Override
  public void close() {
    synchronized (writing) {
      if (closed) {
        return;
      }
      if (reading) {
        Libc.shutdown(fd); // wakes the reader, which closes it
      } else {
        closed = true;
        Libc.close(fd);
        Libc.close(childFd);
      }
    }
  }
}
