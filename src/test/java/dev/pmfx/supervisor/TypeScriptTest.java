package dev.pmfx.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.SearchPath;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.engine.WorkerState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * TypeScript runs on Node.js's own type stripping where the version has it, else on Node.js with
 * tsx as its loader, else not at all with a message that says what to install; CoffeeScript runs
 * through coffee.
 */
class TypeScriptTest {

  static final List<String> STRIPPING = NodeVersions.OTHERS;
  static final String TSX = "4.23.15";
  static final String TS_NODE = "10.9.2";

  /** The TypeScript ts-node works with: TypeScript 7 no longer has the API it calls. */
  static final String TYPESCRIPT = "typescript@5.9.3";

  static final String COFFEESCRIPT = "2.7.0";

  /** A Node.js that strips types only when asked with --experimental-strip-types. */
  static final String STRIPPING_WITH_THE_FLAG = "22.12.0";

  @TempDir Path dir;
  private EngineHarness pmfx;

  @BeforeEach
  void engine() {
    pmfx = new EngineHarness(dir);
  }

  @AfterEach
  void close() {
    pmfx.close();
  }

  /** An app folder holding a copy of the fixture {@code file}, and no node_modules. */
  private Path app(String file) throws Exception {
    Path app = Files.createDirectories(dir.resolve("app"));
    Files.copy(EngineHarness.workers().resolve(file), app.resolve(file));
    return app;
  }

  private static String commandLine(long pid) throws Exception {
    return new String(
            Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
        .replace('\0', ' ');
  }

  private static String machineNode() throws Exception {
    Path node = SearchPath.find("node", System.getenv().getOrDefault("PATH", "")).orElseThrow();
    Process version = new ProcessBuilder(node.toString(), "--version").start();
    return new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  @ParameterizedTest(name = "Node {0}")
  @FieldSource("STRIPPING")
  void nodeThatStripsTypesRunsTypeScriptItselfWithProcessSend(String version) throws Exception {
    // given a Node.js that strips types by default, and no TypeScript runner anywhere
    Path node = NodeVersions.node(version);
    pmfx.start(
        """
        apps:
          - name: typed
            script: typed.ts
            interpreter: %s
            cwd: %s
            wait_ready: true
            listen_timeout: 20s
        """
            .formatted(node, app("typed.ts")));

    // then Node.js runs it with pmfx's shim and channel: process.send says ready
    var online = pmfx.events.awaitState("typed", WorkerState.ONLINE);
    assertEquals("ready", online.reason());
    pmfx.events.awaitLine(
        "typed", ("typed on node v" + version + ", process.send is function")::equals);
    String command = commandLine(online.worker().pid().orElseThrow());
    assertFalse(command.contains("--import"), command);
  }

  @Test
  void aTypeScriptClusterAppTakesItsConnectionsFromPmfxOnBothWorkers() throws Exception {
    // given the HTTP fixture as a .ts file, on a Node.js that strips types, in cluster mode
    Path app = Files.createDirectories(dir.resolve("app"));
    Files.copy(EngineHarness.workers().resolve("versioned.js"), app.resolve("server.ts"));
    int port = EngineHarness.freePort();
    pmfx.start(
        """
        apps:
          - script: server.ts
            interpreter: %s
            cwd: %s
            instances: 2
            env: { PORT: %d, DELAY_MS: 0 }
        """
            .formatted(NodeVersions.node(STRIPPING.getFirst()), app, port));

    // then it is a Node app (hand-off, no PORT to name) and both workers answer
    pmfx.awaitOnline("server", 2);
    assertEquals(
        dev.pmfx.config.BalancerMode.HANDOFF,
        pmfx.engine.snapshot().getFirst().spec().balancerMode());
    java.util.Set<String> pids =
        pmfx.workers("server").stream()
            .map(w -> String.valueOf(w.pid().orElseThrow()))
            .collect(java.util.stream.Collectors.toSet());
    assertEquals(pids, EngineHarness.servedOnNewConnections(port, 8));
  }

  @Test
  void nodeThatStripsTypesOnlyWithTheFlagIsGivenIt() throws Exception {
    Path node = NodeVersions.node(STRIPPING_WITH_THE_FLAG);
    pmfx.start(
        """
        apps:
          - name: typed
            script: typed.ts
            interpreter: %s
            cwd: %s
            wait_ready: true
            listen_timeout: 20s
        """
            .formatted(node, app("typed.ts")));

    var online = pmfx.events.awaitState("typed", WorkerState.ONLINE);
    assertEquals("ready", online.reason());
    pmfx.events.awaitLine(
        "typed",
        ("typed on node v" + STRIPPING_WITH_THE_FLAG + ", process.send is function")::equals);
    String command = commandLine(online.worker().pid().orElseThrow());
    assertTrue(command.contains(" --experimental-strip-types "), command);
  }

  @Test
  void olderNodeRunsTypeScriptWithTheAppsOwnTsNodeWhenItHasNoTsx() throws Exception {
    // given Node.js 20, and a project as ts-node wants one: its tsconfig.json, ts-node and
    // typescript in its node_modules
    Path app = app("typed.ts");
    Files.writeString(
        app.resolve("tsconfig.json"),
        "{ \"compilerOptions\": { \"module\": \"commonjs\", \"target\": \"es2022\" } }\n");
    Files.createSymbolicLink(
        app.resolve("node_modules"), NodeVersions.nodeModules("ts-node", TS_NODE, TYPESCRIPT));

    pmfx.start(
        """
        apps:
          - script: typed.ts
            cwd: %s
            wait_ready: true
            listen_timeout: 30s
            env: { TS_NODE_TRANSPILE_ONLY: "true" }
        """
            .formatted(app));

    // then the worker is Node.js with ts-node's register: ready comes through Node's channel
    var online = pmfx.events.awaitState("typed", WorkerState.ONLINE);
    assertEquals("ready", online.reason());
    String command = commandLine(online.worker().pid().orElseThrow());
    assertTrue(command.contains("--require " + app.resolve("node_modules").toRealPath()), command);
  }

  @Test
  void pm2sTsNodeRecipeInInterpreterArgsGetsNoSecondLoader() throws Exception {
    // given PM2's recipe for TypeScript: node with ts-node/register in interpreter_args
    Path app = app("typed.ts");
    Files.writeString(
        app.resolve("tsconfig.json"),
        "{ \"compilerOptions\": { \"module\": \"commonjs\", \"target\": \"es2022\" } }\n");
    Files.createSymbolicLink(
        app.resolve("node_modules"), NodeVersions.nodeModules("ts-node", TS_NODE, TYPESCRIPT));

    pmfx.start(
        """
        apps:
          - script: typed.ts
            interpreter: node
            interpreter_args: --require ts-node/register
            cwd: %s
            wait_ready: true
            listen_timeout: 30s
            env: { TS_NODE_TRANSPILE_ONLY: "true" }
        """
            .formatted(app));

    // then it runs with that loader alone
    var online = pmfx.events.awaitState("typed", WorkerState.ONLINE);
    assertEquals("ready", online.reason());
    String command = commandLine(online.worker().pid().orElseThrow());
    assertEquals(1, command.split("ts-node", -1).length - 1, command);
  }

  @Test
  void olderNodeRunsTypeScriptWithTheAppsOwnTsx() throws Exception {
    // given the machine's Node.js 20, which cannot strip types, and tsx in the app's node_modules
    Path app = app("typed.ts");
    Files.createSymbolicLink(app.resolve("node_modules"), NodeVersions.nodeModules("tsx", TSX));

    pmfx.start(
        """
        apps:
          - script: typed.ts
            cwd: %s
            wait_ready: true
            listen_timeout: 20s
        """
            .formatted(app));

    // then the worker is Node.js with tsx's loader: ready comes through Node's channel
    var online = pmfx.events.awaitState("typed", WorkerState.ONLINE);
    assertEquals("ready", online.reason());
    pmfx.events.awaitLine(
        "typed", ("typed on node " + machineNode() + ", process.send is function")::equals);
    String command = commandLine(online.worker().pid().orElseThrow());
    assertTrue(command.contains("--import file:"), command);
  }

  @Test
  void tsxOnPathServesAnAppWithoutNodeModules() throws Exception {
    Path bin = NodeVersions.nodeModules("tsx", TSX).resolve(".bin");
    pmfx.start(
        """
        apps:
          - script: typed.ts
            cwd: %s
            autorestart: false
            env: { PATH: "%s:%s" }
        """
            .formatted(app("typed.ts"), bin, System.getenv("PATH")));

    pmfx.events.awaitLine("typed", line -> line.startsWith("typed on node "));
  }

  @Test
  void olderNodeWithoutARunnerSaysWhatToInstall() throws Exception {
    // given Node.js 20 and no tsx or ts-node in the app's folder or on PATH
    Path app = app("typed.ts");

    CommandResult result =
        pmfx.start(
            """
            apps:
              - script: typed.ts
                cwd: %s
            """
                .formatted(app));

    // then it does not start, and says why and what would do
    String node = SearchPath.find("node", System.getenv("PATH")).orElseThrow().toString();
    assertEquals(
        List.of(
            "script "
                + app.resolve("typed.ts")
                + " is TypeScript, which Node.js "
                + machineNode()
                + " ("
                + node
                + ") cannot run by itself (Node.js 22.6 and later can): install tsx (npm install"
                + " --save-dev tsx) or ts-node in the app's folder or on PATH, or a newer Node.js"),
        result.problems().stream().map(CommandResult.Problem::message).toList());
    assertEquals(
        WorkerState.ERRORED, pmfx.events.awaitState("typed", WorkerState.ERRORED).worker().state());
  }

  @Test
  void coffeeScriptRunsThroughTheAppsCoffee() throws Exception {
    Path app = app("square.coffee");
    Files.createSymbolicLink(
        app.resolve("node_modules"), NodeVersions.nodeModules("coffeescript", COFFEESCRIPT));

    pmfx.start(
        """
        apps:
          - script: square.coffee
            cwd: %s
        """
            .formatted(app));

    pmfx.events.awaitLine("square", "coffee says 49"::equals);
  }

  @Test
  void missingCoffeeAndBunSayWhatToInstall() throws Exception {
    // given a PATH with neither coffee nor bun, and no node_modules
    Path app = app("square.coffee");
    Files.copy(EngineHarness.workers().resolve("typed.ts"), app.resolve("typed.ts"));

    CommandResult result =
        pmfx.start(
            """
            apps:
              - script: square.coffee
                cwd: %1$s
                env: { PATH: %1$s }
              - script: typed.ts
                interpreter: bun
                cwd: %1$s
                env: { PATH: %1$s }
            """
                .formatted(app));

    assertEquals(
        List.of(
            "square: interpreter 'coffee' is not installed (not on PATH nor in the app's"
                + " node_modules/.bin): npm install --save-dev coffeescript",
            "typed: interpreter 'bun' is not installed (not on PATH): see https://bun.sh"),
        result.problems().stream().map(p -> p.app() + ": " + p.message()).toList());
  }
}
