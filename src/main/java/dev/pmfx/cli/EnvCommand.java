package dev.pmfx.cli;

import dev.pmfx.daemon.RemoteEngine;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pmfx env ID}: the environment a worker's process started with, one {@code KEY: value} a
 * line by name, as {@code pm2 env} prints it; values that look secret are hidden unless {@code
 * --show}.
 */
@Command(
    name = "env",
    mixinStandardHelpOptions = true,
    description =
        "Prints the environment the worker's process started with; values of variables named like"
            + " secrets (TOKEN, SECRET, PASSWORD, KEY, ...) are hidden unless --show.")
final class EnvCommand implements Callable<Integer> {

  /** Names of variables whose values are hidden: credentials by the words people name them with. */
  static final Pattern SECRET =
      Pattern.compile(
          "(?i).*(SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY"
              + "|_KEY$|^KEY$|AUTH|COOKIE|SESSION|DSN$|DATABASE_URL|_PWD$).*");

  static final String HIDDEN = "********";

  /**
   * Names that {@link #SECRET} would match but whose values are no secret: what pmfx gives its
   * workers (their private port or socket, the public port, pmfx's home), and the addresses of a
   * desktop session's agents and buses.
   */
  static final Pattern NOT_SECRET =
      Pattern.compile(
          "PMFX_(PRIVATE_PORT|PRIVATE_SOCKET|PUBLIC_PORT|HOME|IPC|SUPERVISOR)|SSH_AUTH_SOCK"
              + "|XAUTHORITY|XDG_SESSION_(ID|TYPE|CLASS|DESKTOP)|DESKTOP_SESSION"
              + "|DBUS_SESSION_BUS_ADDRESS|SESSION_MANAGER");

  /** Whether {@code pmfx env} hides the value of the variable of this name. */
  static boolean secret(String name) {
    return SECRET.matcher(name).matches() && !NOT_SECRET.matcher(name).matches();
  }

  @Parameters(paramLabel = "ID", description = "a worker id, as pmfx list shows it")
  int id;

  @Option(names = "--show", description = "print the values of secret-looking variables too")
  boolean show;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (RemoteEngine engine = Client.connect(err)) {
      Optional<Map<String, String>> environment = engine.environment(id);
      if (environment.isEmpty()) {
        err.println(
            "pmfx: "
                + id
                + ": no worker with that id has started; pmfx list shows the workers and their ids");
        return Client.FAILED;
      }
      int hidden = 0;
      for (Map.Entry<String, String> variable : new TreeMap<>(environment.get()).entrySet()) {
        boolean secret = !show && secret(variable.getKey());
        hidden += secret ? 1 : 0;
        out.println(variable.getKey() + ": " + (secret ? HIDDEN : variable.getValue()));
      }
      if (hidden > 0) {
        out.println(
            "("
                + hidden
                + " value"
                + (hidden == 1 ? "" : "s")
                + " hidden; pmfx env "
                + id
                + " --show prints "
                + (hidden == 1 ? "it" : "them")
                + ")");
      }
      return Client.OK;
    }
  }
}
