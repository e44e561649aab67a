package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.engine.ActionResult;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.EngineEvent.MetricsSample;
import dev.pmfx.engine.EngineEvent.MetricsSample.CustomAction;
import dev.pmfx.engine.EngineEvent.MetricsSample.CustomMetric;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerProbes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An app that uses the real {@code @pm2/io} reports to pmfx as it reports to PM2. */
class Pm2IoTest {

  @TempDir Path dir;
  private EngineHarness pmfx;

  @BeforeEach
  void startTheApp() throws Exception {
    Path modules = NodeVersions.nodeModules("@pm2/io", "6.1.0");
    pmfx = new EngineHarness(dir);
    pmfx.engine.sampleEvery(Duration.ofMillis(200));
    pmfx.start(
        """
        apps:
          - name: io
            script: pm2io.js
            cwd: ${workers}
            instances: 2
            env: { NODE_PATH: '%s' }
        """
            .formatted(modules));
    pmfx.awaitOnline("io", 2);
  }

  @AfterEach
  void stop() {
    pmfx.close();
  }

  @Test
  void customMetricsAndActionsComeWithEachSample() throws Exception {
    // when
    MetricsSample sample =
        pmfx.events.await(
            MetricsSample.class,
            s ->
                s.probes().size() == 2
                    && s.probes().stream().allMatch(p -> metric(p, "latency").isPresent()));

    // then
    for (WorkerProbes probes : sample.probes()) {
      assertEquals("io", probes.app());
      assertEquals(
          Optional.of(new CustomMetric("Realtime user", "42", "users", "")),
          metric(probes, "Realtime user"));
      assertEquals("2", metric(probes, "Jobs").orElseThrow().value());
      assertTrue(metric(probes, "req/sec").orElseThrow().numeric().isPresent());
      assertEquals(15.0, metric(probes, "latency").orElseThrow().numeric().orElseThrow());
      assertTrue(
          probes.metrics().stream().anyMatch(m -> m.type().startsWith("internal/v8/")),
          "@pm2/io's own heap metrics, told apart by their type: " + probes.metrics());
      Map<String, String> actions =
          probes.actions().stream()
              .collect(Collectors.toMap(CustomAction::name, CustomAction::type));
      assertEquals("custom", actions.get("db:clean"));
      assertEquals("custom", actions.get("greet"));
      assertEquals("internal", actions.get("km:heapdump"));
    }
  }

  @Test
  void triggeringAnActionCallsItOnEveryWorkerAndGathersTheirReplies() throws Exception {
    // given
    awaitAction("db:clean");

    // when
    ActionResult result = pmfx.engine.trigger("io", "db:clean", Optional.empty()).get();

    // then
    assertEquals(List.of(), result.problems());
    assertEquals(2, result.replies().size(), result.toString());
    for (ActionResult.Reply reply : result.replies()) {
      assertEquals("{\"success\":true}", reply.value());
    }
    assertEquals(
        List.of("io-0", "io-1"),
        result.replies().stream().map(ActionResult.Reply::label).sorted().toList());
    // the action ran: its counter went up on the next report
    pmfx.events.await(MetricsSample.class, s -> jobs(s, "3"));
  }

  @Test
  void anActionGetsTheParameterItIsTriggeredWith() throws Exception {
    // given
    awaitAction("greet");
    int first = pmfx.workers("io").getFirst().id();

    // when
    ActionResult result =
        pmfx.engine.trigger(String.valueOf(first), "greet", Optional.of("bob")).get();

    // then
    assertEquals(List.of(), result.problems());
    assertEquals(1, result.replies().size());
    assertEquals("{\"hello\":\"bob\"}", result.replies().getFirst().value());
    assertEquals(first, result.replies().getFirst().workerId());
  }

  @Test
  void anActionNoWorkerOffersIsAProblemAndCallsNothing() throws Exception {
    // given
    awaitAction("greet");

    // when
    ActionResult result = pmfx.engine.trigger("io", "no:such", Optional.empty()).get();

    // then
    assertEquals(List.of(), result.replies());
    assertEquals(
        List.of(new CommandResult.Problem("io", "no running worker offers action 'no:such'")),
        result.problems());
  }

  @Test
  void aRestartedWorkersValuesAreItsNewProcesss() throws Exception {
    // given: the counter went up to 3 in the first processes
    awaitAction("db:clean");
    assertEquals(2, pmfx.engine.trigger("io", "db:clean", Optional.empty()).get().replies().size());
    pmfx.events.await(MetricsSample.class, s -> jobs(s, "3"));
    int after = pmfx.events.all().size();

    // when
    pmfx.engine.restart("io").get();
    pmfx.awaitOnline("io", 2);

    // then: the new processes count from their start again
    pmfx.events.await(after, MetricsSample.class, s -> jobs(s, "2"));
  }

  /** Both workers' Jobs counter shows {@code value}. */
  private static boolean jobs(MetricsSample s, String value) {
    return s.probes().size() == 2
        && s.probes().stream()
            .allMatch(p -> metric(p, "Jobs").map(CustomMetric::value).equals(Optional.of(value)));
  }

  @Test
  void anActionThatNeverRepliesIsAProblemOnceTheWaitIsOver() throws Exception {
    // given
    pmfx.start(
        """
        apps:
          - name: io-silent
            script: pm2io.js
            cwd: ${workers}
            env: { NODE_PATH: '%s', SILENT_ACTION: 'yes' }
        """
            .formatted(NodeVersions.nodeModules("@pm2/io", "6.1.0")));
    pmfx.events.await(
        MetricsSample.class,
        s ->
            s.probes().stream()
                .anyMatch(p -> p.actions().stream().anyMatch(a -> a.name().equals("silent"))));

    // when
    long started = System.nanoTime();
    ActionResult result = pmfx.engine.trigger("io-silent", "silent", Optional.empty()).get();

    // then
    assertEquals(List.of(), result.replies());
    assertEquals(
        List.of(new CommandResult.Problem("io-silent", "io-silent-0 gave no reply within 10s")),
        result.problems());
    assertTrue(
        Duration.ofNanos(System.nanoTime() - started).compareTo(Probes.REPLY_TIMEOUT) >= 0,
        "it waited the whole time");
  }

  @Test
  void whereNoChannelCanBePassedTheShimCarriesPm2IoBothWays() throws Exception {
    // given: a worker started by Java's ProcessBuilder, speaking over the shim's socket
    Path modules = NodeVersions.nodeModules("@pm2/io", "6.1.0");
    // for the whole test: a worker restarted under load is launched the same way
    System.setProperty("pmfx.launch", "java");
    try {
      shimCarriesPm2Io(modules);
    } finally {
      System.clearProperty("pmfx.launch");
    }
  }

  private void shimCarriesPm2Io(Path modules) throws Exception {
    pmfx.start(
        """
        apps:
          - name: io-shim
            script: pm2io.js
            cwd: ${workers}
            env: { NODE_PATH: '%s' }
        """
            .formatted(modules));
    pmfx.awaitOnline("io-shim", 1);
    long pid = pmfx.workers("io-shim").getFirst().pid().orElseThrow();
    assertTrue(EngineHarness.environmentOf(pid).containsKey("PMFX_IPC"), "the shim's socket");
    pmfx.events.await(
        MetricsSample.class,
        s ->
            s.probes().stream()
                .anyMatch(
                    p ->
                        p.app().equals("io-shim")
                            && metric(p, "Realtime user").isPresent()
                            && p.actions().stream().anyMatch(a -> a.name().equals("greet"))));

    // when
    ActionResult result = pmfx.engine.trigger("io-shim", "greet", Optional.of("ann")).get();

    // then
    assertEquals(List.of(), result.problems());
    assertEquals("{\"hello\":\"ann\"}", result.replies().getFirst().value());
  }

  private void awaitAction(String name) throws InterruptedException {
    pmfx.events.await(
        MetricsSample.class,
        s ->
            s.probes().size() == 2
                && s.probes().stream()
                    .allMatch(p -> p.actions().stream().anyMatch(a -> a.name().equals(name))));
  }

  private static Optional<CustomMetric> metric(WorkerProbes probes, String name) {
    return probes.metrics().stream().filter(m -> m.name().equals(name)).findFirst();
  }
}
