package dev.pmfx.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmfx.posix.Libc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * pmfx's end of a Node worker's own IPC channel, as {@code child_process.fork} makes it: a Unix
 * socket pair whose other end is the worker's descriptor 3, named to Node in {@code
 * NODE_CHANNEL_FD} with JSON serialization. One JSON value a line each way, so {@code
 * process.send}, {@code process.on('message')}, {@code process.connected} and {@code 'disconnect'}
 * are Node's own in the worker, as under PM2. When pmfx closes its end (or ends), the worker gets
 * {@code 'disconnect'}.
 *
 * <p>In hand-off mode connections go over it as Node sends handles: the line {@code
 * {"cmd":"NODE_HANDLE","type":"net.Socket","msg":{"cmd":"NODE_PMFX_CONNECTION"}}} with the
 * descriptor attached, one at a time, the next once the worker acknowledged the last ({@code
 * NODE_HANDLE_ACK}), as Node's own channel does.
 */
final class NodeChannel implements WorkerChannel, dev.pmfx.balance.Handoff.Target {

  private static final ObjectMapper JSON = WorkerChannel.Json.MAPPER;

  /** The descriptor number Node is told of, in the worker. */
  static final int CHILD_FD = 3;

  private static final byte[] HANDLE =
      "{\"cmd\":\"NODE_HANDLE\",\"type\":\"net.Socket\",\"msg\":{\"cmd\":\"NODE_PMFX_CONNECTION\"}}\n"
          .getBytes(StandardCharsets.US_ASCII);
  private static final String ACK = "{\"cmd\":\"NODE_HANDLE_ACK\"}";
  private static final String NACK = "{\"cmd\":\"NODE_HANDLE_NACK\"}";

  /** A connection on its way, and how often the worker refused it (NODE_HANDLE_NACK). */
  private record Passing(int fd, IntConsumer unpassed, int refused) {
    Passing again() {
      return new Passing(fd, unpassed, refused + 1);
    }
  }

  /** As Node's own channel, a connection the worker refused this often goes elsewhere. */
  private static final int MAX_REFUSALS = 3;

  private final int fd;
  private final int childFd;
  private final Object writing = new Object();
  private boolean reading;
  private boolean closed;

  /** Told to drain: the worker takes no connection after the drain message. */
  private boolean draining;

  /** The connection sent and not acknowledged yet, and those waiting for it; under writing. */
  private Passing inFlight;

  private final ArrayDeque<Passing> queued = new ArrayDeque<>();

  private NodeChannel(int fd, int childFd) {
    this.fd = fd;
    this.childFd = childFd;
  }

  /** A new socket pair: this end for pmfx, {@link #childEnd} for {@link SpawnedProcess#start}. */
  static NodeChannel open() throws IOException {
    int[] pair = Libc.socketPair();
    return new NodeChannel(pair[0], pair[1]);
  }

  /**
   * pmfx's end of a channel that a worker of another daemon keeps open ({@link HeldEnds}), taken
   * from it: the channel of a worker this daemon adopts. Its reading starts with {@link #started}.
   */
  static NodeChannel adopted(int ownEnd) {
    return new NodeChannel(ownEnd, -1);
  }

  /** pmfx's end, which a worker that outlives pmfx keeps a copy of ({@link HeldEnds}). */
  int ownEnd() {
    return fd;
  }

  /** The worker's end, to be its descriptor 3; pmfx's copy goes with {@link #started}. */
  int childEnd() {
    return childFd;
  }

  /**
   * Once the worker runs (or could not be started): closes pmfx's copy of the worker's end, so that
   * the worker's end of the channel is the worker's alone, and reads what the worker sends, calling
   * {@code onMessage} with each message as {@link #message} reads it, and {@code onReport} with the
   * shim's hand-off reports ({@code {"cmd":"pmfx:stats",…}}, {@code {"cmd":"pmfx:drained"}}) and
   * {@code @pm2/io}'s ({@code {"type":"axm:monitor",…}}, {@link Probes}).
   */
  void started(Consumer<String> onMessage, Consumer<JsonNode> onReport) {
    Libc.close(childFd);
    synchronized (writing) {
      reading = true;
    }
    Thread.ofPlatform()
        .daemon()
        .stackSize(256 * 1024)
        .name("pmfx-node-channel-" + fd)
        .start(() -> read(onMessage, onReport));
  }

  private void read(Consumer<String> onMessage, Consumer<JsonNode> onReport) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(16 * 1024);
      MemorySegment state = Libc.callState(arena);
      int n;
      while ((n = Libc.read(fd, buffer, state)) > 0) {
        for (int i = 0; i < n; i++) {
          byte b = buffer.get(ValueLayout.JAVA_BYTE, i);
          if (b != '\n') {
            line.write(b);
            continue;
          }
          String text = line.toString(StandardCharsets.UTF_8).strip();
          line.reset();
          if (text.equals(ACK)) {
            acknowledged(true);
          } else if (text.equals(NACK)) {
            acknowledged(false);
          } else if ((text.startsWith("{\"cmd\":\"pmfx:") && !text.contains("pmfx:listening"))
              || text.startsWith("{\"type\":\"axm:")) {
            try {
              onReport.accept(JSON.readTree(text));
            } catch (IOException notJson) {
              // not the shim's: nothing to report
            }
          } else {
            String message = message(text);
            if (!message.isEmpty()) {
              onMessage.accept(message);
            }
          }
        }
      }
    } catch (IOException e) {
      // the worker or pmfx closed the channel
    } finally {
      List<Passing> unpassed = new ArrayList<>();
      synchronized (writing) {
        closed = true;
        Libc.close(fd);
        if (inFlight != null) {
          // Sent, never acknowledged: Node acknowledges a connection as it arrives, before the
          // app sees it, so the worker never served it. It goes to another.
          unpassed.add(inFlight);
          inFlight = null;
        }
        unpassed.addAll(queued);
        queued.clear();
      }
      unpassed.forEach(p -> p.unpassed().accept(p.fd()));
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
    try {
      return sendLine(JSON.writeValueAsString(message) + "\n");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean sendJson(JsonNode message) {
    return sendLine(message.toString() + "\n");
  }

  private boolean sendLine(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    synchronized (writing) {
      if (closed) {
        return false; // and the descriptor may be another's by now
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment data = arena.allocate(bytes.length);
        data.copyFrom(MemorySegment.ofArray(bytes));
        Libc.sendAll(fd, data, Libc.callState(arena));
        return true;
      } catch (IOException gone) {
        return false;
      }
    }
  }

  @Override
  public boolean pass(int connection, IntConsumer unpassed) {
    synchronized (writing) {
      if (closed || !reading || draining) {
        return false;
      }
      Passing passing = new Passing(connection, unpassed, 0);
      if (inFlight != null) {
        queued.add(passing);
        return true;
      }
      return send(passing);
    }
  }

  /** Sends a connection now (holding writing); false when the channel is gone. */
  private boolean send(Passing passing) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment data = arena.allocate(HANDLE.length);
      data.copyFrom(MemorySegment.ofArray(HANDLE));
      Libc.sendWithDescriptor(fd, data, passing.fd(), Libc.callState(arena));
      inFlight = passing;
      return true;
    } catch (IOException gone) {
      return false;
    }
  }

  /**
   * The worker took the last connection (ACK), or could not (NACK: it goes again, up to {@link
   * #MAX_REFUSALS} times, then to another worker).
   */
  private void acknowledged(boolean taken) {
    List<Passing> elsewhere = new ArrayList<>();
    synchronized (writing) {
      Passing last = inFlight;
      inFlight = null;
      if (last != null && taken) {
        Libc.close(last.fd()); // pmfx's copy: the connection is the worker's now
      } else if (last != null) {
        if (last.refused() + 1 >= MAX_REFUSALS || !send(last.again())) {
          elsewhere.add(last);
        }
      }
      while (inFlight == null && !queued.isEmpty()) {
        Passing next = queued.poll();
        if (!send(next)) {
          elsewhere.add(next);
          elsewhere.addAll(queued); // the channel is gone
          queued.clear();
        }
      }
    }
    elsewhere.forEach(p -> p.unpassed().accept(p.fd()));
  }

  /**
   * Tells the worker to drain. What was sent before goes ahead of the message, so the worker counts
   * it before it says it is drained; what still waits here goes to other workers, and nothing more
   * is taken.
   */
  @Override
  public void drain() {
    List<Passing> elsewhere;
    synchronized (writing) {
      draining = true;
      elsewhere = new ArrayList<>(queued);
      queued.clear();
    }
    sendLine("{\"cmd\":\"NODE_PMFX_DRAIN\"}\n");
    elsewhere.forEach(p -> p.unpassed().accept(p.fd()));
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
