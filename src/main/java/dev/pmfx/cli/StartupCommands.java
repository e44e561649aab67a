package dev.pmfx.cli;

import dev.pmfx.daemon.Daemons;
import dev.pmfx.home.PmfxHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * startup and unstartup, as PM2 has them: the daemon started at login or boot, resurrecting the
 * saved apps. A systemd user unit by default; a system unit for a named user ({@code -u USER --hp
 * HOME}), or for root when root runs it (as {@code pm2 startup} writes {@code pm2-root.service}); a
 * launchd agent on macOS. Each prints what it would write unless {@code --install}.
 */
final class StartupCommands {

  private StartupCommands() {}

  /** Where a unit goes, what it says, and how it is enabled and disabled. */
  record Target(Path file, String text, List<List<String>> enable, List<List<String>> disable) {}

  /** What startup and unstartup share: the platform, the user and the service's name. */
  abstract static class Choice {
    @Parameters(
        arity = "0..1",
        paramLabel = "PLATFORM",
        description = "systemd (the default on Linux) or launchd (the default on macOS)")
    String platform;

    @Option(
        names = {"-u", "--user"},
        paramLabel = "USER",
        description = "a system unit that runs the daemon as USER at boot (needs root to install)")
    String user;

    @Option(
        names = "--hp",
        paramLabel = "HOME",
        description = "USER's home folder; the daemon keeps HOME/.pmfx (default: USER's)")
    Path homePath;

    @Option(
        names = "--service-name",
        paramLabel = "NAME",
        description = "the unit's name (default: pmfx, or pmfx-USER for a system unit)")
    String serviceName;

    /** systemctl's own {@code --root}: the unit goes into an image's tree, not this system's. */
    @Option(names = "--root", paramLabel = "DIR", hidden = true)
    Path root;

    @Spec CommandSpec spec;

    boolean launchd() {
      String chosen =
          platform != null
              ? platform.toLowerCase(Locale.ROOT)
              : System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac")
                  ? "launchd"
                  : "systemd";
      return switch (chosen) {
        case "systemd" -> false;
        case "launchd", "darwin", "macos" -> true;
        default ->
            throw new picocli.CommandLine.ParameterException(
                spec.commandLine(),
                "pmfx startup: '"
                    + platform
                    + "' is not a platform pmfx writes for: systemd (Linux) or launchd (macOS)");
      };
    }

    /**
     * The user a system unit runs the daemon as: {@code -u USER}, or root when root runs this
     * without {@code -u} (root has no login session for a user unit to start with, so PM2 writes a
     * system unit for it); none for a user unit or a launchd agent.
     */
    String systemUser() {
      if (user != null) {
        return user;
      }
      return isRoot() && !launchd() ? "root" : null;
    }

    /** Whether this is root's system unit, which root asked for by not naming a user. */
    boolean rootByDefault() {
      return user == null && systemUser() != null;
    }

    String name() {
      String runAs = systemUser();
      return serviceName != null ? serviceName : runAs == null ? "pmfx" : "pmfx-" + runAs;
    }

    /**
     * The home the daemon keeps: USER's {@code .pmfx} for a system unit for -u USER, else this
     * one's (root's own, for root's system unit).
     */
    PmfxHome home() {
      if (user == null) {
        return PmfxHome.current();
      }
      Path base = homePath != null ? homePath : userHome(user);
      return new PmfxHome(base.resolve(".pmfx"));
    }

    Target target() {
      String self = String.join(" ", Daemons.unitCommand().stream().map(Units::quoted).toList());
      String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
      if (launchd()) {
        Path file =
            user == null
                ? Path.of(System.getProperty("user.home"), "Library", "LaunchAgents")
                    .resolve("dev." + name() + ".plist")
                : Path.of("/Library/LaunchDaemons").resolve("dev." + name() + ".plist");
        String text = Units.plist("dev." + name(), Daemons.unitCommand(), home(), path, user);
        return new Target(
            file,
            text,
            List.of(List.of("launchctl", "load", "-w", file.toString())),
            List.of(List.of("launchctl", "unload", "-w", file.toString())));
      }
      String runAs = systemUser();
      List<String> systemctl = new ArrayList<>(List.of("systemctl"));
      if (runAs == null) {
        systemctl.add("--user");
      }
      if (root != null) {
        systemctl.add("--root=" + root);
      }
      Path file =
          runAs == null
              ? userUnitDir().resolve(name() + ".service")
              : (root == null ? Path.of("/") : root)
                  .resolve("etc/systemd/system")
                  .resolve(name() + ".service");
      String text =
          runAs == null
              ? Units.userUnit(self, home())
              : Units.systemUnit(self, home(), runAs, path);
      List<List<String>> enable = new ArrayList<>();
      if (root == null) {
        enable.add(with(systemctl, "daemon-reload"));
      }
      enable.add(with(systemctl, "enable", name() + ".service"));
      return new Target(
          file, text, enable, List.of(with(systemctl, "disable", name() + ".service")));
    }

    private static List<String> with(List<String> command, String... args) {
      List<String> all = new ArrayList<>(command);
      all.addAll(List.of(args));
      return all;
    }
  }

  @Command(
      name = "startup",
      mixinStandardHelpOptions = true,
      description = {
        "Prints a unit that starts the daemon and resurrects the saved apps: a systemd user unit"
            + " (at login; at boot with 'loginctl enable-linger'), a system unit for -u USER at"
            + " boot (for root, run by root without -u: pmfx-root.service, as pm2-root), or a"
            + " launchd agent on macOS; --install writes and enables it.",
        "Run 'pmfx save' after starting the apps to bring back."
      })
  static final class Startup extends Choice implements Callable<Integer> {
    @Option(names = "--install", description = "write the unit and enable it")
    boolean install;

    @Override
    public Integer call() throws IOException, InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Target target = target();
      if (!install) {
        out.print(target.text());
        out.println();
        out.println("# Install it with: " + installLine());
        out.println("# (writes " + target.file() + " and enables it)");
        out.flush();
        return Client.OK;
      }
      if (user != null && root == null && !isRoot()) {
        err.println(
            "pmfx: a system unit for "
                + user
                + " needs root to install; run: sudo "
                + installLine().replace("pmfx ", "env PATH=" + System.getenv("PATH") + " pmfx "));
        return Client.FAILED;
      }
      Files.createDirectories(target.file().getParent());
      Files.writeString(target.file(), target.text());
      EventPrinter.say(out, "wrote " + target.file());
      if (!Units.run(out, err, target.enable())) {
        return Client.FAILED;
      }
      if (rootByDefault()) {
        EventPrinter.say(out, "the daemon now starts at boot, as root, with " + home().dir());
      } else if (user == null && !launchd()) {
        String me = System.getenv().getOrDefault("USER", System.getProperty("user.name"));
        EventPrinter.say(
            out,
            "the daemon now starts at login; for boot without a login: loginctl enable-linger "
                + me);
      }
      return Client.OK;
    }

    /** This command line with {@code --install}: what the user runs to install what was printed. */
    private String installLine() {
      List<String> words = new ArrayList<>(List.of("pmfx", "startup"));
      Optional.ofNullable(platform).ifPresent(words::add);
      if (user != null) {
        words.addAll(List.of("-u", user, "--hp", home().dir().getParent().toString()));
      }
      Optional.ofNullable(serviceName).ifPresent(n -> words.addAll(List.of("--service-name", n)));
      words.add("--install");
      return String.join(" ", words);
    }
  }

  @Command(
      name = "unstartup",
      mixinStandardHelpOptions = true,
      description = "Disables and removes the unit 'pmfx startup --install' wrote.")
  static final class Unstartup extends Choice implements Callable<Integer> {
    @Override
    public Integer call() throws IOException, InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      Target target = target();
      if (!Files.exists(target.file())) {
        EventPrinter.say(out, "no unit to remove at " + target.file());
        return Client.OK;
      }
      boolean disabled = Units.run(out, spec.commandLine().getErr(), target.disable());
      Files.delete(target.file());
      EventPrinter.say(out, "removed " + target.file());
      return disabled ? Client.OK : Client.FAILED;
    }
  }

  static Path userUnitDir() {
    String config = System.getenv("XDG_CONFIG_HOME");
    Path base =
        config != null && !config.isBlank()
            ? Path.of(config)
            : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("systemd").resolve("user");
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The user's home folder as the system's user database has it, else /home/USER. */
  private static Path userHome(String user) {
    try {
      Process getent = new ProcessBuilder("getent", "passwd", user).start();
      String line = new String(getent.getInputStream().readAllBytes()).strip();
      if (getent.waitFor() == 0 && line.split(":").length >= 6) {
        return Path.of(line.split(":")[5]);
      }
    } catch (IOException e) {
      // no getent here: the usual place
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Path.of(user.equals("root") ? "/root" : "/home/" + user);
  }
}
