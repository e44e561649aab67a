package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.daemon.SshHost;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** --host and --remote-pmfx come off any command line, and make the ssh command that runs. */
class HostOptionsTest {

  @AfterEach
  void forget() {
    HostOptions.reset();
  }

  @Test
  void theHostsOptionsComeOffTheCommandLineUpToDoubleDash() {
    // when
    String[] rest =
        HostOptions.take(
            new String[] {
              "start",
              "--host",
              "web1",
              "app.js",
              "--remote-pmfx=/opt/pmfx/bin/pmfx",
              "--",
              "--host",
              "x"
            });

    // then
    assertArrayEquals(new String[] {"start", "app.js", "--", "--host", "x"}, rest);
    SshHost host = HostOptions.host(Map.of()).orElseThrow();
    assertEquals(
        List.of("ssh", "-T", "-o", "BatchMode=yes", "--", "web1", "/opt/pmfx/bin/pmfx bridge"),
        host.command(false));
  }

  @Test
  void severalHostsAreEveryHostGivenInOrder() {
    // when
    HostOptions.take(new String[] {"reload", "api", "--host", "web1,web2", "--host=web3"});

    // then
    assertEquals(List.of("web1", "web2", "web3"), HostOptions.hosts(Map.of("PMFX_HOST", "x")));
    assertEquals("web1", HostOptions.host(Map.of()).orElseThrow().destination());
  }

  @Test
  void pmfxHostMayListHostsAndAStrayCommaIsNoHost() {
    // given
    HostOptions.take(new String[] {"list"});

    // then
    assertEquals(List.of("web1", "web2"), HostOptions.hosts(Map.of("PMFX_HOST", "web1, web2")));
    assertEquals(List.of("web1"), HostOptions.hosts(Map.of("PMFX_HOST", "web1,")));
    assertEquals(
        "web1", HostOptions.host(Map.of("PMFX_HOST", "web1,")).orElseThrow().destination());
  }

  @Test
  void aCommandThatFollowsIsRefusedOnSeveralHostsBeforeAnyIsAsked() {
    // given
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    List<String> asked = new java.util.ArrayList<>();

    // when
    int code =
        HostOptions.eachHost(
            new String[] {"logs", "api"},
            List.of("web1", "web2"),
            args -> {
              asked.add("ran");
              return 0;
            },
            new java.io.PrintStream(out),
            new java.io.PrintStream(err));

    // then
    assertEquals(2, code);
    assertEquals(List.of(), asked);
    assertTrue(err.toString().contains("'logs' takes one host"), err.toString());
  }

  @Test
  void aLookOnSeveralHostsGoesOnPastAHostThatFails() {
    // given
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

    List<Integer> codes = new java.util.ArrayList<>(List.of(3, 0));

    // when the first host cannot be reached (exit code 3) and the second answers
    int code =
        HostOptions.eachHost(
            new String[] {"list"},
            List.of("web9", "web1"),
            args -> codes.removeFirst(),
            new java.io.PrintStream(out),
            new java.io.PrintStream(err));

    // then both were asked, and the exit code says one failed
    assertEquals(3, code);
    assertEquals(List.of(), codes);
    assertTrue(out.toString().contains("── web9 ──") && out.toString().contains("── web1 ──"));
    assertTrue(
        err.toString().contains("pmfx: web9 failed (exit code 3); the others answered"),
        err.toString());
  }

  @Test
  void anSshUrlGivesItsPortToSsh() {
    // given
    HostOptions.take(new String[] {"list", "--host", "ssh://deploy@server:2222"});

    // when
    SshHost host = HostOptions.host(Map.of("PMFX_SSH", "ssh -F /tmp/config")).orElseThrow();

    // then
    assertEquals(
        List.of(
            "ssh",
            "-F",
            "/tmp/config",
            "-T",
            "-o",
            "BatchMode=yes",
            "-p",
            "2222",
            "--",
            "deploy@server",
            "pmfx bridge --running"),
        host.command(true));
  }

  @Test
  void theEnvironmentNamesTheHostWhenTheCommandLineDoesNot() {
    SshHost host =
        HostOptions.host(Map.of("PMFX_HOST", "web2", "PMFX_REMOTE_PMFX", "/srv/pmfx"))
            .orElseThrow();
    assertEquals("web2", host.destination());
    assertEquals("/srv/pmfx", host.remotePmfx());
    assertTrue(HostOptions.host(Map.of()).isEmpty());
  }

  @Test
  void aDestinationThatLooksLikeAnOptionIsRefused() {
    HostOptions.take(new String[] {"list", "--host", "-oProxyCommand=x"});
    SshHost host = HostOptions.host(Map.of()).orElseThrow();
    assertThrows(IllegalArgumentException.class, () -> host.command(false));
  }

  @Test
  void aCommandOfThisMachineRefusesTheHostOption() {
    String[] rest = HostOptions.take(new String[] {"check", "--host", "web1", "app.yaml"});
    assertTrue(HostOptions.refusal(rest).orElseThrow().contains("'check' works on this machine"));
    assertTrue(HostOptions.refusal(new String[] {"list"}).isEmpty());
  }

  @Test
  void theWindowRefusesTheHostOption() {
    String[] rest = HostOptions.take(new String[] {"--host", "web1"});
    assertTrue(HostOptions.refusal(rest).orElseThrow().contains("the window shows this machine's"));
  }

  @Test
  void aCommandOfThisMachineStaysHereWhateverPmfxHostSays() {
    HostOptions.take(new String[] {"save"});
    assertTrue(HostOptions.host(Map.of("PMFX_HOST", "web1")).isEmpty());
  }
}
