package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What pm2 sendSignal and pm2 send do: reach running workers, and leave their state alone. */
class SendToWorkersTest {

  @TempDir Path dir;
  private EngineHarness pmfx;
  private List<WorkerStatus> workers;

  @BeforeEach
  void startTwoWorkers() throws Exception {
    pmfx = new EngineHarness(dir);
    pmfx.start(
        """
        apps:
          - name: input
            script: input.js
            cwd: ${workers}
            instances: 2
        """);
    pmfx.awaitOnline("input", 2);
    workers = pmfx.workers("input");
    awaitLines("listening to stdin", 2);
  }

  @AfterEach
  void stop() {
    pmfx.close();
  }

  @Test
  void aLineSentToAnAppReachesEachWorkersInput() throws Exception {
    // when
    CommandResult sent = pmfx.engine.sendLine("input", "hello").get();

    // then
    assertEquals(List.of(), sent.problems());
    assertEquals(workers.stream().map(WorkerStatus::id).sorted().toList(), sent.workers());
    awaitLines("got line hello", 2);
  }

  @Test
  void aSignalReachesTheRunningWorkersAndAStoppedOneIsAProblem() throws Exception {
    // given
    int stopped = workers.getFirst().id();
    int running = workers.getLast().id();
    pmfx.engine.stop(String.valueOf(stopped)).get();

    // when
    CommandResult sent = pmfx.engine.sendSignal("USR2", "input").get();

    // then
    assertEquals(List.of(running), sent.workers());
    assertEquals(
        List.of(new CommandResult.Problem("input", "worker " + stopped + " is not running")),
        sent.problems());
    awaitLines("got SIGUSR2", 1);
    assertEquals(
        WorkerState.ONLINE,
        pmfx.workers("input").stream()
            .filter(w -> w.id() == running)
            .findFirst()
            .orElseThrow()
            .state());
  }

  @Test
  void aSignalThisSystemDoesNotHaveIsAProblemAndSendsNothing() throws Exception {
    // when
    CommandResult sent = pmfx.engine.sendSignal("SIGNOPE", "input").get();

    // then
    assertEquals(List.of(), sent.workers());
    assertEquals(List.of(new CommandResult.Problem("", "no signal SIGNOPE")), sent.problems());
  }

  /** Waits until the app's workers wrote {@code line} {@code times} in all. */
  private void awaitLines(String line, int times) throws InterruptedException {
    int from = 0;
    for (int i = 0; i < times; i++) {
      EngineEvent.LogLine found =
          pmfx.events.await(
              from,
              EngineEvent.LogLine.class,
              l -> l.app().equals("input") && l.text().equals(line));
      from = pmfx.events.all().indexOf(found) + 1;
    }
  }
}
