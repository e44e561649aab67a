// The demo's HTTP service: answers every request with a line naming the worker that served it.
// pmfx passes the worker's private port in PORT; it says 'ready' on PMFX_IPC once it listens.

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

public class DemoWeb {
  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    String instance = System.getenv().getOrDefault("NODE_APP_INSTANCE", "0");
    String greeting = System.getenv().getOrDefault("GREETING", "Hello");
    AtomicLong served = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
    server.createContext("/", exchange -> {
      long n = served.incrementAndGet();
      byte[] body = (greeting + ": worker " + instance + ", pid " + ProcessHandle.current().pid()
          + ", request " + n + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      if (n % 100 == 0) {
        System.out.println("worker " + instance + " served " + n + " requests");
      }
    });
    server.start();
    System.out.println("worker " + instance + " listening on 127.0.0.1:" + port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("worker " + instance + " stopping after " + served.get() + " requests");
      server.stop(1);
    }));
    sayReady();
  }

  private static void sayReady() throws IOException {
    String ipc = System.getenv("PMFX_IPC");
    if (ipc == null) {
      return;
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(ipc));
      channel.write(ByteBuffer.wrap("ready\n".getBytes(StandardCharsets.UTF_8)));
    }
  }
}
