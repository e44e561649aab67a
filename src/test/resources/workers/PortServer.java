import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

// A non-Node cluster worker: serves PORT (its private port, from pmfx) and answers with its pid.
public class PortServer {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv("PORT"));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("java pid " + ProcessHandle.current().pid() + "\n").getBytes();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    System.out.println("serving PORT " + port + ", public " + System.getenv("PMFX_PUBLIC_PORT"));
  }
}
