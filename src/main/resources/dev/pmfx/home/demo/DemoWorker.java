// The demo's background worker: takes an imaginary job every JOB_INTERVAL_MS and logs it;
// every tenth job is slow and says so on stderr.

public class DemoWorker {
  public static void main(String[] args) throws InterruptedException {
    long interval = Long.parseLong(System.getenv().getOrDefault("JOB_INTERVAL_MS", "1000"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("worker: finishing and stopping")));
    for (long job = 1; ; job++) {
      Thread.sleep(interval);
      if (job % 10 == 0) {
        System.err.println("job " + job + " took " + (interval * 3) + " ms, longer than expected");
      } else {
        System.out.println("job " + job + " done");
      }
    }
  }
}
