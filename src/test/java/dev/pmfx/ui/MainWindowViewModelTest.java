package dev.pmfx.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.Diagnostic;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.ExecMode;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import dev.pmfx.home.PmfxHome;
import dev.pmfx.supervisor.Supervisor;
import dev.pmfx.ui.ProcessItems.AppItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main window's view model, driven without a window. */
class MainWindowViewModelTest {

  @TempDir Path dir;
  private Supervisor engine;

  private MainWindowViewModel viewModel(PmfxHome home) {
    engine = Supervisor.create(home, dev.pmfx.config.EcosystemLoader::loadOnThisMachine);
    return new MainWindowViewModel(
        new EcosystemLoader(Optional.empty(), System.getenv(), 4),
        engine,
        Background.inline(),
        home);
  }

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  private static List<String> rows(MainWindowViewModel viewModel) {
    return viewModel.apps().stream()
        .map(
            a ->
                a.name()
                    + ":"
                    + a.specProperty().get().execMode().label()
                    + ":"
                    + a.workers().size())
        .toList();
  }

  @Test
  void firstStartOpensTheBundledDemoWithItsAppsNotStarted() {
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    MainWindowViewModel viewModel = viewModel(home);

    viewModel.openAtStart(Optional.empty());

    assertEquals(home.dir().resolve("demo/ecosystem.config.js"), viewModel.fileProperty().get());
    assertEquals(List.of("web:cluster:0", "worker:fork:0", "flaky:fork:0"), rows(viewModel));
    assertFalse(viewModel.failedProperty().get());
    assertEquals("3 apps, not started", viewModel.statusProperty().get());
    assertTrue(Files.isRegularFile(home.dir().resolve("demo/DemoWeb.java")));
  }

  @Test
  void laterStartReopensTheLastFileAndTheTheme() throws Exception {
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    Path config = write("mine.yaml", "apps:\n  - name: mine\n    script: app.sh\n");
    MainWindowViewModel first = viewModel(home);
    first.open(config);
    first.darkTheme(true);
    engine.close();

    MainWindowViewModel next = viewModel(home);
    next.openAtStart(Optional.empty());

    assertEquals(config, next.fileProperty().get());
    assertEquals("mine", next.apps().getFirst().name());
    assertEquals(List.of(config), List.copyOf(next.recentFiles()));
    assertTrue(next.darkTheme());
  }

  @Test
  void brokenFileShowsItsErrorsWithLinesAndRetryLoadsItOnceFixed() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    Path config =
        write(
            "broken.json", "{\n  \"apps\": [\n    { \"name\": \"api\", \"script\": 42 }\n  ]\n}\n");

    viewModel.open(config);

    assertTrue(viewModel.failedProperty().get());
    assertEquals(3, viewModel.diagnostics().getFirst().location().line());
    assertEquals(
        "1 error in broken.json; nothing was started or stopped", viewModel.statusProperty().get());

    Files.writeString(config, "{ \"apps\": [ { \"name\": \"api\", \"script\": \"api.js\" } ] }");
    viewModel.retry();

    assertFalse(viewModel.failedProperty().get());
    assertEquals("api", viewModel.apps().getFirst().name());
  }

  @Test
  void severalFilesShowTheirAppsTogetherAndAreReopenedTogether() throws Exception {
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    Path one = write("one.yaml", "apps:\n  - name: api\n    script: api.sh\n");
    Path two =
        write(
            "two.yaml",
            "apps:\n  - name: mailer\n    script: mail.sh\n  - name: api\n    script: other.sh\n");
    MainWindowViewModel first = viewModel(home);

    first.open(one);
    first.open(two);

    assertEquals(List.of("api:fork:0", "mailer:fork:0"), rows(first));
    assertEquals("api.sh", first.apps().getFirst().specProperty().get().script());
    assertEquals(List.of(one, two), List.copyOf(first.openFiles()));
    assertEquals(Optional.of(two), first.fileOf("mailer"));
    Diagnostic clash = first.diagnostics().getLast();
    assertEquals(two, clash.file());
    assertEquals(4, clash.location().line(), "the line of the second api in two.yaml");
    assertTrue(clash.message().contains("'api' is also in " + one), clash.message());
    engine.close();

    MainWindowViewModel next = viewModel(home);
    next.openAtStart(Optional.empty());

    assertEquals(List.of(one, two), List.copyOf(next.openFiles()));
    assertEquals(List.of("api:fork:0", "mailer:fork:0"), rows(next));
  }

  @Test
  void closingAFileDropsItsAppsButKeepsThoseRunning() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    write("run.sh", "exec sleep 60\n");
    Path one = write("one.yaml", "apps:\n  - name: api\n    script: run.sh\n");
    Path two =
        write(
            "two.yaml",
            "apps:\n  - name: mailer\n    script: run.sh\n  - name: idle\n    script: run.sh\n");
    viewModel.open(one);
    viewModel.open(two);
    viewModel.start(viewModel.apps().get(1)); // mailer
    for (int i = 0; i < 300 && engine.snapshot().isEmpty(); i++) {
      Thread.sleep(10);
    }
    viewModel.apply(new EngineBridge.Batch(engine.snapshot(), List.of()));

    viewModel.close(two);

    assertEquals(List.of("api:fork:0", "mailer:fork:1"), rows(viewModel));
    assertEquals(List.of(one), List.copyOf(viewModel.openFiles()));
    assertEquals(one, viewModel.fileProperty().get());
  }

  @Test
  void aSecondFileThatFailsShowsItsErrorsAndClosingItShowsTheFirstAgain() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    Path good = write("good.yaml", "apps:\n  - name: api\n    script: api.sh\n");
    Path bad = write("bad.yaml", "apps:\n  - name: web\n    scirpt: web.sh\n");
    viewModel.open(good);

    viewModel.open(bad);

    assertTrue(viewModel.failedProperty().get());
    assertEquals(bad, viewModel.diagnostics().getFirst().file());
    assertEquals(List.of("api:fork:0"), rows(viewModel), "the good file's apps are untouched");

    viewModel.close(bad);

    assertFalse(viewModel.failedProperty().get());
    assertEquals(good, viewModel.fileProperty().get());
    assertEquals(List.of(good), List.copyOf(viewModel.openFiles()));
  }

  @Test
  void metricsSamplesFillWorkerRowsAndAddUpOnTheAppRow() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(write("one.yaml", "apps:\n  - name: api\n    script: api.sh\n"));
    viewModel.apply(
        new EngineBridge.Batch(
            null,
            List.of(
                cameOnline(1, 0),
                cameOnline(2, 1),
                new EngineEvent.MetricsSample(
                    Instant.EPOCH,
                    List.of(
                        new EngineEvent.MetricsSample.WorkerUsage(1, "api", 0, 12.5, 1_000, -1),
                        new EngineEvent.MetricsSample.WorkerUsage(2, "api", 1, 30, 3_000, -1)),
                    List.of(
                        new EngineEvent.MetricsSample.WorkerRequests(1, "api", 40, 1, 0, 2, 9),
                        new EngineEvent.MetricsSample.WorkerRequests(2, "api", 38, 0, 1, 2, 8))))));
    AppItem api = viewModel.apps().getFirst();

    assertEquals(42.5, api.usage().orElseThrow().cpuPercent());
    assertEquals(4_000, api.usage().orElseThrow().memoryBytes());
    assertEquals(78, api.requests().orElseThrow(), "requests through the balancer, added up");

    viewModel.apply(
        new EngineBridge.Batch(
            null,
            List.of(
                new EngineEvent.WorkerChanged(
                    Instant.EPOCH, WorkerState.STOPPING, worker(2, 1, WorkerState.STOPPED), "0"))));

    assertEquals(null, api.worker(2).usageProperty().get(), "no figures without a process");
    assertEquals(null, api.worker(2).requestsProperty().get());
    assertEquals(40, api.requests().orElseThrow(), "the running worker's requests");
    assertEquals(1_000, api.usage().orElseThrow().memoryBytes());
  }

  private static EngineEvent.RolloutChanged rollout(
      long id, EngineEvent.RolloutChanged.Kind kind, EngineEvent.RolloutChanged.Phase phase) {
    return new EngineEvent.RolloutChanged(Instant.EPOCH, "api", id, kind, phase, 2, 2, "words");
  }

  private static EngineEvent.RolloutStep step(
      int worker, EngineEvent.RolloutStep.Step step, EngineEvent.RolloutStep.Status status) {
    return new EngineEvent.RolloutStep(
        Instant.EPOCH.plusSeconds(status.over() ? 2 : 0),
        "api",
        1,
        0,
        worker,
        step,
        status,
        Instant.EPOCH,
        Optional.empty(),
        status.name());
  }

  @Test
  void anAppWaitingForItsDependenciesSaysSoInItsRowUntilItsWorkersStart() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(write("one.yaml", "apps:\n  - name: api\n    script: api.sh\n"));
    dev.pmfx.config.AppSpec spec = viewModel.apps().getFirst().specProperty().get();
    java.util.function.BiFunction<WorkerState, Optional<String>, EngineEvent> updated =
        (state, note) ->
            new EngineEvent.AppUpdated(
                Instant.EPOCH,
                new dev.pmfx.engine.AppStatus(
                    spec,
                    Optional.empty(),
                    Optional.empty(),
                    List.of(worker(0, 0, state)),
                    OptionalInt.empty(),
                    List.of(),
                    List.of(),
                    note));
    AppItem api = viewModel.apps().getFirst();

    viewModel.apply(
        new EngineBridge.Batch(
            null, List.of(updated.apply(WorkerState.STOPPED, Optional.of("waiting for db")))));
    assertEquals("waiting for db", RowFormat.status(api));
    assertEquals("badge-waiting-ready", RowFormat.badgeStyle(RowFormat.status(api)));
    assertEquals("stopped", RowFormat.status(api.worker(0)));

    viewModel.apply(
        new EngineBridge.Batch(null, List.of(updated.apply(WorkerState.ONLINE, Optional.empty()))));
    assertEquals("online", RowFormat.status(api));

    String failed = "not started: migrate exited with code 1";
    viewModel.apply(
        new EngineBridge.Batch(
            null, List.of(updated.apply(WorkerState.ERRORED, Optional.of(failed)))));
    assertEquals(failed, RowFormat.status(api));
    assertEquals("badge-errored", RowFormat.badgeStyle(failed));
  }

  @Test
  void logsBeingDroppedAreToldOnceAsTheyBegin() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(write("one.yaml", "apps:\n  - name: api\n    script: api.sh\n"));
    dev.pmfx.config.AppSpec spec = viewModel.apps().getFirst().specProperty().get();
    List<String> told = new java.util.ArrayList<>();
    viewModel.problemProperty().addListener((o, was, now) -> told.add(now));
    java.util.function.Function<List<String>, EngineEvent> updated =
        trouble ->
            new EngineEvent.AppUpdated(
                Instant.EPOCH,
                new dev.pmfx.engine.AppStatus(
                    spec,
                    Optional.empty(),
                    Optional.empty(),
                    List.of(),
                    OptionalInt.empty(),
                    List.of(),
                    trouble,
                    Optional.empty()));
    String full = "cannot write /logs/api-out.log since …: No space left on device; 80 bytes …";

    viewModel.apply(new EngineBridge.Batch(null, List.of(updated.apply(List.of(full)))));
    viewModel.apply(new EngineBridge.Batch(null, List.of(updated.apply(List.of(full)))));

    assertEquals(List.of("api: " + full), told.stream().filter(t -> !t.isEmpty()).toList());
    assertEquals(List.of(full), viewModel.apps().getFirst().logTroubleProperty().get());

    viewModel.apply(new EngineBridge.Batch(null, List.of(updated.apply(List.of()))));
    viewModel.apply(new EngineBridge.Batch(null, List.of(updated.apply(List.of(full)))));

    assertEquals(2, told.stream().filter(t -> !t.isEmpty()).count(), "told again: a new trouble");
  }

  @Test
  void rolloutEventsFillTheProgressAndNewWorkersSitBesideTheOnesTheyReplace() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(write("one.yaml", "apps:\n  - name: api\n    script: api.sh\n"));
    var reload = EngineEvent.RolloutChanged.Kind.RELOAD;
    var scale = EngineEvent.RolloutChanged.Kind.SCALE;
    var running = EngineEvent.RolloutChanged.Phase.RUNNING;
    viewModel.apply(
        new EngineBridge.Batch(
            null,
            List.of(
                cameOnline(1, 0),
                cameOnline(2, 1),
                rollout(1, reload, running),
                step(3, EngineEvent.RolloutStep.Step.START, EngineEvent.RolloutStep.Status.RUNNING),
                new EngineEvent.WorkerChanged(
                    Instant.EPOCH,
                    WorkerState.STOPPED,
                    worker(3, 0, WorkerState.LAUNCHING),
                    "reload"),
                step(3, EngineEvent.RolloutStep.Step.START, EngineEvent.RolloutStep.Status.DONE),
                rollout(2, scale, EngineEvent.RolloutChanged.Phase.QUEUED))));
    AppItem api = viewModel.apps().getFirst();

    assertEquals(List.of(1, 3, 2), api.workers().stream().map(w -> w.id()).toList());
    ProcessItems.RolloutItem shown = api.rolloutProperty().get();
    assertEquals(1, shown.id(), "a queued scale waits behind the reload shown");
    assertEquals(1, shown.steps().size(), "a step's end updates its line");
    assertEquals(EngineEvent.RolloutStep.Status.DONE, shown.steps().getFirst().latest().status());

    viewModel.apply(
        new EngineBridge.Batch(
            null,
            List.of(
                new EngineEvent.WorkerRemoved(Instant.EPOCH, "api", 1, "replaced by worker 3"),
                rollout(1, reload, EngineEvent.RolloutChanged.Phase.DONE),
                rollout(2, scale, running),
                rollout(2, scale, EngineEvent.RolloutChanged.Phase.FAILED))));

    assertEquals(List.of(3, 2), api.workers().stream().map(w -> w.id()).toList());
    assertEquals(2, api.rolloutProperty().get().id());
    assertTrue(api.rolloutProperty().get().over());
    assertEquals("api scale failed: words", viewModel.problemProperty().get());
  }

  @Test
  void quittingCountsTheWorkersAsTheyStop() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(write("one.yaml", "apps:\n  - name: api\n    script: api.sh\n"));
    viewModel.apply(new EngineBridge.Batch(null, List.of(cameOnline(1, 0), cameOnline(2, 1))));

    viewModel.beginQuit();

    assertTrue(viewModel.quittingProperty().get());
    assertEquals(0, viewModel.quitProgressProperty().get());
    assertEquals("0 of 2 stopped · waiting for api-0, api-1", viewModel.quitTextProperty().get());

    viewModel.apply(
        new EngineBridge.Batch(
            null,
            List.of(
                new EngineEvent.WorkerChanged(
                    Instant.EPOCH,
                    WorkerState.STOPPING,
                    worker(1, 0, WorkerState.STOPPED),
                    "exited with code 0"))));

    assertEquals(0.5, viewModel.quitProgressProperty().get());
    assertEquals("1 of 2 stopped · waiting for api-1", viewModel.quitTextProperty().get());
  }

  @Test
  void anAppsLogPaneStartsWithWhatItsLogFilesHoldFromBefore() throws Exception {
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    Files.createDirectories(home.dir().resolve("logs"));
    Files.writeString(home.dir().resolve("logs/api-out.log"), "listening on 3000\n");
    Files.writeString(home.dir().resolve("logs/api-error.log"), "TypeError: boom\n");
    MainWindowViewModel viewModel = viewModel(home);
    viewModel.open(write("one.yaml", "apps:\n  - name: api\n    script: api.sh\n"));
    AppItem api = viewModel.apps().getFirst();

    viewModel.showEarlierLogs(api);
    for (int i = 0; i < 500 && api.logs().isEmpty(); i++) {
      Thread.sleep(10);
    }

    assertEquals(
        List.of(
            "── the last lines of api's log files, from before this session ──",
            "listening on 3000",
            "TypeError: boom"),
        api.logs().stream().map(ProcessItems.LogEntry::text).toList());
    assertTrue(api.logs().stream().allMatch(ProcessItems.LogEntry::earlier));
    assertTrue(api.logs().getLast().error());
  }

  @Test
  void aFailedActionStaysOnItsRowAndIsNotified() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(write("one.yaml", "apps:\n  - name: api\n    script: missing.sh\n"));
    AppItem api = viewModel.apps().getFirst();

    viewModel.start(api);
    for (int i = 0; i < 500 && api.failureProperty().get().isEmpty(); i++) {
      Thread.sleep(10);
    }

    assertTrue(api.failureProperty().get().contains("missing.sh"), api.failureProperty().get());
    assertEquals(api.failureProperty().get(), viewModel.problemProperty().get());
    assertEquals("", api.actionProperty().get(), "the action is over");
  }

  private static EngineEvent.WorkerChanged cameOnline(int id, int instance) {
    return new EngineEvent.WorkerChanged(
        Instant.EPOCH, WorkerState.LAUNCHING, worker(id, instance, WorkerState.ONLINE), "up");
  }

  private static WorkerStatus worker(int id, int instance, WorkerState state) {
    return new WorkerStatus(
        id,
        "api",
        "default",
        ExecMode.FORK,
        instance,
        state.running() ? OptionalLong.of(4000 + id) : OptionalLong.empty(),
        state,
        Instant.EPOCH,
        Optional.of(Instant.EPOCH),
        0,
        OptionalInt.empty(),
        Optional.empty(),
        Optional.empty(),
        dev.pmfx.engine.Health.NONE);
  }

  @Test
  void engineEventsBecomeWorkerRowsHistoryAndLogs() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    write("api.sh", "sleep 1\n");
    viewModel.open(write("one.yaml", "apps:\n  - name: api\n    script: api.sh\n"));
    WorkerStatus online =
        new WorkerStatus(
            7,
            "api",
            "default",
            ExecMode.FORK,
            0,
            OptionalLong.of(4242),
            WorkerState.ONLINE,
            Instant.EPOCH,
            Optional.of(Instant.EPOCH),
            0,
            OptionalInt.empty(),
            Optional.empty(),
            Optional.of(Instant.EPOCH),
            dev.pmfx.engine.Health.NONE);

    viewModel.apply(
        new EngineBridge.Batch(
            null,
            List.of(
                new EngineEvent.WorkerChanged(
                    Instant.EPOCH, WorkerState.LAUNCHING, online, "pid 4242"),
                new EngineEvent.LogLine(
                    Instant.EPOCH, 7, "api", 0, EngineEvent.LogLine.Stream.OUT, "hello"),
                new EngineEvent.LogLine(
                    Instant.EPOCH, 7, "api", 0, EngineEvent.LogLine.Stream.ERR, "oops"))));

    AppItem api = viewModel.apps().getFirst();
    assertEquals(1, api.workers().size());
    assertEquals(WorkerState.ONLINE, api.workers().getFirst().status().state());
    assertEquals(
        List.of("hello", "oops"), api.logs().stream().map(ProcessItems.LogEntry::text).toList());
    assertTrue(api.workers().getFirst().logs().get(1).error());
    assertEquals(
        "launching → online: pid 4242",
        api.history().getFirst().from()
            + " → "
            + api.history().getFirst().to()
            + ": "
            + api.history().getFirst().reason());
    assertEquals("1 app, 1 of 1 workers online", viewModel.statusProperty().get());
  }

  @Test
  void logsOfARowStayBoundedUnderAFlood() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(write("one.yaml", "apps:\n  - name: api\n    script: api.sh\n"));
    List<EngineEvent> flood =
        java.util.stream.IntStream.range(0, ProcessItems.LOG_LINES + 1000)
            .mapToObj(
                i ->
                    (EngineEvent)
                        new EngineEvent.LogLine(
                            Instant.EPOCH,
                            1,
                            "api",
                            0,
                            EngineEvent.LogLine.Stream.OUT,
                            "line " + i))
            .toList();

    viewModel.apply(new EngineBridge.Batch(null, flood));

    AppItem api = viewModel.apps().getFirst();
    assertEquals(ProcessItems.LOG_LINES, api.logs().size());
    assertEquals("line " + (ProcessItems.LOG_LINES + 999), api.logs().getLast().text());
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void filterNarrowsAppsByNameNamespaceOrScript() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(
        write(
            "three.yaml",
            "apps:\n  - name: api\n    script: api.sh\n  - name: jobs\n    script: worker.py\n"
                + "  - name: web\n    script: web.sh\n    namespace: front\n"));

    viewModel.filterProperty().set("FRONT");
    List<String> byNamespace = viewModel.visibleApps().stream().map(AppItem::name).toList();
    viewModel.filterProperty().set(".py");
    List<String> byScript = viewModel.visibleApps().stream().map(AppItem::name).toList();
    viewModel.filterProperty().set("");

    assertEquals(List.of("web"), byNamespace);
    assertEquals(List.of("jobs"), byScript);
    assertEquals(3, viewModel.visibleApps().size());
  }

  @Test
  void configShowsTheResolvedSpecAndMarksSecretLookingVariables() throws Exception {
    MainWindowViewModel viewModel = viewModel(new PmfxHome(dir.resolve("home")));
    viewModel.open(
        write(
            "secret.yaml",
            "apps:\n  - name: api\n    script: api.sh\n    kill_timeout: 3s\n"
                + "    log_type: json\n    log_retain: 9\n"
                + "    env: { PORT: 3000, API_KEY: abc, DB_PASSWORD: pw }\n"
                + "    env_production: { AUTH_TOKEN: t }\n"));

    List<ConfigEntry> entries =
        ConfigEntry.describe(viewModel.apps().getFirst().specProperty().get());

    assertTrue(entries.contains(new ConfigEntry("kill_timeout", "3000 ms", false)));
    assertTrue(entries.contains(new ConfigEntry("env.PORT", "3000", false)));
    assertTrue(entries.contains(new ConfigEntry("env.API_KEY", "abc", true)));
    assertTrue(entries.contains(new ConfigEntry("env.DB_PASSWORD", "pw", true)));
    assertTrue(entries.contains(new ConfigEntry("env_production.AUTH_TOKEN", "t", true)));
    assertTrue(entries.contains(new ConfigEntry("log_type", "json", false)));
    assertTrue(entries.contains(new ConfigEntry("log_retain", "9", false)));
    assertTrue(
        entries.contains(new ConfigEntry("log_compress", "(global) logrotate:compress", false)));
  }

  @Test
  void theSamplingIntervalIsRememberedForTheNextStart() {
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    MainWindowViewModel first = viewModel(home);
    assertEquals(1, first.sampleSeconds());

    first.sampleSeconds(5);
    engine.close();

    assertEquals(5, viewModel(home).sampleSeconds());
  }

  @Test
  void windowPlaceIsRememberedForTheNextStart() {
    PmfxHome home = new PmfxHome(dir.resolve("home"));
    GuiState.WindowPlace place = new GuiState.WindowPlace(10, 20, 900, 600, false, 0.4, 2);
    viewModel(home).windowPlace(place);
    engine.close();

    assertEquals(Optional.of(place), viewModel(home).windowPlace());
  }
}
