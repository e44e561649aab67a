// Writes "ready" to its PMFX_IPC socket after READY_AFTER_MS (default 300), then sleeps.
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

public class ReadySender {
  public static void main(String[] args) throws Exception {
    Thread.sleep(Long.parseLong(System.getenv().getOrDefault("READY_AFTER_MS", "300")));
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(System.getenv("PMFX_IPC")));
      channel.write(ByteBuffer.wrap("ready\n".getBytes(StandardCharsets.UTF_8)));
    }
    System.out.println("said ready");
    Thread.sleep(Long.MAX_VALUE);
  }
}
