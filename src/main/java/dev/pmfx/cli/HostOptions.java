package dev.pmfx.cli;

import dev.pmfx.daemon.SshHost;
import java.util.ArrayList;
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

  /**
   * The commands that never end on their own (they follow): one host at a time, not host after
   * host; and {@code jlist}, whose one JSON array a second would break.
   */
  static final Set<String> ONE_HOST_ONLY = Set.of("logs", "events", "monit", "jlist", "prettylist");

  /**
   * The commands that only look: on several hosts they go on past a host that fails (one host down
   * hides none of the others), and exit with the worst code at the end.
   */
  static final Set<String> LOOKS_ONLY =
      Set.of(
          "list",
          "ls",
          "l",
          "status",
          "describe",
          "desc",
          "show",
          "info",
          "ping",
          "pid",
          "id",
          "env");

  /** Every {@code --host} given, in order ({@code --host a,b} is two). */
  private static volatile List<String> hosts = List.of();

  /** The host the command now talks to: the one given, or each in turn ({@link #eachHost}). */
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
      List<String> more = new ArrayList<>(hosts);
      more.addAll(split(value));
      hosts = List.copyOf(more);
      host = hosts.isEmpty() ? Optional.of(value) : Optional.of(hosts.getFirst());
    } else {
      remotePmfx = Optional.of(value);
    }
  }

  /** Forgets what {@link #take} kept: for tests that run several command lines in one JVM. */
  static void reset() {
    host = Optional.empty();
    hosts = List.of();
    remotePmfx = Optional.empty();
    localOnly = false;
  }

  /**
   * The hosts the command runs on, host after host: every {@code --host}, else {@code PMFX_HOST}
   * split at commas; one or none for most command lines.
   */
  public static List<String> hosts() {
    return hosts(System.getenv());
  }

  static List<String> hosts(Map<String, String> env) {
    if (localOnly) {
      return List.of();
    }
    if (!hosts.isEmpty()) {
      return hosts;
    }
    String named = env.get("PMFX_HOST");
    if (named == null || named.isBlank()) {
      return List.of();
    }
    return split(named);
  }

  /** The hosts a {@code --host} or {@code PMFX_HOST} value names: split at commas, trimmed. */
  private static List<String> split(String value) {
    return java.util.Arrays.stream(value.split(","))
        .map(String::strip)
        .filter(h -> !h.isEmpty())
        .toList();
  }

  /**
   * Runs the command line on each host in turn, under a heading naming it, as {@code run} runs it
   * on one; stops at the first host where it fails, and says which hosts it left alone. A reload on
   * every host is this: host after host, each as zero-downtime as alone, the hosts after a failed
   * one still on the version they run.
   *
   * @return the exit code: the first failure's, else 0
   */
  public static int eachHost(
      String[] args,
      List<String> all,
      java.util.function.ToIntFunction<String[]> run,
      java.io.PrintStream out,
      java.io.PrintStream err) {
    if (args.length > 0 && ONE_HOST_ONLY.contains(args[0])) {
      err.println(
          "pmfx: '"
              + args[0]
              + "' takes one host; "
              + String.join(", ", all)
              + " are "
              + all.size()
              + " (run it once for each)");
      return Client.USAGE;
    }
    boolean looksOnly = args.length > 0 && LOOKS_ONLY.contains(args[0]);
    int worst = 0;
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      host = Optional.of(all.get(i));
      out.println((i == 0 ? "" : "\n") + "── " + all.get(i) + " ──");
      out.flush();
      int code = run.applyAsInt(args);
      out.flush();
      if (code != 0 && looksOnly) {
        worst = Math.max(worst, code);
        failed.add(all.get(i));
        continue;
      }
      if (code != 0) {
        List<String> left = all.subList(i + 1, all.size());
        err.println(
            "pmfx: stopped at "
                + all.get(i)
                + " (exit code "
                + code
                + ")"
                + (left.isEmpty()
                    ? ""
                    : "; "
                        + String.join(", ", left)
                        + (left.size() == 1 ? " was" : " were")
                        + " left as "
                        + (left.size() == 1 ? "it was" : "they were")));
        return code;
      }
    }
    if (!failed.isEmpty()) {
      err.println(
          "pmfx: "
              + String.join(", ", failed)
              + " failed (exit code "
              + worst
              + "); the others answered");
    }
    return worst;
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
    Optional<String> dest =
        host.or(() -> hosts(env).stream().findFirst()).or(() -> nonBlank(env.get("PMFX_HOST")));
    if (localOnly || dest.isEmpty() || dest.get().isBlank()) {
      return Optional.empty();
    }
    return Optional.of(SshHost.of(dest.get(), remotePmfx, env));
  }

  /**
   * The ssh command and its own options: {@code PMFX_SSH} split at spaces (no quoting), or {@code
   * ssh}. Every command that runs ssh (a host's daemon, {@code deploy}) runs this one.
   */
  static List<String> ssh(Map<String, String> env) {
    return SshHost.sshCommand(env);
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
