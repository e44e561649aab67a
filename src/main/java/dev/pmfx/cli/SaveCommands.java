package dev.pmfx.cli;

import dev.pmfx.daemon.Daemons;
import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.daemon.SavedApps;
import dev.pmfx.engine.CommandResult;
import dev.pmfx.home.PmfxHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** save, resurrect, startup and unstartup: apps that come back after a reboot. */
final class SaveCommands {

  private SaveCommands() {}

  @Command(
      name = "save",
      aliases = "dump",
      mixinStandardHelpOptions = true,
      description =
          "Saves every app (spec, file, env, whether it runs) to PMFX_HOME/dump.json for 'pmfx resurrect'.")
  static final class Save implements Callable<Integer> {
    @Option(names = "--force", description = "save even when no app is known (an empty dump)")
    boolean force;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      try (RemoteEngine engine = Client.connect(spec.commandLine().getErr())) {
        SavedApps saved = SavedApps.of(engine.snapshot());
        Path dump = Daemons.dumpFile(PmfxHome.current());
        if (saved.apps().isEmpty() && !force && Files.exists(dump)) {
          spec.commandLine()
              .getErr()
              .println(
                  "pmfx: no app runs, so "
                      + dump
                      + " is left as it is (pmfx save --force empties it)");
          return Client.FAILED;
        }
        saved.write(dump);
        EventPrinter.say(
            spec.commandLine().getOut(),
            "saved "
                + saved.apps().size()
                + " apps ("
                + saved.running().size()
                + " running, which resurrect starts) to "
                + dump);
        return Client.OK;
      }
    }
  }

  @Command(
      name = "resurrect",
      mixinStandardHelpOptions = true,
      description = "Starts the apps that were running when 'pmfx save' ran, unless they run now.")
  static final class Resurrect implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      return resurrect(spec.commandLine().getOut(), spec.commandLine().getErr(), true);
    }

    /** Starts the saved apps that are not running; prints the table when asked. */
    int resurrect(PrintWriter out, PrintWriter err, boolean table) throws IOException {
      Path dump = Daemons.dumpFile(PmfxHome.current());
      Optional<SavedApps> saved;
      try {
        saved = SavedApps.read(dump);
      } catch (IOException e) {
        err.println("pmfx: " + e.getMessage());
        return Client.FAILED;
      }
      if (saved.isEmpty()) {
        err.println(
            "pmfx: nothing to resurrect: " + dump + " does not exist ('pmfx save' writes it)");
        return Client.FAILED;
      }
      try (RemoteEngine engine = Client.connect(err)) {
        int code = Client.OK;
        for (CommandResult result : SavedApps.start(engine, saved.get().running())) {
          code = Math.max(code, Client.report(err, result));
        }
        if (table) {
          ControlCommands.table(out, engine);
        }
        return code;
      }
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description =
          "Saves every app, ends the daemon (its workers gracefully), and starts this pmfx's"
              + " daemon with the apps that ran: after an upgrade, as pm2 update.")
  static final class Update implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      PmfxHome home = PmfxHome.current();
      Path dump = Daemons.dumpFile(home);
      Optional<RemoteEngine> running = Daemons.connectIfRunning(home);
      if (running.isPresent()) {
        try (RemoteEngine old = running.get()) {
          SavedApps.of(old.snapshot()).write(dump);
          EventPrinter.say(
              out,
              "saved the apps to "
                  + dump
                  + "; ending pmfx "
                  + old.daemon().version()
                  + "'s daemon");
          old.kill();
        }
      }
      Optional<SavedApps> saved = SavedApps.read(dump);
      try (RemoteEngine engine = Client.connect(err)) {
        int code = Client.OK;
        if (saved.isPresent()) {
          for (CommandResult result : SavedApps.start(engine, saved.get().running())) {
            code = Math.max(code, Client.report(err, result));
          }
        }
        EventPrinter.say(out, "the daemon runs pmfx " + engine.daemon().version());
        ControlCommands.table(out, engine);
        return code;
      }
    }
  }

  @Command(
      name = "startup",
      mixinStandardHelpOptions = true,
      description = {
        "Prints a systemd user unit that starts the daemon at login (at boot with 'loginctl"
            + " enable-linger') and resurrects the saved apps; --install writes and enables it.",
        "Run 'pmfx save' after starting the apps to bring back."
      })
  static final class Startup implements Callable<Integer> {
    @Option(
        names = "--install",
        description = "write ~/.config/systemd/user/pmfx.service and enable it")
    boolean install;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String unit = unit(PmfxHome.current());
      if (!install) {
        out.print(unit);
        out.println();
        out.println("# Install it with: pmfx startup --install");
        out.println("# (writes " + unitFile() + " and runs systemctl --user enable pmfx)");
        out.flush();
        return Client.OK;
      }
      Path file = unitFile();
      Files.createDirectories(file.getParent());
      Files.writeString(file, unit);
      EventPrinter.say(out, "wrote " + file);
      if (!systemctl(out, err, List.of("daemon-reload"), List.of("enable", "pmfx.service"))) {
        return Client.FAILED;
      }
      String user = System.getenv().getOrDefault("USER", System.getProperty("user.name"));
      EventPrinter.say(
          out,
          "the daemon now starts at login; for boot without a login: loginctl enable-linger "
              + user);
      return Client.OK;
    }
  }

  @Command(
      name = "unstartup",
      mixinStandardHelpOptions = true,
      description = "Disables and removes the unit 'pmfx startup --install' wrote.")
  static final class Unstartup implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      Path file = unitFile();
      if (!Files.exists(file)) {
        EventPrinter.say(out, "no unit to remove at " + file);
        return Client.OK;
      }
      boolean disabled =
          systemctl(out, spec.commandLine().getErr(), List.of("disable", "pmfx.service"));
      Files.delete(file);
      EventPrinter.say(out, "removed " + file);
      return disabled ? Client.OK : Client.FAILED;
    }
  }

  static Path unitFile() {
    String config = System.getenv("XDG_CONFIG_HOME");
    Path base =
        config != null && !config.isBlank()
            ? Path.of(config)
            : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("systemd").resolve("user").resolve("pmfx.service");
  }

  /** The unit: the daemon in the foreground of its service, resurrecting; stopped by kill. */
  static String unit(PmfxHome home) {
    String self =
        String.join(
            " ", Daemons.selfCommand(List.of()).stream().map(SaveCommands::quoted).toList());
    return String.join(
        "\n",
        "[Unit]",
        "Description=pmfx process manager (the daemon, and the apps pmfx save saved)",
        "After=network.target",
        "",
        "[Service]",
        "Type=simple",
        "Environment=PMFX_HOME=" + quoted(home.dir().toString()),
        "ExecStart=" + self + " daemon --resurrect",
        "ExecStop=" + self + " kill",
        // a daemon that ran already took the saved apps; the unit stays up to stop it later
        "RemainAfterExit=yes",
        "Restart=on-failure",
        "TimeoutStopSec=120",
        "",
        "[Install]",
        "WantedBy=default.target",
        "");
  }

  private static String quoted(String word) {
    word = word.replace("%", "%%"); // systemd's specifiers
    return word.matches("[A-Za-z0-9_@%+=:,./-]+")
        ? word
        : "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Runs each {@code systemctl --user} command; says what to run by hand when one fails. */
  @SafeVarargs
  private static boolean systemctl(PrintWriter out, PrintWriter err, List<String>... commands)
      throws IOException, InterruptedException {
    for (List<String> args : commands) {
      List<String> command = new java.util.ArrayList<>(List.of("systemctl", "--user"));
      command.addAll(args);
      Process process;
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException notHere) {
        err.println(
            "pmfx: systemctl is not available here; on a systemd machine run: "
                + String.join(" ", command));
        return false;
      }
      String said = new String(process.getInputStream().readAllBytes()).strip();
      if (process.waitFor() != 0) {
        err.println(
            "pmfx: " + String.join(" ", command) + " failed" + (said.isEmpty() ? "" : ": " + said));
        return false;
      }
      EventPrinter.say(out, String.join(" ", command));
    }
    return true;
  }
}
