package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pmfx deploy} against a real sshd on loopback: the repository is a bare one in a temp
 * folder, the host is this machine, and the target's path has a space and a single quote in it.
 */
class DeployTest {

  private static final Path BIN_PMFX = Path.of("bin/pmfx").toAbsolutePath();

  @TempDir static Path serverDir;
  private static Sshd sshd;

  @TempDir Path dir;

  /** The bare repository the hosts clone, and a work clone that pushes to it. */
  private Path origin;

  private Path work;

  /** The deploy's path on the host: a space and a single quote in it. */
  private Path target;

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = Sshd.start(serverDir.resolve("sshd"));
    Sshd.warmBinPmfx(serverDir.resolve("warm.log"));
  }

  /** The daemon a post-deploy started on the host, ended there as its user would. */
  @AfterEach
  void killHostDaemon() throws Exception {
    Path home = dir.resolve("host-home");
    if (Files.exists(home)) {
      ProcessBuilder kill = new ProcessBuilder(BIN_PMFX.toString(), "kill");
      kill.environment().put("PMFX_HOME", home.toString());
      kill.environment().put("PMFX_SKIP_BUILD", "1");
      kill.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      kill.start().waitFor(60, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  @BeforeEach
  void repository() throws Exception {
    origin = dir.resolve("origin.git");
    work = dir.resolve("work");
    target = dir.resolve("srv/my app's");
    git(dir, "init", "-q", "--bare", "-b", "main", origin.toString());
    git(dir, "init", "-q", "-b", "main", work.toString());
    git(work, "remote", "add", "origin", origin.toString());
  }

  /** This checkout's CLI, run in the work clone, with the test server's ssh. */
  private Sshd.Ran pmfx(String... args) throws IOException, InterruptedException {
    return Sshd.pmfx(work, dir.resolve("home"), sshd.sshCommand(), args);
  }

  private static String git(Path in, String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@t"));
    command.addAll(List.of(args));
    Process git =
        new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
    String said = Sshd.read(git.getInputStream());
    assertEquals(0, git.waitFor(), "git " + String.join(" ", args) + ": " + said);
    return said.strip();
  }

  /** Commits the app at {@code version} with {@code ecosystem} and pushes it; its short hash. */
  private String push(String version, String ecosystem) throws Exception {
    return push(version, ecosystem, "console.log('" + version + "')\n");
  }

  private String push(String version, String ecosystem, String app) throws Exception {
    Files.writeString(work.resolve("app.js"), app);
    Files.writeString(work.resolve("ecosystem.yaml"), ecosystem);
    // pre-setup's script, which setup sends to the host's bash
    Files.writeString(
        work.resolve("prepare.sh"),
        "echo \"prepared $GREETING\" > "
            + DeployScripts.quote(dir.resolve("prepared").toString())
            + "\n");
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", version);
    git(work, "push", "-q", "origin", "main");
    return git(work, "rev-parse", "--short", "HEAD");
  }

  private String ecosystem(String hosts, String postDeploy) {
    return """
        apps:
          - name: app
            script: app.js
        deploy:
          production:
            user: %s
            host: %s
            ref: origin/main
            repo: "%s"
            path: "%s"
            pre-setup: ./prepare.sh --quick
            pre-deploy-local: echo "local in $(pwd)" >> deploy-local.log
            pre-deploy: git rev-parse --short HEAD >> "$SHARED/before"
            post-setup: echo "it's set up in $(pwd)" > "$SHARED/setup-marker"
            post-deploy: '%s'
            env:
              GREETING: "it's me"
          single:
            user: %s
            host: a
            ref: origin/main
            repo: "%s"
            path: "%s"
        """
        .formatted(
            sshd.user,
            hosts,
            origin,
            target,
            postDeploy.replace("'", "''"),
            sshd.user,
            origin,
            target);
  }

  private static final String MARK =
      "echo \"deployed $(git rev-parse --short HEAD) for $GREETING\" >> \"$SHARED/logs/marker\"";

  private List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void setupUpdateListAndRevertKeepPm2sLayout() throws Exception {
    // given a first commit, set up on the host
    String first = push("v1", ecosystem("127.0.0.1", MARK));
    Sshd.Ran setup = pmfx("deploy", "ecosystem.yaml", "production", "setup");
    assertEquals(0, setup.code(), setup.both());
    assertTrue(Files.isDirectory(target.resolve("source/.git")), setup.both());
    assertTrue(Files.isDirectory(target.resolve("shared/logs")));
    assertTrue(Files.isDirectory(target.resolve("shared/pids")));
    assertEquals("prepared it's me\n", Files.readString(dir.resolve("prepared")), "pre-setup ran");
    assertEquals(
        "it's set up in " + target.resolve("current") + "\n",
        Files.readString(target.resolve("shared/setup-marker")),
        "post-setup ran in current");

    // when it is deployed, the file found in the current folder as pm2 finds it
    Sshd.Ran update = pmfx("deploy", "production");

    // then source is the clone at the commit, current links to it, and the deploy is logged
    assertEquals(0, update.code(), update.both());
    assertTrue(update.out().contains("--> Deploying to production environment"), update.out());
    assertTrue(update.out().contains("○ hook post-deploy"), update.out());
    assertEquals(first, git(target.resolve("source"), "rev-parse", "--short", "HEAD"));
    assertTrue(Files.isSymbolicLink(target.resolve("current")));
    assertEquals(target.resolve("source"), Files.readSymbolicLink(target.resolve("current")));
    assertEquals("console.log('v1')\n", Files.readString(target.resolve("current/app.js")));
    assertEquals(List.of(first), lines(target.resolve(".deploys")));
    assertEquals(List.of("local in " + work), lines(work.resolve("deploy-local.log")));
    assertEquals(List.of(first), lines(target.resolve("shared/before")), "pre-deploy ran first");
    assertEquals(
        List.of("deployed " + first + " for it's me"), lines(target.resolve("shared/logs/marker")));

    // when a second commit is deployed
    String second = push("v2", ecosystem("127.0.0.1", MARK));
    Sshd.Ran again = pmfx("deploy", "production", "update");
    assertEquals(0, again.code(), again.both());
    assertEquals("console.log('v2')\n", Files.readString(target.resolve("current/app.js")));

    // then list shows both, the latest first, numbered as revert counts
    Sshd.Ran list = pmfx("deploy", "production", "list");
    assertEquals(0, list.code(), list.both());
    assertTrue(list.out().contains("0\t" + second + "\n1\t" + first + "\n"), list.out());

    // when it reverts one deploy
    Sshd.Ran revert = pmfx("deploy", "production", "revert", "1");

    // then the host is back at the first commit, and post-deploy ran for it
    assertEquals(0, revert.code(), revert.both());
    assertEquals(first, git(target.resolve("source"), "rev-parse", "--short", "HEAD"));
    assertEquals("console.log('v1')\n", Files.readString(target.resolve("current/app.js")));
    assertEquals(List.of(first, second, first), lines(target.resolve(".deploys")));
    assertEquals(
        "deployed " + first + " for it's me",
        lines(target.resolve("shared/logs/marker")).getLast());
    Sshd.Ran curr = pmfx("deploy", "production", "curr");
    assertEquals(0, curr.code(), curr.both());
    assertTrue(curr.out().contains(first), curr.out());
    Sshd.Ran prev = pmfx("deploy", "production", "prev");
    assertTrue(prev.out().contains(second), prev.out());
    Sshd.Ran exec = pmfx("deploy", "production", "exec", "cat app.js; echo \"$GREETING\"");
    assertEquals(0, exec.code(), exec.both());
    assertTrue(exec.out().contains("console.log('v1')"), exec.out());
    assertTrue(exec.out().contains("it's me"), exec.out());
  }

  @Test
  void aPostDeployStartsTheAppsWithPmfxAndTheNextDeployReloadsThem() throws Exception {
    // given a post-deploy that runs this checkout's pmfx on the host, in a home of its own, and an
    // app that says which version it is and what the deploy's env gave it
    String pmfxOnHost =
        "env PMFX_SKIP_BUILD=1 PMFX_HOME="
            + DeployScripts.quote(dir.resolve("host-home").toString())
            + " "
            + BIN_PMFX;
    String postDeploy = pmfxOnHost + " reload ecosystem.yaml --env production";
    Path said = target.resolve("shared/said");
    String app =
        "require('fs').writeFileSync(process.env.SHARED + '/said', '%s ' + process.env.GREETING)\n"
            + "setInterval(() => {}, 60000)\n";
    push("v1", ecosystem("127.0.0.1", postDeploy), app.formatted("v1"));
    assertEquals(0, pmfx("deploy", "production", "setup").code());

    // when it is deployed
    Sshd.Ran first = pmfx("deploy", "production");

    // then the app runs on the host, from current, with the deploy's env
    assertEquals(0, first.code(), first.both());
    awaitContent(said, "v1 it's me");

    // when the next version is deployed
    push("v2", ecosystem("127.0.0.1", postDeploy), app.formatted("v2"));
    Sshd.Ran second = pmfx("deploy", "production");

    // then the running app was reloaded onto it
    assertEquals(0, second.code(), second.both());
    awaitContent(said, "v2 it's me");
  }

  private static void awaitContent(Path file, String expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String seen = "";
    while (System.nanoTime() < deadline) {
      seen = Files.exists(file) ? Files.readString(file) : "";
      if (seen.equals(expected)) {
        return;
      }
      Thread.sleep(100);
    }
    assertEquals(expected, seen, file.toString());
  }

  @Test
  void aFailingPostDeployStopsBeforeTheNextHost() throws Exception {
    // given two hosts (both this machine, by two names) and a post-deploy that fails
    String failing = "echo ran on the host >> \"$SHARED/../../runs.log\"; echo broken; exit 3";
    push("v1", ecosystem("[a, b]", failing));
    Sshd.Ran setup = pmfx("deploy", "ecosystem.yaml", "single", "setup");
    assertEquals(0, setup.code(), setup.both());

    // when
    Sshd.Ran update = pmfx("deploy", "ecosystem.yaml", "production");

    // then the first host's step is named, its output shown, and the second host left alone
    assertEquals(1, update.code(), update.both());
    assertTrue(
        update.err().contains("production: a: post-deploy failed (exit code 3); b was left alone"),
        update.err());
    assertTrue(update.out().contains("broken"), update.out());
    assertTrue(update.out().contains("--> on host a"), update.out());
    assertFalse(update.out().contains("--> on host b"), update.out());
    assertEquals(1, lines(dir.resolve("srv/runs.log")).size());
  }

  @Test
  void aCheckoutWithChangesNotCommittedIsDeployedOnlyWithForce() throws Exception {
    // given a host set up, and a change here that is not committed
    push("v1", ecosystem("127.0.0.1", MARK));
    assertEquals(0, pmfx("deploy", "production", "setup").code());
    Files.writeString(work.resolve("app.js"), "console.log('not committed')\n");

    // when
    Sshd.Ran refused = pmfx("deploy", "production");

    // then nothing reached the host
    assertEquals(1, refused.code(), refused.both());
    assertTrue(
        refused.err().contains("commit or stash your changes before deploying"), refused.err());
    assertFalse(Files.exists(target.resolve(".deploys")));

    // when forced, the pushed commit is deployed, as PM2's --force does
    Sshd.Ran forced = pmfx("deploy", "production", "--force");
    assertEquals(0, forced.code(), forced.both());
    assertEquals("console.log('v1')\n", Files.readString(target.resolve("current/app.js")));
  }

  @Test
  void checkShowsTheDeployEnvironmentsAsDeployReadsThem() throws Exception {
    // given
    push("v1", ecosystem("[a, b]", MARK));

    // when
    Sshd.Ran check = pmfx("check", "ecosystem.yaml");

    // then
    assertEquals(0, check.code(), check.both());
    assertTrue(
        check
            .out()
            .contains(
                "  deploy production: origin/main of " + origin + " into " + target + " on a, b\n"),
        check.out());
    assertTrue(check.out().contains("  deploy single: "), check.out());
  }

  @Test
  void configAndUsageErrorsExitWithTwo() throws Exception {
    // given
    push("v1", ecosystem("127.0.0.1", MARK));

    // when / then: an environment the file does not have
    Sshd.Ran unknown = pmfx("deploy", "staging");
    assertEquals(2, unknown.code(), unknown.both());
    assertTrue(
        unknown.err().contains("has no deploy environment 'staging'; it has production, single"),
        unknown.err());

    // an unknown command
    Sshd.Ran command = pmfx("deploy", "production", "rollback");
    assertEquals(2, command.code(), command.both());
    assertTrue(command.err().contains("'rollback' is no deploy command"), command.err());

    // --host, which deploy does not take
    Sshd.Ran host = pmfx("deploy", "production", "--host", "web1");
    assertEquals(2, host.code(), host.both());
    assertTrue(host.err().contains("'deploy'"), host.err());

    // a file whose deploy section is wrong
    Files.writeString(
        work.resolve("ecosystem.yaml"),
        "apps:\n  - script: app.js\ndeploy:\n  production:\n    host: a\n    ref: origin/main\n");
    Sshd.Ran config = pmfx("deploy", "production");
    assertEquals(2, config.code(), config.both());
    assertTrue(config.err().contains("ecosystem.yaml:4:3: error:"), config.err());
    assertTrue(config.err().contains("no 'repo'"), config.err());
  }

  @Test
  void quotedTextReachesTheShellAsWritten() throws Exception {
    // given words a shell would split or end a quote at
    for (String text : List.of("my app's", "a \"b\" $HOME `x` \\ ;", "'", "")) {
      // when
      Process sh =
          new ProcessBuilder("sh", "-c", "printf %s " + DeployScripts.quote(text))
              .redirectErrorStream(true)
              .start();

      // then
      assertEquals(text, Sshd.read(sh.getInputStream()));
      assertEquals(0, sh.waitFor());
    }
  }
}
