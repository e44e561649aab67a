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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI reaches daemons on other hosts over a real sshd: two hosts are two pmfx homes behind the
 * same server, each named by its {@code --remote-pmfx}, which runs this checkout's bin/pmfx there.
 */
class HostsTest {

  private static final Path BIN_PMFX = Path.of("bin/pmfx").toAbsolutePath();
  private static final Path WORKERS = Path.of("src/test/resources/workers").toAbsolutePath();

  @TempDir static Path serverDir;
  private static Sshd sshd;

  @TempDir Path dir;
  private final List<Path> homes = new ArrayList<>();

  /** The ssh command the CLI is given (PMFX_SSH): the test server's, unless a test says else. */
  private String ssh;

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = Sshd.start(serverDir.resolve("sshd"));
    Sshd.warmBinPmfx(serverDir.resolve("warm.log"));
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.close();
    }
  }

  /** Each host's daemon ended, asked on the host itself, as its user would. */
  @AfterEach
  void killHostDaemons() throws Exception {
    for (Path home : homes) {
      ProcessBuilder kill = new ProcessBuilder(BIN_PMFX.toString(), "kill");
      kill.environment().put("PMFX_HOME", home.toString());
      kill.environment().put("PMFX_SKIP_BUILD", "1");
      kill.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      kill.start().waitFor(60, TimeUnit.SECONDS);
    }
  }

  /** What runs pmfx with its own home on the host: the same machine, a home of its own. */
  private String remotePmfx(String host) {
    Path home = dir.resolve(host);
    homes.add(home);
    return "env PMFX_SKIP_BUILD=1 PMFX_HOME=" + home + " " + BIN_PMFX;
  }

  /** This checkout's CLI on this machine, in a home of its own, with the test server's ssh. */
  private Sshd.Ran pmfx(String... args) throws IOException, InterruptedException {
    return Sshd.pmfx(
        Path.of("").toAbsolutePath(),
        dir.resolve("local"),
        ssh != null ? ssh : sshd.sshCommand(),
        args);
  }

  private Path ecosystem() throws IOException {
    return Files.writeString(
        dir.resolve("ecosystem.yaml"),
        """
        apps:
          - name: sleeper
            script: Sleeper.java
            cwd: %s
            exec_mode: fork
        """
            .formatted(WORKERS));
  }

  @Test
  void pingAnswersFromTheHostsDaemon() throws Exception {
    // when
    Sshd.Ran ping =
        pmfx("ping", "--host", sshd.destination(), "--remote-pmfx", remotePmfx("hostA"));

    // then the daemon that answered is the host's, and nothing ran here
    assertEquals(0, ping.code(), ping.err());
    assertTrue(ping.out().contains("home " + dir.resolve("hostA")), ping.out());
    assertFalse(Files.exists(dir.resolve("local")), "a home was made here");
  }

  @Test
  void anAppStartedOnOneHostIsListedThereAlone() throws Exception {
    // given
    String hostA = remotePmfx("hostA");
    String hostB = remotePmfx("hostB");
    String dest = sshd.destination();

    // when
    Sshd.Ran start = pmfx("start", ecosystem().toString(), "--host", dest, "--remote-pmfx", hostA);

    // then
    assertEquals(0, start.code(), start.err());
    Sshd.Ran listA = pmfx("list", "--host", dest, "--remote-pmfx", hostA);
    Sshd.Ran listB = pmfx("--host=" + dest, "--remote-pmfx=" + hostB, "list");
    assertTrue(listA.out().contains("sleeper") && listA.out().contains("online"), listA.out());
    assertEquals(0, listB.code(), listB.err());
    assertFalse(listB.out().contains("sleeper"), listB.out());
  }

  @Test
  void theQuickViewsAreDrawnByTheHostsDaemon() throws Exception {
    // given an app on host A
    String hostA = remotePmfx("hostA");
    Sshd.Ran start =
        pmfx("start", ecosystem().toString(), "--host", sshd.destination(), "--remote-pmfx", hostA);
    assertEquals(0, start.code(), start.err());
    java.util.List<String> sshCommand = java.util.Arrays.asList(sshd.sshCommand().split(" "));

    // when list and ping are asked the quick way, as pmfx list --host asks them
    dev.pmfx.daemon.SshHost host =
        new dev.pmfx.daemon.SshHost(sshd.destination(), hostA, sshCommand);
    String list = host.view("list").orElseThrow();
    String ping = host.view("ping").orElseThrow();

    // then the host's daemon drew them; a host that has no pmfx gives none, for the whole way
    assertTrue(list.contains("sleeper") && list.contains("online"), list);
    assertTrue(ping.contains("home " + dir.resolve("hostA")), ping);
    assertTrue(
        new dev.pmfx.daemon.SshHost(sshd.destination(), "no-such-pmfx", sshCommand)
            .view("list")
            .isEmpty());
  }

  @Test
  void reloadOnAHostPrintsItsSteps() throws Exception {
    // given
    String hostA = remotePmfx("hostA");
    String dest = sshd.destination();
    assertEquals(
        0, pmfx("start", ecosystem().toString(), "--host", dest, "--remote-pmfx", hostA).code());

    // when
    Sshd.Ran reload = pmfx("reload", "sleeper", "--host", dest, "--remote-pmfx", hostA);

    // then
    assertEquals(0, reload.code(), reload.err());
    assertTrue(reload.out().contains("sleeper reload"), reload.out());
    assertTrue(reload.out().contains("sleeper reload done: replaced 1 of 1 workers"), reload.out());
  }

  /**
   * Hosts named as in an ssh_config of one's own, each with its own pmfx home there ({@code SetEnv
   * PMFX_HOME}, which the test server accepts): the ssh command that reaches them.
   */
  private String sshTo(String... hosts) throws IOException {
    StringBuilder config = new StringBuilder();
    for (String host : hosts) {
      homes.add(dir.resolve(host));
      config
          .append("Host ")
          .append(host)
          .append("\n  SetEnv PMFX_HOME=")
          .append(dir.resolve(host))
          .append("\n");
    }
    config.append(Files.readString(sshd.dir.resolve("ssh_config")));
    Path file = Files.writeString(dir.resolve("fleet_ssh_config"), config);
    return "ssh -F " + file;
  }

  /**
   * One cluster worker of versioned.js on {@code port}, booting as BOOT says, in the host's home.
   */
  private Path web(String host, int port, String boot) throws IOException {
    Files.createDirectories(dir.resolve(host));
    return Files.writeString(
        dir.resolve(host).resolve("web.yaml"),
        """
        apps:
          - name: web
            script: %s/versioned.js
            exec_mode: cluster
            instances: 1
            wait_ready: true
            listen_timeout: 3000
            env: { PORT: %d, STYLE: pm2, BOOT: '%s' }
        """
            .formatted(WORKERS, port, boot));
  }

  @Test
  void aReloadOnSeveralHostsGoesHostAfterHostAndStopsAtTheFirstThatFails() throws Exception {
    // given web on three hosts, and a version on beta that cannot boot
    ssh = sshTo("alpha", "beta", "gamma");
    String remote = "env PMFX_SKIP_BUILD=1 " + BIN_PMFX;
    java.util.Map<String, Integer> ports = new java.util.LinkedHashMap<>();
    for (String host : List.of("alpha", "beta", "gamma")) {
      ports.put(host, Sshd.freePort());
      Sshd.Ran start =
          pmfx(
              "start",
              web(host, ports.get(host), "").toString(),
              "--host",
              host,
              "--remote-pmfx",
              remote);
      assertEquals(0, start.code(), start.err());
    }
    java.util.Map<String, String> before = new java.util.HashMap<>();
    for (String host : ports.keySet()) {
      before.put(host, DaemonHarness.get(ports.get(host)));
    }
    web("beta", ports.get("beta"), "crash");

    // when
    Sshd.Ran reload =
        pmfx("reload", "web", "--host", "alpha,beta", "--host", "gamma", "--remote-pmfx", remote);

    // then alpha runs the new version, beta the old one, and gamma was not asked
    assertEquals(1, reload.code(), reload.out() + reload.err());
    assertTrue(
        reload.out().contains("── alpha ──") && reload.out().contains("── beta ──"), reload.out());
    assertFalse(reload.out().contains("── gamma ──"), reload.out());
    assertTrue(reload.out().contains("web reload done: replaced 1 of 1 workers"), reload.out());
    assertTrue(
        reload.err().contains("pmfx: stopped at beta (exit code 1); gamma was left as it was"),
        reload.err());
    assertTrue(reload.err().contains("exited with code 3"), reload.err());
    assertFalse(
        before.get("alpha").equals(DaemonHarness.get(ports.get("alpha"))), "alpha's worker is new");
    assertEquals(
        before.get("beta"), DaemonHarness.get(ports.get("beta")), "beta's old worker serves on");
    assertEquals(before.get("gamma"), DaemonHarness.get(ports.get("gamma")), "gamma is untouched");

    // and list shows each host under its name; a command that follows takes one host
    Sshd.Ran list = pmfx("list", "--host", "alpha,gamma", "--remote-pmfx", remote);
    assertEquals(0, list.code(), list.err());
    assertTrue(list.out().indexOf("── alpha ──") < list.out().indexOf("── gamma ──"), list.out());
    Sshd.Ran events = pmfx("events", "--host", "alpha,gamma", "--remote-pmfx", remote);
    assertEquals(2, events.code(), events.out());
    assertTrue(events.err().contains("'events' takes one host"), events.err());
  }

  @Test
  void killEndsTheHostsDaemonAndItsWorkers() throws Exception {
    // given
    String hostA = remotePmfx("hostA");
    String dest = sshd.destination();
    assertEquals(
        0, pmfx("start", ecosystem().toString(), "--host", dest, "--remote-pmfx", hostA).code());

    // when
    Sshd.Ran kill = pmfx("kill", "--host", dest, "--remote-pmfx", hostA);

    // then
    assertEquals(0, kill.code(), kill.err());
    assertTrue(kill.out().contains("stopped 1 worker and the daemon"), kill.out());
    Sshd.Ran again = pmfx("kill", "--host", dest, "--remote-pmfx", hostA);
    assertTrue(again.out().contains("no daemon runs on " + dest), again.out());
  }

  @Test
  void anUnreachableHostSaysWhatSshSaidAndExits3() throws Exception {
    // given a port nobody listens on
    String closed = "ssh://" + sshd.user + "@127.0.0.1:" + Sshd.freePort();

    // when
    Sshd.Ran ping = pmfx("ping", "--host", closed, "--remote-pmfx", remotePmfx("hostA"));

    // then
    assertEquals(Client.UNREACHABLE, ping.code(), ping.err());
    assertTrue(ping.err().contains("Connection refused"), ping.err());
  }

  @Test
  void noSshClientIsSaidWithWhatToInstall() throws Exception {
    // given
    ssh = dir.resolve("no-such-ssh").toString();

    // when
    Sshd.Ran ping =
        pmfx("ping", "--host", sshd.destination(), "--remote-pmfx", remotePmfx("hostA"));

    // then
    assertEquals(Client.UNREACHABLE, ping.code(), ping.err());
    assertTrue(ping.err().contains("cannot run " + ssh), ping.err());
    assertTrue(ping.err().contains("install it"), ping.err());
  }

  @Test
  void aHostWithoutPmfxGetsTheInstallHint() throws Exception {
    // when
    Sshd.Ran ping = pmfx("ping", "--host", sshd.destination(), "--remote-pmfx", "no-such-pmfx");

    // then
    assertEquals(Client.UNREACHABLE, ping.code(), ping.err());
    assertTrue(
        ping.err()
            .contains(
                "pmfx is not on the host's PATH: install it there, or name it with --remote-pmfx"),
        ping.err());
  }

  @Test
  void aHostSpeakingAnotherProtocolIsNamedWithBothVersions() throws Exception {
    // given a "pmfx" on the host whose daemon answers a ping in protocol 99
    Path other = dir.resolve("other-pmfx");
    Files.writeString(
        other,
        """
        #!/bin/sh
        read call
        echo '{"id":1,"result":{"version":"9.0.0","protocol":99,"pid":1,\
        "startedAt":"2026-01-01T00:00:00Z","home":"/nowhere"}}'
        cat >/dev/null
        """);
    other.toFile().setExecutable(true);

    // when
    Sshd.Ran ping = pmfx("ping", "--host", sshd.destination(), "--remote-pmfx", other.toString());

    // then
    assertEquals(Client.UNREACHABLE, ping.code(), ping.err());
    assertTrue(ping.err().contains("runs pmfx 9.0.0, whose daemon speaks protocol 99"), ping.err());
    assertTrue(ping.err().contains("which speaks protocol 1"), ping.err());
  }
}
