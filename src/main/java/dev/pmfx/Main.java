package dev.pmfx;

import dev.pmfx.cli.HostOptions;
import dev.pmfx.cli.PmfxCommand;
import dev.pmfx.cli.QuickCommands;
import java.util.OptionalInt;

/** {@code bin/pmfx}: no arguments opens the window; a subcommand runs headless. */
public final class Main {

  private Main() {}

  public static void main(String[] line) {
    String[] args = HostOptions.take(line);
    java.util.Optional<String> refused = HostOptions.refusal(args);
    if (refused.isPresent()) {
      System.err.println(refused.get());
      System.exit(2);
    }
    java.util.List<String> hosts = HostOptions.hosts();
    if (hosts.size() > 1 && args.length > 0 && !args[0].startsWith("-")) {
      // host after host, stopping at the first that fails
      System.exit(HostOptions.eachHost(args, hosts, Main::once, System.out, System.err));
    }
    System.exit(once(args));
  }

  /** The command line, on this machine's daemon or the one host it names. */
  private static int once(String[] args) {
    OptionalInt quick = QuickCommands.run(args, System.out);
    // A training run for bin/pmfx's class cache goes the whole way too, so that the cache holds
    // both.
    if (quick.isPresent() && !Boolean.getBoolean("pmfx.aotTraining")) {
      return quick.getAsInt(); // exits: a daemon's threads would keep it running
    }
    // SLF4J set up before any library thread logs, so none of them races it into a warning.
    org.slf4j.LoggerFactory.getILoggerFactory();
    // pm2 -v, as PM2 users type it
    String[] given = args.length == 1 && args[0].equals("-v") ? new String[] {"--version"} : args;
    return PmfxCommand.commandLine().execute(given);
  }
}
