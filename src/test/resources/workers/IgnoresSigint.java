// Ignores SIGINT and SIGTERM, as a badly written app does; only SIGKILL ends it.
import sun.misc.Signal;

public class IgnoresSigint {
  public static void main(String[] args) throws InterruptedException {
    Signal.handle(new Signal("INT"), s -> System.out.println("ignoring SIGINT"));
    Signal.handle(new Signal("TERM"), s -> System.out.println("ignoring SIGTERM"));
    System.out.println("stubborn, pid " + ProcessHandle.current().pid());
    Thread.sleep(Long.MAX_VALUE);
  }
}
