package dev.pmfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.cli.DaemonHarness.Run;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** pmfx startup as PM2's: a system unit for a named user, a launchd agent, and their removal. */
class StartupTest {

  @TempDir Path dir;
  DaemonHarness pmfx;

  @BeforeEach
  void home() {
    pmfx = new DaemonHarness(dir);
  }

  @AfterEach
  void end() throws Exception {
    pmfx.close();
  }

  private static boolean systemctlHere() {
    return Files.isExecutable(Path.of("/usr/bin/systemctl"))
        || Files.isExecutable(Path.of("/bin/systemctl"));
  }

  @Test
  void aSystemUnitRunsTheDaemonAsTheNamedUserAndIsEnabledForBoot() throws Exception {
    Path root = dir.resolve("image");
    Path userHome = dir.resolve("users/deploy");
    Run installed =
        pmfx.pmfx(
            "startup",
            "systemd",
            "-u",
            "deploy",
            "--hp",
            userHome.toString(),
            "--service-name",
            "pmfx-api",
            "--root",
            root.toString(),
            "--install");
    Path unit = root.resolve("etc/systemd/system/pmfx-api.service");
    String text = Files.readString(unit);
    assertTrue(text.contains("\nUser=deploy\n"), text);
    assertTrue(text.contains("\nEnvironment=PMFX_HOME=" + userHome.resolve(".pmfx") + "\n"), text);
    assertTrue(text.contains("\nEnvironment=PATH="), text);
    assertTrue(text.contains(" daemon --resurrect\n"), text);
    assertTrue(text.contains("\nWantedBy=multi-user.target\n"), text);
    // a dead daemon is started again at once, and systemd leaves its workers to the next one
    assertTrue(text.contains("\nRestart=on-failure\nRestartSec=0\nKillMode=process\n"), text);
    Path wanted = root.resolve("etc/systemd/system/multi-user.target.wants/pmfx-api.service");
    if (systemctlHere()) {
      assertEquals(0, installed.code(), installed.toString());
      assertTrue(Files.isSymbolicLink(wanted), "enabled for boot: " + installed);
    } else {
      assertEquals(1, installed.code(), installed.toString());
      assertTrue(installed.err().contains("systemctl"), "says what to run: " + installed);
    }

    Run removed =
        pmfx.pmfx(
            "unstartup", "-u", "deploy", "--service-name", "pmfx-api", "--root", root.toString());
    assertFalse(Files.exists(unit), removed.toString());
    assertFalse(Files.exists(wanted, java.nio.file.LinkOption.NOFOLLOW_LINKS), removed.toString());
  }

  @Test
  void rootWithoutAUserGetsASystemUnitThatStartsAtBootAsPm2RootDoes() throws Exception {
    String user = System.getProperty("user.name");
    Path root = dir.resolve("image");
    Path unit = root.resolve("etc/systemd/system/pmfx-root.service");
    try {
      System.setProperty("user.name", "root");

      Run printed = pmfx.pmfx("startup", "--root", root.toString());
      assertEquals(0, printed.code(), printed.toString());
      assertTrue(printed.out().contains("\nUser=root\n"), printed.out());
      assertTrue(printed.out().contains("\nWantedBy=multi-user.target\n"), printed.out());
      assertTrue(
          printed.out().contains("# Install it with: pmfx startup --install"), printed.out());
      assertTrue(printed.out().contains("(writes " + unit + " and enables it)"), printed.out());

      Run installed = pmfx.pmfx("startup", "--root", root.toString(), "--install");
      String text = Files.readString(unit);
      assertTrue(text.contains("\nUser=root\n"), text);
      assertTrue(text.contains("\nEnvironment=PMFX_HOME=" + pmfx.home.dir() + "\n"), text);
      assertTrue(text.contains(" daemon --resurrect\n"), text);
      assertFalse(installed.out().contains("systemd/user"), installed.out());
      Path wanted = root.resolve("etc/systemd/system/multi-user.target.wants/pmfx-root.service");
      if (systemctlHere()) {
        assertEquals(0, installed.code(), installed.toString());
        assertTrue(Files.isSymbolicLink(wanted), "enabled for boot: " + installed);
        assertTrue(installed.out().contains("starts at boot"), installed.out());
      } else {
        assertEquals(1, installed.code(), installed.toString());
      }

      Run removed = pmfx.pmfx("unstartup", "--root", root.toString());
      assertFalse(Files.exists(unit), removed.toString());

      // anyone else without -u: a user unit, started at login, as before
      System.setProperty("user.name", "deploy");
      Run mine = pmfx.pmfx("startup", "--root", root.toString());
      assertEquals(0, mine.code(), mine.toString());
      assertFalse(mine.out().contains("\nUser="), mine.out());
      assertTrue(mine.out().contains("\nWantedBy=default.target\n"), mine.out());
      assertTrue(mine.out().contains("systemd/user/pmfx.service"), mine.out());
    } finally {
      System.setProperty("user.name", user);
    }
  }

  @Test
  void withoutInstallASystemUnitIsPrintedWithTheLineThatInstallsIt() {
    Run printed = pmfx.pmfx("startup", "-u", "deploy", "--hp", "/srv/deploy");
    assertEquals(0, printed.code(), printed.toString());
    assertTrue(printed.out().contains("\nUser=deploy\n"), printed.out());
    assertTrue(
        printed
            .out()
            .contains("# Install it with: pmfx startup -u deploy --hp /srv/deploy --install"),
        printed.out());
    assertTrue(printed.out().contains("/etc/systemd/system/pmfx-deploy.service"), printed.out());
  }

  @Test
  void aLaunchdAgentIsAPropertyListThatRunsTheDaemonAndKeepsItAlive() throws Exception {
    Run printed = pmfx.pmfx("startup", "launchd");
    assertEquals(0, printed.code(), printed.toString());
    String plist = printed.out().substring(0, printed.out().indexOf("</plist>") + 8);
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document document =
        factory
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(plist.getBytes(StandardCharsets.UTF_8)));
    String text = document.getDocumentElement().getTextContent();
    assertTrue(text.contains("dev.pmfx"), plist);
    assertTrue(text.contains("--resurrect"), plist);
    assertTrue(text.contains(pmfx.home.dir().toString()), plist);
    assertTrue(plist.contains("<key>KeepAlive</key>"), plist);
    assertTrue(printed.out().contains("Library/LaunchAgents/dev.pmfx.plist"), printed.out());
  }

  @Test
  void aPlatformPmfxDoesNotWriteForIsACommandLineError() {
    Run refused = pmfx.pmfx("startup", "upstart");
    assertEquals(2, refused.code(), refused.toString());
    assertTrue(
        refused
            .err()
            .contains(
                "'upstart' is not a platform pmfx writes for: systemd (Linux) or launchd (macOS)"),
        refused.err());
  }
}
