package dev.pmfx.cli;

import dev.pmfx.Version;
import dev.pmfx.ui.PmfxApp;
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
    subcommands = {CheckCommand.class, CommandLine.HelpCommand.class})
public final class PmfxCommand implements Callable<Integer> {

  @CommandLine.Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "An ecosystem file to open in the window (default: the last one, or the demo).")
  java.nio.file.Path file;

  public static CommandLine commandLine() {
    return new CommandLine(new PmfxCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() {
    PmfxApp.launchWindow(file);
    return 0;
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
