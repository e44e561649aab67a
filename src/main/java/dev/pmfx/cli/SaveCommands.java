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
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** save and resurrect: apps that come back after a reboot (with {@link StartupCommands}). */
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
        SavedApps saved = SavedApps.of(engine);
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
        for (CommandResult result : saved.get().startRunning(engine)) {
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
          SavedApps.of(old).write(dump);
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
          for (CommandResult result : saved.get().startRunning(engine)) {
            code = Math.max(code, Client.report(err, result));
          }
        }
        EventPrinter.say(out, "the daemon runs pmfx " + engine.daemon().version());
        ControlCommands.table(out, engine);
        return code;
      }
    }
  }
}
