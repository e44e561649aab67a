// Writes "tick N" to stdout every PAUSE_MS (default 200), forever: a worker whose log grows.
public class Ticker {
  public static void main(String[] args) throws InterruptedException {
    long pause = Long.parseLong(System.getenv().getOrDefault("PAUSE_MS", "200"));
    for (long i = 1; ; i++) {
      System.out.println("tick " + i);
      Thread.sleep(pause);
    }
  }
}
