// Prints its environment's VARS (comma-separated names) as NAME=value lines, then sleeps until
// stopped; exits 0 on SIGINT or SIGTERM (the JVM's default).
public class Sleeper {
  public static void main(String[] args) throws InterruptedException {
    for (String name : System.getenv().getOrDefault("VARS", "").split(",")) {
      if (!name.isBlank()) {
        System.out.println(name + "=" + System.getenv(name));
      }
    }
    System.out.println("sleeping, pid " + ProcessHandle.current().pid());
    Thread.sleep(Long.MAX_VALUE);
  }
}
