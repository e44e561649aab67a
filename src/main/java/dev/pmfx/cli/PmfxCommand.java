package dev.pmfx.cli;

import dev.pmfx.home.Version;
import dev.pmfx.ui.PmfxApp;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "pmfx",
    mixinStandardHelpOptions = true,
    versionProvider = PmfxCommand.VersionProvider.class,
    description =
        "A desktop process manager with PM2's model: ecosystem files, fork and cluster mode,"
            + " zero-downtime reload and scale. Without a command, opens the window.",
    footer = {
      "",
      "Every command that talks to the daemon also takes --host DEST (or PMFX_HOST): the daemon"
          + " of DEST (user@server, an ssh alias, ssh://user@server:port), reached with the"
          + " system's ssh, which runs 'pmfx bridge' there; --remote-pmfx CMD (or PMFX_REMOTE_PMFX)"
          + " is the command that runs pmfx on the host, PMFX_SSH the ssh command with options of"
          + " its own. See docs/hosts.md."
    },
    subcommands = {
      CheckCommand.class,
      RunCommand.class,
      ControlCommands.Start.class,
      ControlCommands.Stop.class,
      ControlCommands.Restart.class,
      ControlCommands.Reload.class,
      ControlCommands.Delete.class,
      ControlCommands.Reset.class,
      ControlCommands.ScaleApp.class,
      InfoCommands.ListApps.class,
      InfoCommands.Jlist.class,
      LookupCommands.Prettylist.class,
      LookupCommands.Pid.class,
      LookupCommands.Id.class,
      InfoCommands.Describe.class,
      EnvCommand.class,
      LogsCommand.class,
      EventsCommand.class,
      ControlCommands.Flush.class,
      ConfCommands.Set.class,
      ConfCommands.Unset.class,
      ConfCommands.Get.class,
      ConfCommands.Conf.class,
      ProbeCommands.Trigger.class,
      ProbeCommands.SendSignal.class,
      ProbeCommands.Send.class,
      MonitCommand.class,
      InitCommand.class,
      ImportCommand.class,
      SaveCommands.Save.class,
      SaveCommands.Resurrect.class,
      SaveCommands.Update.class,
      StartupCommands.Startup.class,
      StartupCommands.Unstartup.class,
      InfoCommands.Ping.class,
      InfoCommands.Kill.class,
      InfoCommands.Daemon.class,
      InfoCommands.BridgeToDaemon.class,
      DeployCommand.class,
      CommandLine.HelpCommand.class
    })
public final class PmfxCommand implements Callable<Integer> {

  @CommandLine.Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "An ecosystem file to open in the window (default: the last one, or the demo).")
  java.nio.file.Path file;

  public static CommandLine commandLine() {
    return new CommandLine(new PmfxCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(
            (exception, commandLine, parsed) -> exitCode(exception, commandLine.getErr()));
  }

  /**
   * What a command that failed with {@code exception} says on {@code err}, and its exit code.
   *
   * @throws Exception the exception itself, when it is none a command may end with
   */
  static int exitCode(Exception exception, PrintWriter err) throws Exception {
    Throwable cause = exception;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof Client.Unreachable unreachable) {
      err.println(unreachable.getMessage());
      err.flush();
      return Client.UNREACHABLE;
    }
    if (cause instanceof java.io.IOException || cause instanceof java.io.UncheckedIOException) {
      err.println("pmfx: lost the daemon: " + cause.getMessage());
      err.flush();
      return Client.UNREACHABLE;
    }
    if (cause instanceof dev.pmfx.daemon.RemoteEngine.DaemonException
        || cause instanceof IllegalStateException
        || cause instanceof IllegalArgumentException) {
      err.println("pmfx: " + cause.getMessage()); // the daemon said no
      err.flush();
      return Client.FAILED;
    }
    throw exception;
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (file != null && !Files.exists(file)) {
      String given = file.toString();
      if (!given.contains(".") && !given.contains("/")) {
        err.println("pmfx: unknown command '" + given + "'; 'pmfx --help' lists the commands");
        return 2;
      }
      err.println("pmfx: " + file.toAbsolutePath() + ": file not found");
      return 1;
    }
    Map<String, String> env = System.getenv();
    boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    if (linux && isBlank(env.get("DISPLAY")) && isBlank(env.get("WAYLAND_DISPLAY"))) {
      err.println(
          "pmfx: the window needs a display, and neither DISPLAY nor WAYLAND_DISPLAY is set;"
              + " without one, use a command such as 'pmfx check FILE' (pmfx --help)");
      return 1;
    }
    if (linux) {
      java.util.Optional<String> noGtk = missingGtk();
      if (noGtk.isPresent()) {
        err.println(
            "pmfx: the window needs GTK 3, which this machine cannot load ("
                + noGtk.get()
                + "); install it (Debian, Ubuntu: sudo apt install libgtk-3-0; Fedora: sudo dnf"
                + " install gtk3), or use a command such as 'pmfx list' (pmfx --help)");
        return 1;
      }
    }
    PmfxApp.launchWindow(file);
    return 0;
  }

  /**
   * Why GTK 3, which JavaFX draws the window with on Linux, cannot be loaded; empty when it can.
   * Loading it here is what JavaFX would do next, and it stays loaded for JavaFX.
   */
  private static java.util.Optional<String> missingGtk() {
    try {
      java.lang.foreign.SymbolLookup.libraryLookup(
          "libgtk-3.so.0", java.lang.foreign.Arena.global());
      return java.util.Optional.empty();
    } catch (IllegalArgumentException cannot) {
      return java.util.Optional.of(String.valueOf(cannot.getMessage()));
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "pmfx " + Version.current(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
