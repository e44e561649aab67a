package dev.pmfx.cli;

import dev.pmfx.daemon.RemoteEngine;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.Target;
import dev.pmfx.engine.WorkerStatus;
import java.io.PrintWriter;
import java.util.List;
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
 * {@code pmfx env TARGET}: the environment a worker's process started with, one {@code KEY: value}
 * a line by name, as {@code pm2 env ID} prints it; for an app, a namespace or {@code all}, each
 * worker's under a heading of its own. Values that look secret are hidden unless {@code --show}.
 */
@Command(
    name = "env",
    mixinStandardHelpOptions = true,
    description =
        "Prints the environment the worker's process started with (each worker's, under a heading,"
            + " for an app, a namespace or all); values of variables named like secrets (TOKEN,"
            + " SECRET, PASSWORD, KEY, ...) are hidden unless --show.")
final class EnvCommand implements Callable<Integer> {

  /** Names of variables whose values are hidden: credentials by the words people name them with. */
  static final Pattern SECRET =
      Pattern.compile(
          "(?i).*(SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY"
              + "|_KEY$|^KEY$|AUTH|COOKIE|SESSION|DSN$|DATABASE_URL|_PWD$).*");

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

  static final String HIDDEN = "********";

  /** Whether {@code pmfx env} hides the value of the variable of this name. */
  static boolean secret(String name) {
    return SECRET.matcher(name).matches() && !NOT_SECRET.matcher(name).matches();
  }

  @Parameters(
      paramLabel = "TARGET",
      description = "a worker id, as pmfx list shows it, or an app, a namespace, or all")
  String target;

  @Option(names = "--show", description = "print the values of secret-looking variables too")
  boolean show;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (RemoteEngine engine = Client.connect(err)) {
      int hidden;
      if (Target.parse(target) instanceof Target.WorkerId id) {
        Optional<Map<String, String>> environment = engine.environment(id.id());
        if (environment.isEmpty()) {
          err.println(
              "pmfx: "
                  + id.id()
                  + ": no worker with that id has started; pmfx list shows the workers and their"
                  + " ids");
          return Client.FAILED;
        }
        hidden = print(out, environment.get());
      } else {
        List<AppStatus> apps = Target.apps(engine.snapshot(), target);
        if (apps.isEmpty()) {
          return Client.unknownTarget(err, target);
        }
        hidden = 0;
        boolean first = true;
        for (AppStatus app : apps) {
          for (WorkerStatus worker : app.workers()) {
            if (!first) {
              out.println();
            }
            first = false;
            out.println("Environment of worker " + worker.id() + " of " + app.name());
            Optional<Map<String, String>> environment = engine.environment(worker.id());
            if (environment.isEmpty()) {
              out.println("(no process of this worker has started)");
            } else {
              hidden += print(out, environment.get());
            }
          }
        }
      }
      if (hidden > 0) {
        out.println(
            "("
                + hidden
                + " value"
                + (hidden == 1 ? "" : "s")
                + " hidden; pmfx env "
                + target.strip()
                + " --show prints "
                + (hidden == 1 ? "it" : "them")
                + ")");
      }
      out.flush();
      return Client.OK;
    }
  }

  /** Prints the variables by name; how many values it hid. */
  private int print(PrintWriter out, Map<String, String> environment) {
    int hidden = 0;
    for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
      boolean secret = !show && secret(variable.getKey());
      hidden += secret ? 1 : 0;
      out.println(variable.getKey() + ": " + (secret ? HIDDEN : variable.getValue()));
    }
    return hidden;
  }
}
