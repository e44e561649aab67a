package dev.pmfx.cli;

import dev.pmfx.daemon.SshHost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --host DEST} and {@code --remote-pmfx CMD}, taken from anywhere on the command line before
 * {@code --} and before any command reads it, so that every command that talks to the daemon
 * accepts them; {@code PMFX_HOST}, {@code PMFX_REMOTE_PMFX} and {@code PMFX_SSH} in their place.
 */
public final class HostOptions {

  private HostOptions() {}

  /** The commands that do their work on this machine, where {@code --host} means nothing. */
  static final Set<String> LOCAL_ONLY =
      Set.of(
          "run",
          "daemon",
          "bridge",
          "check",
          "init",
          "import",
          "startup",
          "unstartup",
          "save",
          "resurrect",
          "update",
          "set",
          "unset",
          "get",
          "conf",
          "deploy");

  private static volatile Optional<String> host = Optional.empty();
  private static volatile Optional<String> remotePmfx = Optional.empty();

  /** Whether the command works on this machine's files, which PMFX_HOST does not move. */
  private static volatile boolean localOnly;

  /** What the command line is without the host's options, which are kept for {@link #host}. */
  public static String[] take(String[] args) {
    List<String> rest = new ArrayList<>();
    boolean ended = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (ended || arg.equals("--")) {
        ended = true;
        rest.add(arg);
      } else if ((arg.equals("--host") || arg.equals("--remote-pmfx")) && i + 1 < args.length) {
        set(arg, args[++i]);
      } else if (arg.startsWith("--host=")) {
        set("--host", arg.substring("--host=".length()));
      } else if (arg.startsWith("--remote-pmfx=")) {
        set("--remote-pmfx", arg.substring("--remote-pmfx=".length()));
      } else {
        rest.add(arg);
      }
    }
    localOnly = !rest.isEmpty() && LOCAL_ONLY.contains(rest.getFirst());
    return rest.toArray(String[]::new);
  }

  private static void set(String option, String value) {
    if (option.equals("--host")) {
      host = Optional.of(value);
    } else {
      remotePmfx = Optional.of(value);
    }
  }

  /** Forgets what {@link #take} kept: for tests that run several command lines in one JVM. */
  static void reset() {
    host = Optional.empty();
    remotePmfx = Optional.empty();
    localOnly = false;
  }

  /** Whether {@code --host} was given on the command line (not by {@code PMFX_HOST}). */
  static boolean given() {
    return host.isPresent();
  }

  /**
   * Why the command line cannot run with {@code --host}: its command works on this machine alone;
   * empty when it can.
   */
  public static Optional<String> refusal(String[] rest) {
    if (given() && rest.length == 0) {
      return Optional.of(
          "pmfx: the window shows this machine's daemon only; with --host, give a command"
              + " (pmfx --help, docs/hosts.md)");
    }
    if (!given() || rest.length == 0 || !LOCAL_ONLY.contains(rest[0])) {
      return Optional.empty();
    }
    if (rest[0].equals("deploy")) {
      return Optional.of(
          "pmfx: 'deploy' reaches the hosts its file's deploy section names, over ssh; it takes no"
              + " --host");
    }
    return Optional.of(
        "pmfx: '"
            + rest[0]
            + "' works on this machine and takes no --host; run it on the host (ssh HOST pmfx "
            + rest[0]
            + " …)");
  }

  /** The host the daemon's commands go to: {@code --host}, or {@code PMFX_HOST}; empty: here. */
  static Optional<SshHost> host() {
    return host(System.getenv());
  }

  static Optional<SshHost> host(Map<String, String> env) {
    Optional<String> dest = host.or(() -> nonBlank(env.get("PMFX_HOST")));
    if (localOnly || dest.isEmpty() || dest.get().isBlank()) {
      return Optional.empty();
    }
    String remote =
        remotePmfx.or(() -> nonBlank(env.get("PMFX_REMOTE_PMFX"))).orElse("pmfx").strip();
    return Optional.of(new SshHost(dest.get().strip(), remote, ssh(env)));
  }

  /**
   * The ssh command and its own options: {@code PMFX_SSH} split at spaces (no quoting), or {@code
   * ssh}. Every command that runs ssh (a host's daemon, {@code deploy}) runs this one.
   */
  static List<String> ssh(Map<String, String> env) {
    return List.copyOf(
        nonBlank(env.get("PMFX_SSH"))
            .map(s -> Arrays.asList(s.strip().split("\\s+")))
            .orElse(List.of("ssh")));
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
