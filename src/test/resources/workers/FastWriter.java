// Writes LINES (default 1,000,000) numbered lines to stdout as fast as it can, with invalid UTF-8
// in one of them and a last line without a newline, then exits 0.
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

public class FastWriter {
  public static void main(String[] args) throws IOException {
    int lines = Integer.parseInt(System.getenv().getOrDefault("LINES", "1000000"));
    BufferedOutputStream out = new BufferedOutputStream(System.out, 1 << 16);
    for (int i = 1; i < lines; i++) {
      out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
      if (i == 7) {
        out.write(new byte[] {'b', 'a', 'd', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
      }
    }
    out.write(("line " + lines + " (no newline)").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
