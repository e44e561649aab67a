package dev.pmfx.supervisor;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded load: clients that each send GET requests one after another over one keep-alive
 * connection, as a browser or an upstream proxy does, and connects again after an answer that says
 * {@code Connection: close}. A request that fails (an error, a connection closed under it, an
 * answer other than 200) counts as failed and the client connects again; nothing is retried, so
 * every failure a reload causes shows.
 */
final class LoadClients implements AutoCloseable {

  private final int port;
  private final List<Thread> clients = new ArrayList<>();
  private volatile boolean running = true;
  final AtomicLong answered = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

  /** The bodies seen (each app answers with its pid): which workers served. */
  final Set<String> bodies = ConcurrentHashMap.newKeySet();

  private final AtomicInteger connections = new AtomicInteger();

  /** Clients that ask with {@code Connection: close}: a new connection for every request. */
  private final boolean connectionEach;

  LoadClients(int port, int count) {
    this(port, count, false);
  }

  LoadClients(int port, int count, boolean connectionEach) {
    this.port = port;
    this.connectionEach = connectionEach;
    for (int i = 0; i < count; i++) {
      clients.add(Thread.ofVirtual().name("load-" + i).start(this::run));
    }
  }

  private void run() {
    while (running) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(20_000);
        connections.incrementAndGet();
        OutputStream out = socket.getOutputStream();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        while (running) {
          out.write(
              (connectionEach
                      ? "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                      : "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          String status = line(in);
          int length = -1;
          boolean close = false;
          for (String header = line(in); !header.isEmpty(); header = line(in)) {
            if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
              length = Integer.parseInt(header.substring(15).strip());
            } else if (header.equalsIgnoreCase("connection: close")) {
              close = true; // the server ends the connection after this answer, as HTTP allows
            }
          }
          if (length < 0) {
            throw new IOException("no Content-Length in the answer: " + status);
          }
          String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
          if (!status.startsWith("HTTP/1.1 200")) {
            fail(status + " " + body.strip());
            break;
          }
          bodies.add(body.strip());
          answered.incrementAndGet();
          if (close) {
            break; // and connect again
          }
        }
      } catch (IOException e) {
        if (running) {
          fail(e.toString());
        }
      }
    }
  }

  private void fail(String why) {
    failed.incrementAndGet();
    if (failures.size() < 20) {
      failures.add(why);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the connection closed");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** Waits until {@code more} answers beyond the current count came back. */
  void awaitAnswers(long more) throws InterruptedException {
    long target = answered.get() + more;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (answered.get() < target) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "the load got " + answered.get() + " answers, failures " + failures);
      }
      Thread.sleep(10);
    }
  }

  /** Ends the load once every client's request in flight was answered. */
  @Override
  public void close() {
    running = false;
    try {
      for (Thread client : clients) {
        client.join(30_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
