package dev.pmfx.cli;

import dev.pmfx.config.DeployTarget;
import dev.pmfx.config.Diagnostic;
import dev.pmfx.config.Ecosystem;
import dev.pmfx.config.EcosystemLoader;
import dev.pmfx.config.LoadResult;
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
 * {@code pmfx deploy [FILE] ENV [COMMAND]}, as {@code pm2 deploy} takes it: the ecosystem file's
 * {@code deploy} section, run over the system's ssh into PM2's folder layout (docs/deploy.md).
 */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = {
      "Deploys an environment of the ecosystem file's deploy section over ssh, as pm2 deploy:"
          + " setup once, then update (the default), revert [N], curr[ent], prev[ious], list,"
          + " exec CMD, ref REF.",
      "FILE defaults to the ecosystem file in this folder (ecosystem.config.js, ecosystem.yaml,"
          + " …). Exits 0 when every host is done, 1 when a step failed (the hosts after it are"
          + " not touched), 2 on a usage or config error."
    })
final class DeployCommand implements Callable<Integer> {

  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final String COMMANDS =
      "setup, update, revert [N], curr[ent], prev[ious], list, exec CMD, ref REF";

  @Parameters(
      arity = "0..*",
      paramLabel = "[FILE] ENV [COMMAND [ARG]]",
      description = "the ecosystem file (optional), the environment, and one of: " + COMMANDS)
  List<String> words = new ArrayList<>();

  @Option(
      names = "--force",
      description =
          "Deploy even when this checkout has changes not committed or not pushed (PM2's --force).")
  boolean force;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private int run(PrintWriter out, PrintWriter err) {
    List<String> rest = new ArrayList<>(words);
    Path file = Path.of(System.getProperty("user.dir"));
    if (!rest.isEmpty() && isFile(rest.getFirst())) {
      file = Path.of(rest.removeFirst());
    }
    if (rest.isEmpty()) {
      err.println("pmfx deploy: name the environment: pmfx deploy [FILE] ENV [" + COMMANDS + "]");
      return USAGE;
    }
    String envName = rest.removeFirst();
    String command = rest.isEmpty() ? "update" : rest.removeFirst();

    LoadResult result = EcosystemLoader.loadOnThisMachine(file);
    if (result instanceof LoadResult.Failed failed) {
      failed.diagnostics().stream().map(Diagnostic::format).forEach(err::println);
      err.println(
          "pmfx deploy: "
              + failed.file()
              + ": "
              + failed.errors().size()
              + " error(s); nothing deployed");
      return USAGE;
    }
    Ecosystem ecosystem = ((LoadResult.Loaded) result).ecosystem();
    ecosystem.warnings().stream().map(Diagnostic::format).forEach(err::println);
    Optional<DeployTarget> found = ecosystem.deployTarget(envName);
    if (found.isEmpty()) {
      err.println(
          "pmfx deploy: "
              + ecosystem.file()
              + " has no deploy environment '"
              + envName
              + "'"
              + (ecosystem.deploy().isEmpty()
                  ? ": it has no deploy section (docs/deploy.md)"
                  : "; it has " + String.join(", ", ecosystem.deploy().keySet())));
      return USAGE;
    }
    DeployTarget target = found.get();
    Optional<String> bad = DeployRun.badHost(target);
    if (bad.isPresent()) {
      err.println(
          "pmfx deploy: "
              + envName
              + ": host '"
              + bad.get()
              + "' is no ssh destination (it starts with '-')");
      return USAGE;
    }
    DeployRun deploy =
        new DeployRun(target, HostOptions.ssh(System.getenv()), ecosystem.file().getParent(), out);
    try {
      switch (command.toLowerCase(Locale.ROOT)) {
        case "setup" -> {
          noMore(rest, command);
          deploy.setup();
        }
        case "update" -> {
          noMore(rest, command);
          checkout(ecosystem.file().getParent());
          deploy.update(Optional.empty());
        }
        case "ref" -> {
          if (rest.size() != 1) {
            throw new Usage("'ref' takes what to deploy: pmfx deploy " + envName + " ref v1.2.0");
          }
          checkout(ecosystem.file().getParent());
          deploy.update(Optional.of(rest.getFirst()));
        }
        case "revert" -> {
          if (rest.size() > 1 || (rest.size() == 1 && !rest.getFirst().matches("[1-9]\\d{0,5}"))) {
            throw new Usage(
                "'revert' takes how many deploys to go back, a whole number from 1 (the default)");
          }
          deploy.revert(rest.isEmpty() ? 1 : Integer.parseInt(rest.getFirst()));
        }
        case "curr", "current" -> {
          noMore(rest, command);
          deploy.current();
        }
        case "prev", "previous" -> {
          noMore(rest, command);
          deploy.previous();
        }
        case "list" -> {
          noMore(rest, command);
          deploy.list();
        }
        case "exec", "run" -> {
          if (rest.isEmpty()) {
            throw new Usage(
                "'"
                    + command
                    + "' takes the command to run: pmfx deploy "
                    + envName
                    + " exec 'ls'");
          }
          deploy.exec(String.join(" ", rest));
        }
        default ->
            throw new Usage("'" + command + "' is no deploy command; the commands are " + COMMANDS);
      }
    } catch (Usage usage) {
      err.println("pmfx deploy: " + usage.getMessage());
      return USAGE;
    } catch (DeployRun.StepFailed failed) {
      out.flush();
      String where = deploy.whereItStopped();
      err.println(
          "pmfx deploy: "
              + envName
              + ": "
              + failed.getMessage()
              + (where.isEmpty() ? "" : "; " + where));
      return FAILED;
    }
    return 0;
  }

  /**
   * Refuses a deploy from a checkout with changes not committed or pushed, as PM2 does, unless
   * {@code --force}: what the hosts get is the repository's, not this folder's.
   */
  private void checkout(Path folder) throws DeployRun.StepFailed {
    if (!force) {
      Optional<String> why = DeployRun.localChanges(folder);
      if (why.isPresent()) {
        throw new DeployRun.StepFailed(
            folder + ": " + why.get() + " (or deploy anyway with --force)");
      }
    }
  }

  /** Whether the first word names the ecosystem file, as {@code pm2 deploy FILE ENV} takes it. */
  private static boolean isFile(String word) {
    String lower = word.toLowerCase(Locale.ROOT);
    return lower.matches(".*\\.(js|cjs|mjs|json|ya?ml)") || Files.isRegularFile(Path.of(word));
  }

  private static void noMore(List<String> rest, String command) throws Usage {
    if (!rest.isEmpty()) {
      throw new Usage("'" + command + "' takes nothing more; found " + String.join(" ", rest));
    }
  }

  private static final class Usage extends Exception {
    Usage(String message) {
      super(message);
    }
  }
}
