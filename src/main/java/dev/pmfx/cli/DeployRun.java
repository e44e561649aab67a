package dev.pmfx.cli;

import dev.pmfx.config.DeployTarget;
import dev.pmfx.config.DeployTarget.Hook;
import dev.pmfx.config.SearchPath;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One {@code pmfx deploy} of one environment, host after host, each step a command over the
 * system's ssh as PM2's deploy script runs them, so that a host PM2 set up deploys the same way.
 * The first step that fails ends the run: the hosts after it are not touched.
 */
final class DeployRun {

  /** A step that failed: on which host, which step, and its exit code. */
  static final class StepFailed extends Exception {
    StepFailed(String message) {
      super(message);
    }
  }

  /** What ssh exits with when it could not connect or authenticate (its own failures). */
  private static final int SSH_FAILED = 255;

  /** What a POSIX shell exits with for a command it cannot find. */
  private static final int NOT_FOUND = 127;

  private final DeployTarget target;
  private final DeployScripts scripts;
  private final List<String> ssh;
  private final Path folder;
  private final PrintWriter out;

  /**
   * @param ssh the ssh command ({@link HostOptions#ssh})
   * @param folder where the local hook runs: the ecosystem file's folder
   */
  DeployRun(DeployTarget target, List<String> ssh, Path folder, PrintWriter out) {
    this.target = target;
    this.scripts = new DeployScripts(target);
    this.ssh = List.copyOf(ssh);
    this.folder = folder;
    this.out = out;
  }

  /** What ssh is given for {@code host}: PMFX_SSH, the env's options, then the destination. */
  List<String> sshCommand(String host, String script) {
    List<String> command = new ArrayList<>(ssh);
    for (String option : target.sshOptions()) {
      command.addAll(List.of("-o", option));
    }
    target.port().ifPresent(p -> command.addAll(List.of("-p", String.valueOf(p))));
    target.key().ifPresent(k -> command.addAll(List.of("-i", k)));
    command.addAll(List.of("-T", "-o", "BatchMode=yes", "--", destination(host), script));
    return command;
  }

  private String destination(String host) {
    return target.user().filter(u -> !host.contains("@")).map(u -> u + "@" + host).orElse(host);
  }

  /** The hosts the run goes to; a host that ssh would read as an option is no host. */
  static Optional<String> badHost(DeployTarget target) {
    return target.hosts().stream().filter(h -> h.startsWith("-")).findFirst();
  }

  /**
   * Why the checkout in {@code folder} should not be deployed from, as PM2 checks before a deploy:
   * changes not committed, or commits not pushed (the hosts clone the repository, not this folder).
   * Empty when it is clean, or when it is no git checkout at all.
   */
  static Optional<String> localChanges(Path folder) {
    try {
      if (git(folder, "rev-parse", "--is-inside-work-tree").code() != 0) {
        return Optional.empty();
      }
      if (git(folder, "diff", "--exit-code", "--quiet").code() != 0) {
        return Optional.of("commit or stash your changes before deploying");
      }
      if (git(folder, "diff", "--cached", "--exit-code", "--quiet").code() != 0) {
        return Optional.of("commit your staged changes before deploying");
      }
      if (!git(folder, "rev-list", "@{upstream}..", "-n", "1").out().isBlank()) {
        return Optional.of("push your changes before deploying");
      }
      return Optional.empty();
    } catch (IOException noGit) {
      return Optional.empty();
    }
  }

  private record Git(int code, String out) {}

  private static Git git(Path folder, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("git", "--no-pager"));
    command.addAll(List.of(args));
    Process git =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(devNull()))
            .start();
    String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      return new Git(git.waitFor(), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  // Commands

  void setup() throws StepFailed {
    out.println("--> Setting up " + target.name() + " environment");
    for (String host : target.hosts()) {
      onHost(host);
      Optional<String> preSetup = target.hook(Hook.PRE_SETUP);
      if (preSetup.isPresent()) {
        log("hook pre-setup");
        Optional<Path> script = localScript(preSetup.get());
        if (script.isPresent()) {
          // PM2's way: a local script (its first word a file here) runs on the host through bash -s
          step(host, "pre-setup", sshCommand(host, scripts.inHome("bash -s")), script, this::show);
        } else {
          remote(host, "pre-setup", scripts.inHome(preSetup.get()));
        }
      }
      log("running setup");
      remote(host, "setup paths", scripts.folders());
      log("cloning " + target.repo());
      remote(host, "clone", scripts.cloneRepo());
      remote(host, "symlink", scripts.link());
      hook(host, Hook.POST_SETUP);
      log("setup complete");
    }
    out.println("--> Success");
  }

  /** Deploys {@code ref} (the target's own when empty) to each host. */
  void update(Optional<String> ref) throws StepFailed {
    out.println("--> Deploying to " + target.name() + " environment");
    for (String host : target.hosts()) {
      onHost(host);
      deploy(host, ref.orElse(target.ref()));
    }
    out.println("--> Success");
  }

  /** Goes back {@code n} deploys on each host, as PM2's revert: the commit deployed then. */
  void revert(int n) throws StepFailed {
    out.println("--> Reverting " + target.name() + " environment " + n + " deploy(s)");
    for (String host : target.hosts()) {
      onHost(host);
      List<String> commits = deploys(host);
      if (commits.size() <= n) {
        throw new StepFailed(
            host
                + ": revert "
                + n
                + ": "
                + target.path()
                + "/.deploys has "
                + commits.size()
                + " deploy(s), so there is no deploy "
                + n
                + " before the last");
      }
      String commit = commits.get(commits.size() - 1 - n);
      log("reverting to " + commit);
      deploy(host, commit);
    }
    out.println("--> Success");
  }

  /** Prints the commit each host is at. */
  void current() throws StepFailed {
    for (String host : target.hosts()) {
      onHost(host);
      remote(host, "current", scripts.current());
    }
  }

  /** Prints the commit each host had before its last deploy. */
  void previous() throws StepFailed {
    for (String host : target.hosts()) {
      onHost(host);
      List<String> commits = deploys(host);
      if (commits.size() < 2) {
        throw new StepFailed(
            host + ": no deploy before the last in " + target.path() + "/.deploys");
      }
      out.println(commits.get(commits.size() - 2));
    }
  }

  /** Prints each host's deploys, the latest first, numbered as {@code revert} counts them. */
  void list() throws StepFailed {
    for (String host : target.hosts()) {
      onHost(host);
      List<String> commits = deploys(host);
      for (int i = 0; i < commits.size(); i++) {
        out.println(i + "\t" + commits.get(commits.size() - 1 - i));
      }
    }
  }

  /** Runs {@code command} in {@code current} on each host. */
  void exec(String command) throws StepFailed {
    for (String host : target.hosts()) {
      onHost(host);
      remote(host, "exec", scripts.inCurrent(command));
    }
  }

  // Steps

  private void deploy(String host, String ref) throws StepFailed {
    log("deploying " + ref);
    Optional<String> local = target.hook(Hook.PRE_DEPLOY_LOCAL);
    if (local.isPresent()) {
      log("hook pre-deploy-local");
      step(host, "pre-deploy-local", localShell(local.get()), Optional.empty(), this::show);
    }
    hook(host, Hook.PRE_DEPLOY);
    log("fetching updates and resetting HEAD to " + ref);
    remote(host, "fetch", scripts.fetch(ref));
    remote(host, "symlink", scripts.link());
    remote(host, "deploy log", scripts.record());
    hook(host, Hook.POST_DEPLOY);
    log("successfully deployed " + ref);
  }

  private List<String> deploys(String host) throws StepFailed {
    List<String> lines = new ArrayList<>();
    step(
        host,
        "read .deploys",
        sshCommand(host, scripts.deploys()),
        Optional.empty(),
        line -> {
          if (!line.isBlank()) {
            lines.add(line.strip().split("\\s+")[0]);
          }
        });
    return lines;
  }

  private void hook(String host, Hook hook) throws StepFailed {
    Optional<String> command = target.hook(hook);
    if (command.isEmpty()) {
      return;
    }
    log("hook " + hook.key());
    remote(host, hook.key(), scripts.inCurrent(command.get()));
  }

  private void remote(String host, String step, String script) throws StepFailed {
    step(host, step, sshCommand(host, script), Optional.empty(), this::show);
  }

  /**
   * Runs one step, its output (stdout and stderr together, as they come) to {@code lines}.
   *
   * @throws StepFailed naming the host and the step, when it cannot run or exits other than 0
   */
  private void step(
      String host, String step, List<String> command, Optional<Path> input, Consumer<String> lines)
      throws StepFailed {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.directory(folder.toFile());
    builder.redirectInput(
        input
            .map(p -> ProcessBuilder.Redirect.from(p.toFile()))
            .orElse(ProcessBuilder.Redirect.from(devNull())));
    int code;
    try {
      Process process = builder.start();
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.accept(line);
        }
      }
      code = process.waitFor();
    } catch (IOException cannotRun) {
      throw new StepFailed(
          host
              + ": "
              + step
              + ": cannot run "
              + command.getFirst()
              + " ("
              + cannotRun.getMessage()
              + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StepFailed(host + ": " + step + ": interrupted");
    }
    if (code != 0) {
      throw new StepFailed(
          host
              + ": "
              + step
              + " failed (exit code "
              + code
              + (code == SSH_FAILED && overSsh(command)
                  ? ": ssh's own, the host could not be reached or refused the key"
                  : "")
              + (code == NOT_FOUND && overSsh(command)
                  ? ": a command was not found on the host; an ssh session's PATH is short, so"
                      + " name it in full (/opt/pmfx/bin/pmfx, ~/.nvm/versions/node/…/bin/npm)"
                  : "")
              + ")");
    }
  }

  private boolean overSsh(List<String> command) {
    return command.size() > ssh.size() && command.subList(0, ssh.size()).equals(ssh);
  }

  private static java.io.File devNull() {
    return new java.io.File("/dev/null");
  }

  /** {@code command} in bash here (sh where there is no bash), as PM2 runs its local hook. */
  private static List<String> localShell(String command) {
    Map<String, String> env = System.getenv();
    String shell =
        SearchPath.find("bash", env.getOrDefault("PATH", "")).map(Path::toString).orElse("/bin/sh");
    return List.of(shell, "-c", command);
  }

  /** The local file a pre-setup names as its first word, which PM2 sends to the host's bash. */
  private Optional<Path> localScript(String command) {
    String first = command.strip().split("\\s+")[0];
    try {
      Path file = folder.resolve(first);
      return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    } catch (java.nio.file.InvalidPathException notAPath) {
      return Optional.empty();
    }
  }

  private void onHost(String host) {
    hostsReached.add(host);
    out.println("--> on host " + host);
    out.flush();
  }

  /** The hosts a run went to, in order; the last is the one it is on, or failed on. */
  private final List<String> hostsReached = new ArrayList<>();

  /**
   * Where a run that failed on a host left the others, in words: which hosts it went through, and
   * which it left alone; empty for a run of one host.
   */
  String whereItStopped() {
    List<String> hosts = target.hosts();
    if (hosts.size() < 2 || hostsReached.isEmpty()) {
      return "";
    }
    List<String> before = hostsReached.subList(0, hostsReached.size() - 1);
    List<String> after = hosts.subList(Math.min(hosts.size(), hostsReached.size()), hosts.size());
    List<String> said = new ArrayList<>();
    if (!before.isEmpty()) {
      said.add(String.join(", ", before) + " went through");
    }
    if (!after.isEmpty()) {
      said.add(String.join(", ", after) + (after.size() == 1 ? " was" : " were") + " left alone");
    }
    return String.join("; ", said);
  }

  private void log(String what) {
    out.println("  ○ " + what);
    out.flush();
  }

  private void show(String line) {
    out.println("    " + line);
    out.flush();
  }
}
