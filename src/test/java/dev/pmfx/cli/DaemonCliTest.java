package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmfx.cli.DaemonHarness.Run;
import dev.pmfx.daemon.Daemons;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.WorkerState;
import dev.pmfx.engine.WorkerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PM2's commands against a real daemon, each command as a user types it. */
class DaemonCliTest {

  @TempDir Path dir;
  DaemonHarness pmfx;
  int port;

  @BeforeEach
  void home() throws Exception {
    pmfx = new DaemonHarness(dir);
    port = dev.pmfx.supervisor.EngineHarness.freePort();
  }

  @AfterEach
  void end() throws Exception {
    pmfx.close();
  }

  /** A Node cluster app with a hard-coded port (PORT) and a fork worker that writes lines. */
  private Path apps() throws Exception {
    return pmfx.ecosystem(
        "ecosystem.yaml",
        """
        apps:
          - name: web
            script: versioned.js
            cwd: ${workers}
            instances: 2
            exec_mode: cluster
            env: { PORT: "%d", DELAY_MS: "0" }
          - name: ticker
            script: Ticker.java
            cwd: ${workers}
            env: { PAUSE_MS: "200" }
        """
            .formatted(port));
  }

  private List<WorkerStatus> workers(String app) throws Exception {
    try (RemoteEngine engine = pmfx.connect()) {
      return engine.snapshot().stream()
          .filter(a -> a.name().equals(app))
          .flatMap(a -> a.workers().stream())
          .toList();
    }
  }

  private void awaitOnline(String app, int count) throws Exception {
    DaemonHarness.await(
        count + " " + app + " workers online",
        () -> {
          try {
            List<WorkerStatus> ws = workers(app);
            return ws.size() == count && ws.stream().allMatch(w -> w.state() == WorkerState.ONLINE);
          } catch (Exception e) {
            return false;
          }
        });
  }

  @Test
  void listAndJlistAlonePrintWhatTheDaemonDrawsAsTheWholeCommandsDo() throws Exception {
    Run started = pmfx.pmfx("start", apps().toString());
    assertEquals(0, started.code(), started.toString());
    awaitOnline("web", 2);

    for (String name : List.of("list", "ls", "status")) {
      java.io.ByteArrayOutputStream quick = new java.io.ByteArrayOutputStream();
      java.util.OptionalInt code =
          QuickCommands.run(
              new String[] {name},
              new java.io.PrintStream(quick, true, java.nio.charset.StandardCharsets.UTF_8));
      Run whole = pmfx.pmfx("list");
      assertEquals(java.util.OptionalInt.of(0), code, name);
      // uptime, cpu and memory move between the two
      assertEquals(
          steadyCells(whole.out()),
          steadyCells(quick.toString(java.nio.charset.StandardCharsets.UTF_8)),
          name);
    }

    java.io.ByteArrayOutputStream quick = new java.io.ByteArrayOutputStream();
    assertEquals(
        java.util.OptionalInt.of(0),
        QuickCommands.run(
            new String[] {"jlist"},
            new java.io.PrintStream(quick, true, java.nio.charset.StandardCharsets.UTF_8)));
    Run whole = pmfx.pmfx("jlist");
    assertTrue(quick.toString(java.nio.charset.StandardCharsets.UTF_8).endsWith("\n"));
    JsonNode quickJson =
        new ObjectMapper().readTree(quick.toString(java.nio.charset.StandardCharsets.UTF_8));
    JsonNode wholeJson = new ObjectMapper().readTree(whole.out());
    assertEquals(3, quickJson.size(), quickJson.toString());
    for (int i = 0; i < wholeJson.size(); i++) {
      for (String field :
          List.of("/pid", "/name", "/pm_id", "/pm2_env/status", "/pm2_env/pm_cwd")) {
        assertEquals(wholeJson.get(i).at(field), quickJson.get(i).at(field), field);
      }
    }
  }

  @Test
  void pingAloneStartsTheDaemonWithoutPicocliAndSaysWhatPingSays() throws Exception {
    java.io.ByteArrayOutputStream quick = new java.io.ByteArrayOutputStream();
    java.util.OptionalInt code =
        QuickCommands.run(
            new String[] {"ping"},
            new java.io.PrintStream(quick, true, java.nio.charset.StandardCharsets.UTF_8));
    long pid = pmfx.daemonPid();

    assertEquals(java.util.OptionalInt.of(0), code);
    String pong = quick.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(
        pong.matches(
            "pong: pmfx \\S+ daemon, pid "
                + pid
                + ", up \\d+s, home "
                + java.util.regex.Pattern.quote(pmfx.home.dir().toString())
                + "\\R"),
        pong);
    Run whole = pmfx.pmfx("ping");
    assertEquals(
        pong.replaceAll("up \\d+s", "up"),
        whole.out().replaceAll("up \\d+s", "up"),
        "as the whole way");
  }

  @Test
  void daemonRunsWithoutPicocliAndASecondOneSaysTheFirstRuns() throws Exception {
    pmfx.daemonPid(); // started as clients start it: pmfx daemon, answered by QuickCommands
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream was = System.err;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    java.util.OptionalInt code;
    try {
      code = QuickCommands.run(new String[] {"daemon"}, System.out);
    } finally {
      System.setErr(was);
    }
    assertEquals(java.util.OptionalInt.of(0), code);
    assertTrue(
        err.toString(java.nio.charset.StandardCharsets.UTF_8)
            .startsWith("pmfx: a pmfx daemon already runs for " + pmfx.home.dir()),
        err.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A table's lines, each without its uptime, cpu and memory cells. */
  private static List<List<String>> steadyCells(String table) {
    return table
        .lines()
        .map(
            line -> {
              List<String> cells = new java.util.ArrayList<>(List.of(line.split("│", -1)));
              if (cells.size() > 10) {
                cells.subList(9, 11).clear();
                cells.remove(6);
              }
              return cells.stream().map(String::strip).toList();
            })
        .filter(cells -> cells.size() > 1)
        .toList();
  }

  @Test
  void startListDescribeAndStopThroughTheDaemon() throws Exception {
    Run started = pmfx.pmfx("start", apps().toString());
    assertEquals(0, started.code(), started.toString());
    assertTrue(started.out().contains("│ web "), started.out());
    awaitOnline("web", 2);
    Set<String> pids = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      pids.add(DaemonHarness.get(port));
    }
    assertEquals(2, pids.size(), "both workers answer through the balancer: " + pids);

    Run list = pmfx.pmfx("list");
    assertEquals(0, list.code(), list + "\n" + Files.readString(Daemons.log(pmfx.home)));
    assertEquals(
        2,
        list.out().lines().filter(l -> l.contains(" web ") && l.contains("online")).count(),
        list.out());
    assertTrue(list.out().contains("│ ticker "), list.out());

    Run jlist = pmfx.pmfx("jlist");
    JsonNode processes = new ObjectMapper().readTree(jlist.out());
    assertEquals(3, processes.size(), jlist.out());
    for (JsonNode process : processes) {
      if (process.get("name").asText().equals("web")) {
        assertEquals("online", process.at("/pm2_env/status").asText());
        assertEquals("cluster_mode", process.at("/pm2_env/exec_mode").asText());
        assertTrue(pids.contains(process.get("pid").asText()), process.toString());
      }
    }

    Run describe = pmfx.pmfx("describe", "web");
    assertEquals(0, describe.code(), describe.toString());
    assertTrue(describe.out().contains("public port │ " + port), describe.out());
    assertTrue(describe.out().contains("web-out-0.log"), describe.out());
    // what runs each app, named as pmfx check names it: node and its path, java and its
    Run check = pmfx.pmfx("check", apps().toString());
    List<String> runs =
        check.out().lines().filter(l -> l.contains("runs: ")).map(l -> l.strip()).toList();
    assertEquals(2, runs.size(), check.toString());
    assertTrue(runs.get(0).startsWith("runs: node ("), runs.toString());
    for (String[] app : new String[][] {{"web", runs.get(0)}, {"ticker", runs.get(1)}}) {
      String runner = app[1].substring("runs: ".length());
      List<String> rows =
          pmfx.pmfx("describe", app[0])
              .out()
              .lines()
              .filter(l -> l.contains("interpreter"))
              .toList();
      assertFalse(rows.isEmpty(), app[0]);
      for (String row : rows) {
        assertTrue(row.contains("│ " + runner + " "), row + " is not " + runner);
      }
    }

    Run stop = pmfx.pmfx("stop", "web");
    assertEquals(0, stop.code(), stop.toString());
    assertTrue(workers("web").stream().allMatch(w -> w.state() == WorkerState.STOPPED));
    assertEquals(WorkerState.ONLINE, workers("ticker").getFirst().state(), "the other app runs on");

    Run restart = pmfx.pmfx("restart", "web");
    assertEquals(0, restart.code(), restart.toString());
    awaitOnline("web", 2);

    Run unknown = pmfx.pmfx("stop", "nope");
    assertEquals(1, unknown.code(), unknown.toString());
    assertTrue(unknown.err().contains("no app, worker id or namespace 'nope'"), unknown.err());

    Run delete = pmfx.pmfx("delete", "web");
    assertEquals(0, delete.code(), delete.toString());
    assertTrue(workers("web").isEmpty());
    assertFalse(pmfx.pmfx("list").out().contains(" web "));
  }

  @Test
  void onlyPicksAppsOfAFileGivenAsATarget() throws Exception {
    Path file = apps();
    assertEquals(0, pmfx.pmfx("start", file.toString()).code());
    awaitOnline("web", 2);
    awaitOnline("ticker", 1);

    Run restarted = pmfx.pmfx("restart", file.toString(), "--only", "ticker");

    assertEquals(0, restarted.code(), restarted.toString());
    assertEquals(1, workers("ticker").getFirst().restarts(), "ticker restarted");
    assertTrue(workers("web").stream().allMatch(w -> w.restarts() == 0), "web left alone");
    Run wrong = pmfx.pmfx("stop", file.toString(), "--only", "tickr");
    assertEquals(2, wrong.code(), wrong.toString());
    assertTrue(
        wrong.err().contains("--only names tickr, which no ecosystem file given as a target has"),
        wrong.err());
    assertTrue(
        workers("ticker").stream().allMatch(w -> w.state() == WorkerState.ONLINE),
        "nothing stopped");
  }

  @Test
  void reloadAndScalePrintTheirStepsAsTheyHappen() throws Exception {
    assertEquals(0, pmfx.pmfx("start", apps().toString(), "--only", "web").code());
    awaitOnline("web", 2);

    Run reload = pmfx.pmfx("reload", "web");
    assertEquals(0, reload.code(), reload.toString());
    assertTrue(reload.out().contains("web reload done: replaced 2 of 2 workers"), reload.out());
    assertEquals(
        2, reload.out().lines().filter(l -> l.contains(" ready done in ")).count(), reload.out());
    assertTrue(
        reload.out().indexOf("reload done") < reload.out().indexOf("┌"), "steps before the table");

    Run more = pmfx.pmfx("scale", "web", "+1");
    assertEquals(0, more.code(), more.toString());
    assertTrue(more.out().contains("web scale done: scaled from 2 to 3 workers"), more.out());
    assertEquals(3, workers("web").size());

    Run fewer = pmfx.pmfx("scale", "web", "1");
    assertEquals(0, fewer.code(), fewer.toString());
    assertTrue(fewer.out().contains(" drain done in "), fewer.out());
    assertEquals(1, workers("web").size());

    Run wrong = pmfx.pmfx("scale", "web", "lots");
    assertEquals(2, wrong.code(), wrong.toString());
    assertTrue(wrong.err().contains("'lots' is not a worker count"), wrong.err());

    Files.writeString(
        apps(),
        Files.readString(apps()).replace("DELAY_MS: \"0\"", "DELAY_MS: \"0\", BOOT: crash"));
    Run broken = pmfx.pmfx("reload", "web");
    assertEquals(1, broken.code(), "a failed reload fails the command: " + broken);
    assertTrue(broken.err().contains("before it was ready"), broken.err());
    assertNotEquals("", DaemonHarness.get(port), "the old worker still serves");
  }

  @Test
  void startsAScriptWithPm2sOptions() throws Exception {
    // An app that runs without a PORT (it listens where the system puts it): started with no
    // env, a cluster app that needs one would only crash, over and over.
    Path script = DaemonHarness.WORKERS.resolve("ready.js");
    Run started =
        pmfx.pmfx("start", script.toString(), "-i", "2", "--name", "api", "--namespace", "backend");
    assertEquals(0, started.code(), started.toString());
    Path written = pmfx.home.dir().resolve("apps/api.config.json");
    assertTrue(Files.isRegularFile(written), "the script's app has a file reload reads");
    try (RemoteEngine engine = pmfx.connect()) {
      AppStatus api = engine.snapshot().getFirst();
      assertEquals("api", api.name());
      assertEquals(2, api.spec().instances());
      assertEquals("backend", api.spec().namespace());
      assertEquals(written, api.file().orElseThrow());
    }
    Run byNamespace = pmfx.pmfx("stop", "backend");
    assertEquals(0, byNamespace.code(), byNamespace.toString());
    assertTrue(workers("api").stream().noneMatch(w -> w.state().running()));
    Run byId = pmfx.pmfx("start", String.valueOf(workers("api").getFirst().id()));
    assertEquals(0, byId.code(), byId.toString());
    assertEquals(1, workers("api").stream().filter(w -> w.state().running()).count());

    Run watched =
        pmfx.pmfx("start", DaemonHarness.WORKERS.resolve("Sleeper.java").toString(), "--watch");
    assertEquals(0, watched.code(), watched.toString());
    try (RemoteEngine engine = pmfx.connect()) {
      AppStatus sleeper =
          engine.snapshot().stream()
              .filter(a -> a.name().equals("Sleeper"))
              .findFirst()
              .orElseThrow();
      assertFalse(sleeper.spec().watch().isEmpty(), "--watch watches the app's folder");
    }
  }

  @Test
  void logsFlushAndMonit() throws Exception {
    assertEquals(0, pmfx.pmfx("start", apps().toString(), "--only", "ticker").code());
    Path out = pmfx.home.dir().resolve("logs/ticker-out.log");
    DaemonHarness.await("ticker's lines in its log", () -> lines(out) >= 3);

    Run logs = pmfx.pmfx("logs", "ticker", "--nostream", "--lines", "2");
    assertEquals(0, logs.code(), logs.toString());
    // as pm2 logs: the worker's id before the app's name, for lines read from its files too
    String prefix = workers("ticker").getFirst().id() + "|ticker | ";
    assertEquals(2, logs.out().lines().filter(l -> l.startsWith(prefix)).count(), logs.out());
    // every app's: first what the daemon did to the workers and why, as pm2 logs shows pm2.log
    Run all = pmfx.pmfx("logs", "--nostream", "--lines", "20");
    assertTrue(
        all.out()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "daemon \\| \\S+ pmfx daemon: ticker-0 \\(id \\d+\\) launching → online: pid \\d+")),
        all.out());

    Run monit = pmfx.pmfx("monit", "--frames", "2", "--interval", "1100");
    assertEquals(0, monit.code(), monit.toString());
    assertTrue(monit.out().contains("pmfx monit · 1 app, 1 worker"), monit.out());
    assertTrue(monit.out().contains("│ 0|ticker-0 │ online"), monit.out());
    assertTrue(monit.out().contains("0|ticker | "), "the last lines: " + monit.out());

    Run flush = pmfx.pmfx("flush", "ticker");
    assertEquals(0, flush.code(), flush.toString());
    assertTrue(lines(out) <= 2, "emptied, then a line or so more");

    Run unknown = pmfx.pmfx("logs", "nope", "--nostream");
    assertEquals(1, unknown.code(), unknown.toString());
  }

  @Test
  void logsPrintJsonRawAndTimestampedLinesAsPm2LogsDoes() throws Exception {
    assertEquals(0, pmfx.pmfx("start", apps().toString(), "--only", "ticker").code());
    Path out = pmfx.home.dir().resolve("logs/ticker-out.log");
    DaemonHarness.await("ticker's lines in its log", () -> lines(out) >= 3);

    Run raw = pmfx.pmfx("logs", "ticker", "--nostream", "--lines", "2", "--raw", "--out");
    assertEquals(0, raw.code(), raw.toString());
    assertEquals(2, raw.out().lines().filter(l -> l.matches("tick \\d+")).count(), raw.out());

    Run json = pmfx.pmfx("logs", "ticker", "--nostream", "--lines", "2", "--json", "--out");
    assertEquals(0, json.code(), json.toString());
    List<String> objects = json.out().lines().filter(l -> l.startsWith("{")).toList();
    assertEquals(2, objects.size(), json.out());
    var first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(objects.getFirst());
    assertTrue(first.get("message").asText().startsWith("tick "), objects.getFirst());
    assertEquals("out", first.get("type").asText());
    assertEquals("ticker", first.get("app_name").asText());
    assertEquals(workers("ticker").getFirst().id(), first.get("process_id").asInt());

    Run stamped = pmfx.pmfx("logs", "ticker", "--nostream", "--lines", "1", "--timestamp");
    assertTrue(
        stamped
            .out()
            .lines()
            .anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d-[\\d:]{8} \\d+\\|ticker \\| tick \\d+")),
        stamped.out());
    Run formatted =
        pmfx.pmfx("logs", "ticker", "--nostream", "--lines", "1", "--timestamp", "[at] HH:mm");
    assertTrue(
        formatted
            .out()
            .lines()
            .anyMatch(l -> l.matches("at \\d\\d:\\d\\d \\d+\\|ticker \\| tick \\d+")),
        formatted.out());
  }

  @Test
  void setGetAndConfKeepTheGlobalLogSettingsAsPm2SetDoes() throws Exception {
    Run set = pmfx.pmfx("set", "pm2-logrotate:max_size", "50M");
    assertEquals(0, set.code(), set.toString());
    assertEquals("logrotate:max_size = 50M\n", set.out());
    assertEquals(0, pmfx.pmfx("conf", "logrotate:compress", "true").code());
    assertEquals("50M\n", pmfx.pmfx("get", "logrotate:max_size").out());

    Run all = pmfx.pmfx("conf");
    assertEquals(0, all.code(), all.toString());
    assertTrue(all.out().contains("logrotate:max_size = 50M\n"), all.out());
    assertTrue(all.out().contains("logrotate:compress = true\n"), all.out());
    assertTrue(all.out().contains("logrotate:retain = 30 (default)\n"), all.out());
    assertTrue(
        Files.readString(pmfx.home.dir().resolve("conf.properties"))
            .contains("logrotate\\:max_size=50M"));

    Run bad = pmfx.pmfx("set", "logrotate:retain", "many");
    assertEquals(1, bad.code(), bad.toString());
    assertEquals(
        "pmfx: logrotate:retain must be a whole number of at least 0; found 'many'\n", bad.err());
    Run badCron = pmfx.pmfx("set", "logrotate:rotateInterval", "0 25 * * *");
    assertTrue(badCron.err().contains("Value 25 not in range [0, 23]"), badCron.err());
    Run unknown = pmfx.pmfx("set", "logrotate:max_sise", "1M");
    assertEquals(1, unknown.code());
    assertTrue(
        unknown.err().contains("pmfx has no setting 'logrotate:max_sise'; it has"), unknown.err());

    assertEquals(0, pmfx.pmfx("unset", "logrotate:max_size").code());
    assertEquals("10M\n", pmfx.pmfx("get", "logrotate:max_size").out());
  }

  private static long lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  @Test
  void saveKillAndResurrect() throws Exception {
    assertEquals(0, pmfx.pmfx("start", apps().toString()).code());
    awaitOnline("web", 2);
    assertEquals(0, pmfx.pmfx("scale", "web", "3").code());
    assertEquals(0, pmfx.pmfx("stop", "ticker").code());
    Run save = pmfx.pmfx("save");
    assertEquals(0, save.code(), save.toString());
    assertTrue(save.out().contains("saved 2 apps (1 running"), save.out());

    long daemon = pmfx.daemonPid();
    List<Long> workers = workers("web").stream().map(w -> w.pid().getAsLong()).toList();
    Run kill = pmfx.pmfx("kill");
    assertEquals(0, kill.code(), kill.toString());
    assertTrue(kill.out().contains("stopped 3 workers and the daemon"), kill.out());
    assertFalse(
        ProcessHandle.of(daemon).map(dev.pmfx.daemon.Orphans::running).orElse(false),
        "daemon ended");
    for (long pid : workers) {
      assertFalse(
          ProcessHandle.of(pid).map(dev.pmfx.daemon.Orphans::running).orElse(false),
          "worker " + pid + " ended");
    }
    assertFalse(Files.exists(Daemons.socket(pmfx.home)), "the socket went with it");
    assertEquals(0, pmfx.pmfx("kill").code(), "kill without a daemon is fine");

    Run resurrect = pmfx.pmfx("resurrect");
    assertEquals(0, resurrect.code(), resurrect.toString());
    awaitOnline("web", 3);
    assertTrue(workers("ticker").isEmpty(), "a stopped app stays down");
    assertNotEquals("", DaemonHarness.get(port));
  }

  @Test
  void aDaemonKilledWithSigkillLeavesItsWorkersRunningAndTheNextAdoptsThemAsTheyWere()
      throws Exception {
    assertEquals(0, pmfx.pmfx("start", apps().toString()).code());
    awaitOnline("web", 2);
    awaitOnline("ticker", 1);
    assertEquals(0, pmfx.pmfx("restart", "ticker").code());
    awaitOnline("ticker", 1);
    long daemon = pmfx.daemonPid();
    List<WorkerStatus> before = new java.util.ArrayList<>(workers("web"));
    before.addAll(workers("ticker"));
    Path tickerLog = pmfx.home.dir().resolve("logs/ticker-out.log");

    ProcessHandle.of(daemon).orElseThrow().destroyForcibly(); // SIGKILL
    // Gone whole: its first thread is a zombie while the others still exit, and one of them can
    // still take a connection off the port, which then ends with it.
    DaemonHarness.await("the daemon gone", () -> ProcessHandle.of(daemon).isEmpty());
    long linesAtDeath = lines(tickerLog);
    // A keeper holds the port: a connection made now waits in its backlog, not refused.
    java.util.concurrent.CompletableFuture<String> meanwhile = requestInTheBackground(port);
    Thread.sleep(1500); // the ticker writes on, to a pipe nobody reads now
    assertFalse(
        meanwhile.isDone(),
        "waiting, not refused: "
            + meanwhile.getNow("")
            + "; keepers: "
            + pmfx.processesWith("sleep infinity")
            + "\n"
            + Files.readString(Daemons.log(pmfx.home)));
    for (WorkerStatus w : before) {
      assertTrue(
          ProcessHandle.of(w.pid().getAsLong()).map(dev.pmfx.daemon.Orphans::running).orElse(false),
          w.label() + " outlives the daemon");
    }

    Run list = pmfx.pmfx("list"); // starts a new daemon, which adopts them
    assertEquals(0, list.code(), list + "\n" + Files.readString(Daemons.log(pmfx.home)));
    awaitOnline("web", 2);
    awaitOnline("ticker", 1);
    List<WorkerStatus> after = new java.util.ArrayList<>(workers("web"));
    after.addAll(workers("ticker"));
    assertEquals(
        before.stream().map(w -> w.label() + " id " + w.id() + " pid " + w.pid()).toList(),
        after.stream().map(w -> w.label() + " id " + w.id() + " pid " + w.pid()).toList(),
        "the same processes under the same ids");
    assertEquals(
        before.stream().map(WorkerStatus::restarts).toList(),
        after.stream().map(WorkerStatus::restarts).toList(),
        "their restart counts as they were");
    assertEquals(1, after.getLast().restarts());
    assertEquals(
        before.stream().map(WorkerStatus::startedAt).toList(),
        after.stream().map(WorkerStatus::startedAt).toList(),
        "their uptime goes on");
    assertNotEquals("", DaemonHarness.get(port), "serving again on its port");
    String served = meanwhile.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(served.startsWith("HTTP/1.1 200"), "the connection made meanwhile: " + served);
    assertEquals(
        1,
        pmfx.processesWith("sleep infinity").size(),
        "one keeper of the port, the one taken over");
    DaemonHarness.await(
        "the ticker's lines from while no daemon ran, and after, in its log",
        () -> lines(tickerLog) > linesAtDeath + 5);
    String log = Files.readString(Daemons.log(pmfx.home));
    assertTrue(log.contains("ended without pmfx kill"), log);
    assertTrue(log.contains("adopted ticker-0 (pid " + before.getLast().pid().getAsLong()), log);
    assertEquals(
        2,
        pmfx.processesWith(DaemonHarness.WORKERS.resolve("versioned.js").toString()).size(),
        "no duplicate web workers");
    assertEquals(1, pmfx.processesWith("Ticker.java").size(), "no duplicate ticker");

    assertEquals(0, pmfx.pmfx("restart", "ticker").code(), "an adopted worker restarts");
    assertNotEquals("", DaemonHarness.get(port), "the port taken back serves on");
    awaitOnline("ticker", 1);
    WorkerStatus restarted = workers("ticker").getFirst();
    assertEquals(2, restarted.restarts());
    if (dev.pmfx.posix.Libc.EXIT_INFO) {
      // not this daemon's child: Linux tells its exit status once init reaped it
      assertTrue(restarted.lastExitCode().isPresent(), restarted.toString());
    }
    assertNotEquals(before.getLast().pid(), restarted.pid());
    assertFalse(
        ProcessHandle.of(before.getLast().pid().getAsLong())
            .map(dev.pmfx.daemon.Orphans::running)
            .orElse(false),
        "the adopted process stopped");
  }

  /** A GET on a connection made now, answered whenever it is (within a minute). */
  private static java.util.concurrent.CompletableFuture<String> requestInTheBackground(int port) {
    return java.util.concurrent.CompletableFuture.supplyAsync(
        () -> {
          try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            s.getOutputStream()
                .write(
                    "GET / HTTP/1.1\r\nHost: pmfx\r\nConnection: close\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(
                s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          } catch (java.io.IOException e) {
            return "failed: " + e;
          }
        });
  }

  @Test
  void aJavaClusterAppBehindTheHttpBalancerKeepsItsPortAndWorkersWhenTheDaemonDies()
      throws Exception {
    Path file =
        pmfx.ecosystem(
            "java-web.yaml",
            """
            apps:
              - name: java-web
                script: PortServer.java
                cwd: ${workers}
                exec_mode: cluster
                instances: 2
                env: { PORT: "%d" }
            """
                .formatted(port));
    assertEquals(0, pmfx.pmfx("start", file.toString()).code());
    awaitOnline("java-web", 2);
    List<Long> before = workers("java-web").stream().map(w -> w.pid().getAsLong()).toList();
    long daemon = pmfx.daemonPid();

    ProcessHandle.of(daemon).orElseThrow().destroyForcibly(); // SIGKILL
    DaemonHarness.await("the daemon gone whole", () -> ProcessHandle.of(daemon).isEmpty());
    java.util.concurrent.CompletableFuture<String> meanwhile = requestInTheBackground(port);
    Thread.sleep(500);
    assertFalse(meanwhile.isDone(), "waiting, not refused: " + meanwhile.getNow(""));

    assertEquals(0, pmfx.pmfx("ping").code()); // a new daemon, which adopts them
    awaitOnline("java-web", 2);
    assertEquals(before, workers("java-web").stream().map(w -> w.pid().getAsLong()).toList());
    String served = meanwhile.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(served.startsWith("HTTP/1.1 200"), "the connection made meanwhile: " + served);
    assertTrue(served.contains("java pid "), served);
    assertEquals(1, pmfx.processesWith("sleep infinity").size(), "one keeper of the port");

    assertEquals(0, pmfx.pmfx("delete", "java-web").code());
    DaemonHarness.await(
        "the keeper gone with the port", () -> pmfx.processesWith("sleep infinity").isEmpty());
  }

  @Test
  void aWorkerThatReusedTheDescriptorsItKeptForPmfxIsReplacedNotAdopted() throws Exception {
    Path script = pmfx.home.dir().getParent().resolve("reuses-fds.sh");
    Files.writeString(
        script,
        """
        #!/bin/sh
        # what pmfx left at 3, 4 and 5 (PMFX_HELD_FDS) is now the script's own; it writes
        # nothing, so it outlives the daemon all the same
        exec 3</dev/null 4</dev/null 5>/dev/null
        while true; do sleep 0.2; done
        """);
    script.toFile().setExecutable(true);
    assertEquals(0, pmfx.pmfx("start", script.toString(), "--name", "reuser").code());
    awaitOnline("reuser", 1);
    long before = workers("reuser").getFirst().pid().getAsLong();
    long daemon = pmfx.daemonPid();

    ProcessHandle.of(daemon).orElseThrow().destroyForcibly(); // SIGKILL
    DaemonHarness.await(
        "the daemon gone",
        () -> !ProcessHandle.of(daemon).map(dev.pmfx.daemon.Orphans::running).orElse(false));
    assertEquals(0, pmfx.pmfx("ping").code());
    awaitOnline("reuser", 1);
    long after = workers("reuser").getFirst().pid().getAsLong();
    assertNotEquals(before, after, "a new process in its place");
    assertFalse(
        ProcessHandle.of(before).map(dev.pmfx.daemon.Orphans::running).orElse(false),
        "the old one stopped");
    assertEquals(1, pmfx.processesWith("reuses-fds.sh").size(), "never two of it");
    String log = Files.readString(Daemons.log(pmfx.home));
    assertTrue(log.contains("is no longer the one pmfx left there"), log);
  }

  @Test
  void pingStartsTheDaemonAndTheHomeIsPrivate() throws Exception {
    Run ping = pmfx.pmfx("ping");
    assertEquals(0, ping.code(), ping.toString());
    assertTrue(ping.out().startsWith("pong: pmfx "), ping.out());
    assertEquals(
        "rwx------",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(pmfx.home.dir())));
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(Daemons.socket(pmfx.home))));
  }

  @Test
  void anUnreachableDaemonExitsWithThree() throws Exception {
    Path notAFolder = dir.resolve("file");
    Files.writeString(notAFolder, "");
    System.setProperty("pmfx.home", notAFolder.resolve("home").toString());
    Run list = pmfx.pmfx("list");
    assertEquals(3, list.code(), list.toString());
    assertTrue(list.err().contains("cannot reach the daemon"), list.err());
  }

  @Test
  void twoClientsAtOnceSeeOneDaemon() throws Exception {
    try (RemoteEngine watcher = pmfx.connect();
        RemoteEngine actor = pmfx.connect()) {
      List<dev.pmfx.engine.EngineEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      watcher.subscribe(
          new dev.pmfx.engine.EngineListener() {
            @Override
            public void onSnapshot(List<AppStatus> apps) {}

            @Override
            public void onEvent(dev.pmfx.engine.EngineEvent event) {
              seen.add(event);
            }
          });
      var loaded =
          (dev.pmfx.config.LoadResult.Loaded)
              dev.pmfx.config.EcosystemLoader.forThisMachine().load(apps());
      var started =
          actor.start(loaded.ecosystem(), java.util.Optional.empty(), Set.of("web")).get();
      assertTrue(started.ok(), started.toString());
      DaemonHarness.await(
          "the watcher sees what the other client started",
          () ->
              seen.stream()
                      .filter(
                          e ->
                              e instanceof dev.pmfx.engine.EngineEvent.WorkerChanged c
                                  && c.worker().state() == WorkerState.ONLINE)
                      .count()
                  == 2);
      // Both at once, many calls each: every answer reaches the client that asked.
      List<java.util.concurrent.CompletableFuture<Integer>> calls = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        calls.add(
            java.util.concurrent.CompletableFuture.supplyAsync(() -> watcher.snapshot().size()));
        calls.add(
            java.util.concurrent.CompletableFuture.supplyAsync(() -> actor.snapshot().size()));
      }
      for (var call : calls) {
        assertEquals(1, call.get());
      }
      assertEquals(watcher.snapshot(), actor.snapshot());
      assertTrue(watcher.stop("web").get().ok());
      assertTrue(
          actor.snapshot().getFirst().workers().stream()
              .allMatch(w -> w.state() == WorkerState.STOPPED));
    }
  }

  /** Another user's client: node, run as nobody, connecting and asking for a ping. */
  private String connectAsNobody() throws Exception {
    Process client =
        new ProcessBuilder(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "/usr/bin/node",
                "-e",
                """
                const s = require('net').connect(process.argv[1]);
                s.on('connect', () => s.write('{"id":1,"call":{"op":"Ping"}}\\n'));
                s.on('data', d => process.stdout.write('DATA ' + d));
                s.on('error', e => console.log('ERROR ' + e.code));
                s.on('close', () => console.log('CLOSED'));
                """,
                Daemons.socket(pmfx.home).toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(client.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "the client ended");
    return new String(client.getInputStream().readAllBytes());
  }

  @Test
  void anotherUserCannotConnect() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "needs root to act as another user");
    assertEquals(0, pmfx.pmfx("ping").code());

    String blocked = connectAsNobody();
    assertTrue(blocked.contains("ERROR EACCES"), "the home and socket keep others out: " + blocked);

    // Even with the folder and socket opened up by mistake, the daemon checks who connects.
    var open = java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x");
    Files.setPosixFilePermissions(dir, open);
    Files.setPosixFilePermissions(pmfx.home.dir(), open);
    Files.setPosixFilePermissions(
        Daemons.socket(pmfx.home),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    String refused = connectAsNobody();
    assertTrue(refused.contains("refused a client: user nobody is not root"), refused);
    assertFalse(refused.contains("pong") || refused.contains("\"pid\""), "no answer: " + refused);
    assertTrue(
        Files.readString(Daemons.log(pmfx.home))
            .contains("refused a client: user nobody is not root"),
        "the daemon's log says so");
  }

  @Test
  void startPrintsItsTableOnceTheWorkersAreReadyAsPm2Does() throws Exception {
    Files.writeString(
        dir.resolve("slow.js"),
        "setTimeout(() => process.send('ready'), 1500);\nsetInterval(() => {}, 1000);\n");
    Path file =
        pmfx.ecosystem(
            "slow.yaml",
            "apps:\n  - name: slow\n    script: slow.js\n    cwd: "
                + dir
                + "\n    wait_ready: true\n    listen_timeout: 10000\n");
    Run started = pmfx.pmfx("start", file.toString());
    assertEquals(0, started.code(), started.toString());
    String row = started.out().lines().filter(l -> l.contains("│ slow ")).findFirst().orElseThrow();
    assertTrue(row.contains("online"), "the table waited for ready: " + started.out());
  }

  @Test
  void startupPrintsAndInstallsASystemdUserUnit() throws Exception {
    // as a user other than root, who gets a system unit instead (StartupTest), which a test must
    // never install on the machine it runs on
    String user = System.getProperty("user.name");
    Run printed;
    try {
      System.setProperty("user.name", "deploy");
      printed = pmfx.pmfx("startup");
    } finally {
      System.setProperty("user.name", user);
    }
    assertEquals(0, printed.code(), printed.toString());
    assertTrue(printed.out().contains("ExecStart="), printed.out());
    assertTrue(printed.out().contains(" daemon --resurrect\n"), printed.out());
    assertTrue(printed.out().contains("Environment=PMFX_HOME=" + pmfx.home.dir()), printed.out());
    assertTrue(printed.out().contains("WantedBy=default.target"), printed.out());

    Path config = dir.resolve("config");
    // --install, with XDG_CONFIG_HOME, which only a process of its own can have
    ProcessBuilder builder =
        new ProcessBuilder(Path.of("bin/pmfx").toAbsolutePath().toString(), "startup", "--install");
    builder.environment().put("XDG_CONFIG_HOME", config.toString());
    builder.environment().put("JAVA_TOOL_OPTIONS", "-Duser.name=deploy");
    builder.environment().put("PMFX_SKIP_BUILD", "1");
    builder.environment().put("PMFX_HOME", pmfx.home.dir().toString());
    Process withConfig = builder.redirectErrorStream(true).start();
    String said = new String(withConfig.getInputStream().readAllBytes());
    int code = withConfig.waitFor();
    Path unit = config.resolve("systemd/user/pmfx.service");
    assertTrue(Files.readString(unit).contains("ExecStop="), said);
    if (code != 0) {
      assertEquals(1, code, said);
      assertTrue(said.contains("systemctl"), "says what failed: " + said);
    }
    ProcessBuilder remove =
        new ProcessBuilder(Path.of("bin/pmfx").toAbsolutePath().toString(), "unstartup");
    remove.environment().putAll(builder.environment());
    Process removing = remove.redirectErrorStream(true).start();
    String removed = new String(removing.getInputStream().readAllBytes());
    removing.waitFor();
    assertFalse(Files.exists(unit), removed);
  }

  @Test
  void logsFollowsWhatWorkersWriteUntilInterrupted() throws Exception {
    assertEquals(0, pmfx.pmfx("start", apps().toString(), "--only", "ticker").code());
    Path dated =
        pmfx.ecosystem(
            "dated.yaml",
            """
            apps:
              - name: dated
                script: Ticker.java
                cwd: ${workers}
                log_date_format: "[on] HH:mm"
                env: { PAUSE_MS: "200" }
            """);
    assertEquals(0, pmfx.pmfx("start", dated.toString()).code());
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of("bin/pmfx").toAbsolutePath().toString(), "logs", "all", "--lines", "0");
    builder.environment().put("PMFX_SKIP_BUILD", "1");
    builder.environment().put("PMFX_HOME", pmfx.home.dir().toString());
    Path output = dir.resolve("logs.txt");
    Process logs = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      DaemonHarness.await(
          "followed lines",
          () -> {
            try {
              List<String> followed = Files.readString(output).lines().toList();
              // an app with log_date_format: its time before each line, as in its file
              return followed.stream().filter(l -> l.matches("\\d+\\|ticker \\| tick \\d+")).count()
                      >= 3
                  && followed.stream()
                      .anyMatch(l -> l.matches("\\d+\\|dated \\| on \\d\\d:\\d\\d: tick \\d+"));
            } catch (java.io.IOException e) {
              return false;
            }
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; followed:\n" + Files.readString(output), e);
    } finally {
      logs.destroy(); // SIGTERM, as Ctrl-C's end
      logs.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertTrue(
        workers("ticker").getFirst().state() == WorkerState.ONLINE, "following changed nothing");
  }

  @Test
  void workersThatADeadDaemonNeverWroteDownAreFoundAndStopped() throws Exception {
    assertEquals(0, pmfx.pmfx("start", apps().toString(), "--only", "ticker").code());
    awaitOnline("ticker", 1);
    long daemon = pmfx.daemonPid();
    long worker = workers("ticker").getFirst().pid().getAsLong();

    ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
    DaemonHarness.await(
        "the daemon gone",
        () -> !ProcessHandle.of(daemon).map(dev.pmfx.daemon.Orphans::running).orElse(false));
    Files.delete(pmfx.home.dir().resolve("daemon.json")); // as if it died before writing it

    Run list = pmfx.pmfx("list");
    assertEquals(0, list.code(), list + "\n" + Files.readString(Daemons.log(pmfx.home)));
    DaemonHarness.await(
        "the orphan stopped",
        () -> !ProcessHandle.of(worker).map(dev.pmfx.daemon.Orphans::running).orElse(false));
    assertTrue(pmfx.processesWith("Ticker.java").isEmpty(), "nothing of it left");
    assertTrue(
        Files.readString(Daemons.log(pmfx.home))
            .contains("stopped a worker it had not written down (pid " + worker),
        Files.readString(Daemons.log(pmfx.home)));
  }

  @Test
  void startTakesSeveralThingsAndAScriptsArgumentsAfterDashes() throws Exception {
    Path sleeper = DaemonHarness.WORKERS.resolve("Sleeper.java");
    Run two = pmfx.pmfx("start", apps().toString(), sleeper.toString(), "--", "--verbose", "x");
    assertEquals(0, two.code(), two.toString());
    try (RemoteEngine engine = pmfx.connect()) {
      AppStatus app =
          engine.snapshot().stream()
              .filter(a -> a.name().equals("Sleeper"))
              .findFirst()
              .orElseThrow();
      assertEquals(List.of("--verbose", "x"), app.spec().args());
      assertEquals(3, engine.snapshot().size(), "web, ticker and Sleeper");
    }

    Path written = pmfx.home.dir().resolve("apps/Sleeper.config.json");
    String before = Files.readString(written);
    Run again =
        pmfx.pmfx(
            "start", DaemonHarness.WORKERS.resolve("Ticker.java").toString(), "--name", "Sleeper");
    assertEquals(1, again.code(), again.toString());
    assertTrue(again.err().contains("Sleeper: already running"), again.err());
    assertEquals(before, Files.readString(written), "the running app's file is left alone");

    Run missing = pmfx.pmfx("start", "./nosuch.js");
    assertEquals(1, missing.code(), missing.toString());
    assertTrue(missing.err().contains("nosuch.js: file not found"), missing.err());

    Run byName = pmfx.pmfx("stop", "web");
    assertEquals(0, byName.code());
    Run known = pmfx.pmfx("start", "web");
    assertEquals(0, known.code(), "a known app's name starts it: " + known);
  }

  @Test
  void reloadAndRestartOfAFileStartItsAppsNotRunningYetAsPm2Does() throws Exception {
    // a first deploy's post-deploy: pmfx reload ecosystem.yaml, with nothing started yet
    Run first = pmfx.pmfx("reload", apps().toString(), "--only", "ticker");
    assertEquals(0, first.code(), first.toString());
    assertTrue(first.out().contains("ticker not running yet: starting from "), first.out());
    awaitOnline("ticker", 1);
    long pid = workers("ticker").getFirst().pid().orElseThrow();

    // the next deploy's reload replaces it, and starts web, which the file has and nothing runs
    Run next = pmfx.pmfx("restart", apps().toString());
    assertEquals(0, next.code(), next.toString());
    assertTrue(next.out().contains("web not running yet: starting from "), next.out());
    assertFalse(next.out().contains("ticker not running yet"), next.out());
    awaitOnline("web", 2);
    awaitOnline("ticker", 1);
    assertNotEquals(pid, workers("ticker").getFirst().pid().orElseThrow());
  }

  @Test
  void saveLeavesADumpAloneWhenNothingRuns() throws Exception {
    assertEquals(0, pmfx.pmfx("start", apps().toString(), "--only", "ticker").code());
    assertEquals(0, pmfx.pmfx("save").code());
    String dump = Files.readString(Daemons.dumpFile(pmfx.home));
    assertEquals(0, pmfx.pmfx("delete", "all").code());
    Run empty = pmfx.pmfx("save");
    assertEquals(1, empty.code(), empty.toString());
    assertEquals(dump, Files.readString(Daemons.dumpFile(pmfx.home)));
    assertEquals(0, pmfx.pmfx("save", "--force").code());
  }

  @Test
  void twoKillsAtOnceBothSucceed() throws Exception {
    assertEquals(0, pmfx.pmfx("start", apps().toString(), "--only", "ticker").code());
    awaitOnline("ticker", 1);
    var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> pmfx.pmfx("kill"));
    var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> pmfx.pmfx("kill"));
    assertEquals(0, first.get().code(), first.get().toString());
    assertEquals(0, second.get().code(), second.get().toString());
    assertTrue(pmfx.processesWith("Ticker.java").isEmpty());
  }

  @Test
  void aClientSaysNothingToASocketOfAnotherUser() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "needs root to act as another user");
    Path home = Files.createDirectories(pmfx.home.dir());
    Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        home, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
    Files.setAttribute(
        home,
        "posix:group",
        home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("nogroup"));
    Path heard = dir.resolve("heard.txt");
    Process impostor =
        new ProcessBuilder(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "/usr/bin/node",
                "-e",
                """
                const fs = require('fs');
                require('net').createServer(s => s.on('data', d => fs.appendFileSync(process.argv[2], d)))
                  .listen(process.argv[1], () => console.log('listening'));
                """,
                Daemons.socket(pmfx.home).toString(),
                heard.toString())
            .redirectErrorStream(true)
            .start();
    try {
      DaemonHarness.await("the impostor listening", () -> Files.exists(Daemons.socket(pmfx.home)));
      Files.setPosixFilePermissions(
          dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
      Files.writeString(heard, "");
      Files.setPosixFilePermissions(
          dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setOwner(
          heard,
          home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
      Run list = pmfx.pmfx("start", apps().toString());
      assertEquals(3, list.code(), list.toString());
      assertTrue(list.err().contains("user nobody is not root"), list.err());
      assertEquals("", Files.readString(heard), "nothing was said to it");
    } finally {
      impostor.destroyForcibly();
    }
  }

  @Test
  void updateRestartsTheDaemonWithTheSameApps() throws Exception {
    assertEquals(0, pmfx.pmfx("start", apps().toString(), "--only", "web").code());
    awaitOnline("web", 2);
    assertEquals(0, pmfx.pmfx("scale", "web", "3").code());
    long before = pmfx.daemonPid();

    Run update = pmfx.pmfx("update");
    assertEquals(0, update.code(), update.toString());
    assertTrue(update.out().contains("the daemon runs pmfx "), update.out());
    long after = pmfx.daemonPid();
    assertNotEquals(before, after, "a new daemon");
    assertFalse(ProcessHandle.of(before).map(dev.pmfx.daemon.Orphans::running).orElse(false));
    awaitOnline("web", 3);
    assertNotEquals("", DaemonHarness.get(port));
  }

  @Test
  void startingAFileAgainReloadsWhatRunsAndFilesNameTheirApps() throws Exception {
    Path file = apps();
    assertEquals(0, pmfx.pmfx("start", file.toString()).code());
    awaitOnline("web", 2);
    assertEquals(0, pmfx.pmfx("stop", "ticker").code());

    Run again = pmfx.pmfx("start", file.toString());
    assertEquals(0, again.code(), again.toString());
    assertTrue(again.out().contains("web runs already: reloading it"), again.out());
    assertTrue(again.out().contains("web reload done"), again.out());
    awaitOnline("ticker", 1);

    Run stopFile = pmfx.pmfx("stop", file.toString());
    assertEquals(0, stopFile.code(), stopFile.toString());
    assertTrue(workers("web").stream().noneMatch(w -> w.state().running()));
    assertTrue(workers("ticker").stream().noneMatch(w -> w.state().running()));

    Run orReload = pmfx.pmfx("startOrReload", file.toString());
    assertEquals(0, orReload.code(), orReload.toString());
    awaitOnline("web", 2);
  }

  @Test
  void killAfterADaemonDiedStopsWhatItLeftAndBringsNothingBack() throws Exception {
    assertEquals(0, pmfx.pmfx("start", apps().toString()).code());
    awaitOnline("web", 2);
    awaitOnline("ticker", 1);
    long daemon = pmfx.daemonPid();
    ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
    DaemonHarness.await(
        "the daemon gone",
        () -> !ProcessHandle.of(daemon).map(dev.pmfx.daemon.Orphans::running).orElse(false));

    Run kill = pmfx.pmfx("kill");
    assertEquals(0, kill.code(), kill.toString());
    assertTrue(kill.out().contains("stopped what the last one left running"), kill.out());
    assertTrue(pmfx.processesWith("").isEmpty(), "no worker of this home left");

    Run list = pmfx.pmfx("list"); // a new daemon, with nothing to take over
    assertEquals(0, list.code(), list.toString());
    assertFalse(list.out().contains(" web "), list.out());
  }

  @Test
  void aScriptTakesPm2sStartOptions() throws Exception {
    Path out = dir.resolve("api.out");
    Run started =
        pmfx.pmfx(
            "start",
            DaemonHarness.WORKERS.resolve("Sleeper.java").toString(),
            "--name",
            "api",
            "--kill-timeout",
            "3000",
            "--max-memory-restart",
            "300M",
            "--no-autorestart",
            "--time",
            "--log-type",
            "json",
            "--log",
            "-o",
            out.toString());
    assertEquals(0, started.code(), started.toString());
    try (RemoteEngine engine = pmfx.connect()) {
      var spec = engine.snapshot().getFirst().spec();
      assertEquals(java.time.Duration.ofMillis(3000), spec.killTimeout());
      assertEquals(300L << 20, spec.maxMemoryRestart().orElseThrow().bytes());
      assertFalse(spec.autorestart());
      // the format time: true gives in a file
      assertEquals(java.util.Optional.of("YYYY-MM-DDTHH:mm:ss"), spec.logDateFormat());
      assertTrue(spec.logs().json());
      assertTrue(spec.logs().combinedAtDefault());
      assertEquals(out, spec.outFile().orElseThrow());
    }
    Run describe = pmfx.pmfx("describe", "api");
    String described = describe.out().replaceAll(" +", " ");
    assertTrue(
        described.contains("combined log │ " + pmfx.home.dir().resolve("logs/api.log")),
        describe.out());
    assertTrue(described.contains("log type │ json"), describe.out());
  }

  @Test
  void startTakesACommandAndACommandLineAsPm2Does() throws Exception {
    // when a program on PATH is started with its arguments after --, and a command line in quotes
    Run program = pmfx.pmfx("start", "sleep", "--", "30");
    Run line = pmfx.pmfx("start", "sleep 31");

    // then both run, named as PM2 names them
    assertEquals(0, program.code(), program.toString());
    assertEquals(0, line.code(), line.toString());
    awaitOnline("sleep", 1);
    awaitOnline("sleep 31", 1);
    try (RemoteEngine engine = pmfx.connect()) {
      AppStatus sleep =
          engine.snapshot().stream()
              .filter(a -> a.name().equals("sleep"))
              .findFirst()
              .orElseThrow();
      assertEquals("sleep", sleep.spec().script());
      assertEquals(List.of("30"), sleep.spec().args());
    }

    // and a word that is no app, no file and no command says so, with the PATH searched
    Run missing = pmfx.pmfx("start", "no-such-command-here");
    assertEquals(1, missing.code(), missing.toString());
    assertTrue(
        missing
            .err()
            .contains(
                "pmfx: no-such-command-here: no app of that name, no such file, and no such"
                    + " command on PATH ("
                    + System.getenv("PATH")
                    + ")"),
        missing.err());
  }
}
