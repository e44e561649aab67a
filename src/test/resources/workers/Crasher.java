// Says hello on stdout and stderr, then exits with EXIT_CODE (default 3) after LIVE_MS (default 0).
public class Crasher {
  public static void main(String[] args) throws InterruptedException {
    System.out.println("crasher up, pid " + ProcessHandle.current().pid());
    System.err.println("crasher about to fail");
    Thread.sleep(Long.parseLong(System.getenv().getOrDefault("LIVE_MS", "0")));
    System.exit(Integer.parseInt(System.getenv().getOrDefault("EXIT_CODE", "3")));
  }
}
