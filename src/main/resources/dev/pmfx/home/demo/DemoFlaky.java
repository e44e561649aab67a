// The demo's flaky app: works for a few seconds, then crashes with exit code 1, as apps
// with a bad connection do at 3 a.m. pmfx restarts it and counts the restarts.

import java.util.concurrent.ThreadLocalRandom;

public class DemoFlaky {
  public static void main(String[] args) throws InterruptedException {
    long lifetime = ThreadLocalRandom.current().nextLong(5_000, 20_000);
    System.out.println("flaky: started, will hold on for about " + lifetime / 1000 + " s");
    Thread.sleep(lifetime);
    System.err.println("Error: lost the connection to the imaginary database (ECONNRESET)");
    System.exit(1);
  }
}
