package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmfx.config.AppSpec;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
import dev.pmfx.engine.WorkerState;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The effect runner between the machine and the world: a launcher that starts no process and
 * records every signal, and a manual clock whose timers fire when the test moves it.
 */
class EffectRunnerTest {

  @TempDir Path dir;

  private final List<String> removed = new ArrayList<>();
  private RunnerFixture fixture;
  private ManualTimers timers;
  private FakeLauncher launcher;
  private EffectRunner runner;

  @BeforeEach
  void runner() throws Exception {
    Files.writeString(dir.resolve("app.sh"), "echo never run\n");
    fixture =
        new RunnerFixture(
            dir,
            new EffectRunner.Host() {
              @Override
              public void remove(Worker w, String why) {
                removed.add(why);
              }

              @Override
              public void replaceUnwell(Worker w, String why) {}

              @Override
              public void moved(Worker w, WorkerState to, String why, boolean late) {}

              @Override
              public boolean closing() {
                return false;
              }
            });
    timers = fixture.timers;
    launcher = fixture.launcher;
    runner = fixture.runner;
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private Worker worker(String options) throws Exception {
    Path file = dir.resolve("ecosystem.yaml");
    Files.writeString(
        file,
        "apps:\n  - name: app\n    script: app.sh\n    cwd: " + dir + "\n" + options.indent(4));
    LoadResult result = new EcosystemLoader(Optional.empty(), Map.of(), 2).load(file);
    AppSpec spec = ((LoadResult.Loaded) result).ecosystem().apps().getFirst();
    return new Worker(0, 0, spec, timers.now(), 0);
  }

  private void start(Worker w) {
    Optional<?> problem =
        runner.launch(w, new MachineEvent.Start(w.spec, "started", MachineEvent.StartKind.COMMAND));
    assertEquals(Optional.empty(), problem);
  }

  @Test
  void aStartHasTheLauncherStartItsProcessAndTheWorkerIsOnline() throws Exception {
    Worker w = worker("");
    start(w);
    assertEquals(1, launcher.started.size());
    assertEquals(dir, launcher.plans.getFirst().cwd());
    assertEquals(WorkerState.ONLINE, w.state());
    assertEquals("pid " + launcher.started.getFirst().pid(), w.machine.why());
  }

  @Test
  void aCrashStartsAgainWhenTheClockPassesTheRestartDelay() throws Exception {
    Worker w = worker("restart_delay: 2000");
    start(w);
    timers.advance(Duration.ofMinutes(1));
    launcher.started.getFirst().exit(1);
    timers.awaitPosted();
    assertEquals(WorkerState.CRASHED, w.state());

    timers.advance(Duration.ofMillis(1_999));
    assertEquals(WorkerState.CRASHED, w.state());
    assertEquals(1, launcher.started.size());
    timers.advance(Duration.ofMillis(1));
    assertEquals(WorkerState.ONLINE, w.state());
    assertEquals(2, launcher.started.size());
    assertEquals(1, w.machine.restarts());
  }

  @Test
  void aStopSignalsThroughTheLauncherAndKillsWhenKillTimeoutRunsOut() throws Exception {
    Worker w = worker("kill_timeout: 1600");
    start(w);
    CompletableFuture<WorkerState> stopped = runner.stop(w, "stop", StopGoal.REST);
    assertEquals(List.of("SIGINT to the tree"), launcher.signals);
    timers.advance(Duration.ofMillis(1_599));
    assertEquals(List.of("SIGINT to the tree"), launcher.signals);
    timers.advance(Duration.ofMillis(1));
    assertEquals(List.of("SIGINT to the tree", "SIGKILL"), launcher.signals);
    assertFalse(stopped.isDone());

    launcher.started.getFirst().exit(128 + 9);
    timers.awaitPosted();
    assertEquals(WorkerState.STOPPED, stopped.getNow(null));
    assertEquals("killed by SIGKILL", w.machine.why());
    assertEquals(List.of("SIGINT to the tree", "SIGKILL", "leftovers"), launcher.signals);
  }

  @Test
  void aReadySignalPutsAWaitingWorkerOnlineAndEndsItsListenTimer() throws Exception {
    Worker w = worker("wait_ready: true\nlisten_timeout: 3000");
    start(w);
    assertEquals(WorkerState.WAITING_READY, w.state());
    Future<?> listenTimer = w.timer;
    assertNotNull(listenTimer);

    launcher.messages.getFirst().accept("ready");
    timers.run();
    assertEquals(WorkerState.ONLINE, w.state());
    assertTrue(listenTimer.isCancelled(), "the phase's timer ends with the phase");
    timers.advance(Duration.ofSeconds(5));
    assertEquals("ready", w.machine.why());
  }

  @Test
  void aDeletedWorkerLeavesItsAppOnceItsProcessExits() throws Exception {
    Worker w = worker("");
    start(w);
    runner.stop(w, "delete", new StopGoal.Remove("deleted"));
    assertEquals(List.of(), removed);
    launcher.started.getFirst().exit(128 + 2);
    timers.awaitPosted();
    assertEquals(List.of("deleted"), removed);
  }

  @Test
  void anEventTheMachineRejectsIsAnErrorHereAndRemembered() throws Exception {
    assertTrue(EffectRunner.STRICT, "the tests run the machine strict");
    Worker w = worker("");
    assertThrows(
        WorkerMachine.Rejected.class,
        () -> runner.feed(w, new MachineEvent.Spawned(0, 1, Optional.empty(), false, false)));
    assertEquals(1, runner.rejected().size(), runner.rejected().toString());
    assertEquals(WorkerState.STOPPED, w.state());
  }

  /** A clock the test moves; timers fire, and posted inputs run, on the test's thread. */
  static final class ManualTimers implements Timers {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final LinkedBlockingQueue<Runnable> posted = new LinkedBlockingQueue<>();
    private final List<Timer> armed = new ArrayList<>();

    private record Timer(Instant at, Runnable input, CompletableFuture<Void> handle) {}

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public void post(Runnable input) {
      posted.add(input);
    }

    @Override
    public Future<?> after(Duration delay, Runnable input) {
      Timer timer = new Timer(now.plus(delay), input, new CompletableFuture<>());
      armed.add(timer);
      return timer.handle();
    }

    @Override
    public void later(Duration delay, Runnable task) {
      throw new AssertionError("no work off the loop in these tests");
    }

    /** Runs what was posted, in order, and what that posted. */
    void run() {
      for (Runnable input = posted.poll(); input != null; input = posted.poll()) {
        input.run();
      }
    }

    /** Moves the clock; the timers that came due fire, in order. */
    void advance(Duration time) {
      now = now.plus(time);
      List<Timer> due =
          armed.stream()
              .filter(t -> !t.at().isAfter(now) && !t.handle().isCancelled())
              .sorted(java.util.Comparator.comparing(Timer::at))
              .toList();
      armed.removeAll(due);
      due.forEach(t -> post(t.input()));
      run();
    }

    /** Waits for an input another thread posts (a process's exit), then runs it. */
    void awaitPosted() throws InterruptedException {
      Runnable input = posted.poll(10, TimeUnit.SECONDS);
      assertNotNull(input, "nothing was posted");
      input.run();
      run();
    }
  }

  /** Starts nothing: hands out processes the test ends, and records every signal. */
  static final class FakeLauncher implements ProcessLauncher {
    final List<Launch> plans = new ArrayList<>();
    final List<FakeProcess> started = new ArrayList<>();
    final List<Consumer<String>> messages = new ArrayList<>();
    final List<String> signals = new ArrayList<>();

    /** When set, the next start fails with it, as a missing interpreter would. */
    java.io.IOException refuse;

    @Override
    public Started start(
        Worker w, Launch plan, Consumer<String> onMessage, Consumer<JsonNode> onReport)
        throws java.io.IOException {
      if (refuse != null) {
        java.io.IOException failure = refuse;
        refuse = null;
        throw failure;
      }
      plans.add(plan);
      messages.add(onMessage);
      FakeProcess process = new FakeProcess(4_100_000 + started.size());
      started.add(process);
      return new Started(process, null);
    }

    @Override
    public List<ProcessHandle> tree(Process process) {
      return List.of();
    }

    @Override
    public void signal(Process process, List<ProcessHandle> tree, String signal, boolean whole) {
      signals.add(signal + (whole ? " to the tree" : ""));
    }

    @Override
    public void kill(Process process, List<ProcessHandle> recorded) {
      signals.add("SIGKILL");
    }

    @Override
    public void killLeftovers(Process process, List<ProcessHandle> recorded) {
      signals.add("leftovers");
    }
  }

  /** A process that ends when the test says, with the code it says; its output is empty. */
  static final class FakeProcess extends Process {
    private final long pid;
    private final CompletableFuture<Process> exit = new CompletableFuture<>();
    private volatile int code;

    FakeProcess(long pid) {
      this.pid = pid;
    }

    void exit(int code) {
      this.code = code;
      exit.complete(this);
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public OutputStream getOutputStream() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
      return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
      return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() {
      return exit.join().exitValue();
    }

    @Override
    public int exitValue() {
      if (!exit.isDone()) {
        throw new IllegalThreadStateException("still running");
      }
      return code;
    }

    @Override
    public boolean isAlive() {
      return !exit.isDone();
    }

    @Override
    public CompletableFuture<Process> onExit() {
      return exit;
    }

    @Override
    public void destroy() {
      throw new AssertionError("pmfx ends workers through its launcher");
    }
  }
}
