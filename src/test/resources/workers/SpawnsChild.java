// Starts a child process that ignores SIGINT (a sleep in a shell that traps it) and prints its
// pid, then sleeps: stopping this worker must end the child too.
public class SpawnsChild {
  public static void main(String[] args) throws Exception {
    Process child =
        new ProcessBuilder("sh", "-c", "trap '' INT TERM; sleep 1000 & wait")
            .inheritIO()
            .start();
    System.out.println("child pid " + child.pid());
    Thread.sleep(Long.MAX_VALUE);
  }
}
