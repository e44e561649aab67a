package dev.pmfx.daemon;

import dev.pmfx.home.Version;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A host's daemon, reached as {@code docker -H ssh://} reaches one: the system's {@code ssh} runs
 * {@code pmfx bridge} on the host, and the protocol goes over its standard input and output. The
 * user's keys, agent, ssh config, jump hosts and known hosts apply; pmfx keeps no secret and opens
 * no port.
 *
 * @param destination what ssh takes ({@code user@server}, an alias of ~/.ssh/config), or {@code
 *     ssh://[user@]server[:port]}
 * @param remotePmfx the command that runs pmfx on the host, as its shell reads it
 * @param ssh the ssh command and options of its own ({@code PMFX_SSH}, split at spaces)
 */
public record SshHost(String destination, String remotePmfx, List<String> ssh) {

  /** What ssh exits with when it could not connect or authenticate (its own failures). */
  private static final int SSH_FAILED = 255;

  private static final String SETSID = "/usr/bin/setsid";

  /** What a POSIX shell exits with for a command it cannot find. */
  private static final int NOT_FOUND = 127;

  /**
   * The host at {@code destination} as {@code env} says to reach it: {@code remotePmfx}, else
   * {@code PMFX_REMOTE_PMFX}, else {@code pmfx}; {@code PMFX_SSH} split at spaces, else {@code
   * ssh}.
   */
  public static SshHost of(
      String destination, Optional<String> remotePmfx, java.util.Map<String, String> env) {
    String remote =
        remotePmfx
            .filter(r -> !r.isBlank())
            .or(() -> Optional.ofNullable(env.get("PMFX_REMOTE_PMFX")).filter(r -> !r.isBlank()))
            .orElse("pmfx")
            .strip();
    return new SshHost(destination.strip(), remote, sshCommand(env));
  }

  /** The ssh command and its own options: {@code PMFX_SSH} split at spaces, or {@code ssh}. */
  public static List<String> sshCommand(java.util.Map<String, String> env) {
    return Optional.ofNullable(env.get("PMFX_SSH"))
        .filter(s -> !s.isBlank())
        .map(s -> List.of(s.strip().split("\\s+")))
        .orElse(List.of("ssh"));
  }

  /** {@code ssh -T -o BatchMode=yes [-p PORT] DEST REMOTE_PMFX bridge [--running]}. */
  public List<String> command(boolean onlyRunning) {
    List<String> command = new ArrayList<>(ssh);
    command.addAll(List.of("-T", "-o", "BatchMode=yes"));
    String dest = destination;
    if (dest.startsWith("ssh://")) {
      URI uri = URI.create(dest);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("--host " + dest + ": no host in it");
      }
      if (uri.getPort() > 0) {
        command.addAll(List.of("-p", String.valueOf(uri.getPort())));
      }
      dest = (uri.getUserInfo() != null ? uri.getUserInfo() + "@" : "") + uri.getHost();
    }
    if (dest.isBlank() || dest.startsWith("-")) {
      throw new IllegalArgumentException("--host '" + destination + "' is no ssh destination");
    }
    command.add("--"); // a destination is never taken as an option of ssh's
    command.add(dest);
    command.add(remotePmfx + " bridge" + (onlyRunning ? " --running" : ""));
    return command;
  }

  /**
   * The host's daemon, started there when none runs, once it answered a ping in this pmfx's
   * protocol.
   *
   * @throws IOException saying why not: no ssh, ssh's own words, no pmfx on the host, another
   *     protocol
   */
  public RemoteEngine connect() throws IOException {
    return reach(false).orElseThrow();
  }

  /** The host's daemon when one runs there; empty when none does. */
  public Optional<RemoteEngine> connectIfRunning() throws IOException {
    return reach(true);
  }

  /**
   * The text of {@code view} ({@code list}, {@code jlist}, {@code ping}) drawn by the host's daemon
   * of this pmfx version, started there when none runs: the quick way, without the JSON mapper
   * here. Empty on any trouble, which the whole way ({@link #connect}) then says.
   */
  public Optional<String> view(String view) {
    Process process;
    try {
      process = start(false, ProcessBuilder.Redirect.DISCARD);
    } catch (IOException noSsh) {
      return Optional.empty();
    }
    Thread watch =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    Thread.sleep(30_000);
                    process.destroyForcibly();
                  } catch (InterruptedException asked) {
                    // answered in time
                  }
                });
    try (Transport link = Transport.of(process)) {
      return DaemonViews.exchange(link.reader(), link.writer(), view).flatMap(text -> text);
    } catch (IOException | RuntimeException trouble) {
      return Optional.empty();
    } finally {
      watch.interrupt();
    }
  }

  /**
   * ssh running the host's bridge, its standard error to {@code stderr}.
   *
   * @throws IOException saying ssh cannot run, and what to install
   */
  private Process start(boolean onlyRunning, ProcessBuilder.Redirect stderr) throws IOException {
    if (!runnable(ssh.getFirst())) {
      // checked here: under setsid, a missing ssh would read as a missing pmfx on the host
      throw new IOException(noSsh("not found"));
    }
    List<String> command = new ArrayList<>();
    if (new java.io.File(SETSID).canExecute()) {
      // In a session of its own, as docker's ssh helper runs in a process group of its own: a
      // Ctrl-C on the terminal is this command's (which then ends, closing ssh's input), and does
      // not cut the connection under it first. BatchMode keeps ssh from asking the terminal.
      command.add(SETSID);
    }
    command.addAll(command(onlyRunning));
    try {
      return new ProcessBuilder(command).redirectError(stderr).start();
    } catch (IOException noSsh) {
      throw new IOException(noSsh(noSsh.getMessage()), noSsh);
    }
  }

  private Optional<RemoteEngine> reach(boolean onlyRunning) throws IOException {
    Process process = start(onlyRunning, ProcessBuilder.Redirect.PIPE);
    Said said = new Said(process.getErrorStream());
    RemoteEngine engine = RemoteEngine.over(Transport.of(process));
    DaemonInfo info;
    try {
      info = engine.ping();
    } catch (RuntimeException noAnswer) {
      engine.close();
      int code = exitCode(process);
      if (onlyRunning && code == Bridge.NONE_RUNS) {
        return Optional.empty();
      }
      throw new IOException(why(code, said.text()), noAnswer);
    }
    engine.daemon = info;
    int protocol = info.protocol() == 0 ? 1 : info.protocol(); // 0: older than the number
    if (protocol != Wire.PROTOCOL) {
      engine.close();
      throw new IOException(
          destination
              + " runs pmfx "
              + info.version()
              + ", whose daemon speaks protocol "
              + protocol
              + "; this is pmfx "
              + Version.current()
              + ", which speaks protocol "
              + Wire.PROTOCOL
              + ": install the same pmfx version here and on the host (then 'pmfx update' there"
              + " starts its daemon anew)");
    }
    return Optional.of(engine);
  }

  private String noSsh(String why) {
    return "cannot run "
        + ssh.getFirst()
        + " ("
        + why
        + "): pmfx reaches hosts with the system's ssh client; install it (Debian, Ubuntu:"
        + " apt install openssh-client), or name it in PMFX_SSH";
  }

  /** Whether {@code program} names a file that may be run: a path, or a name on PATH. */
  private static boolean runnable(String program) {
    if (program.contains("/")) {
      return java.nio.file.Files.isExecutable(java.nio.file.Path.of(program));
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** What went wrong, from ssh's exit code and what it (or the host's shell) said. */
  private String why(int code, String said) {
    String words = said.strip();
    if (code == NOT_FOUND || words.matches("(?s).*(not found|No such file or directory).*")) {
      return "pmfx is not on the host's PATH: install it there, or name it with --remote-pmfx"
          + " /path/to/pmfx"
          + (words.isEmpty() ? "" : " (the host said: " + words + ")");
    }
    if (code == SSH_FAILED) {
      return words.isEmpty() ? "ssh could not connect (exit code 255)" : words;
    }
    return "the host's pmfx did not answer"
        + (code >= 0 ? " (exit code " + code + ")" : "")
        + (words.isEmpty() ? "" : ": " + words);
  }

  /** ssh's exit code, once it ended (it may take a moment after its output closed); -1 if not. */
  private static int exitCode(Process process) {
    try {
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroy();
    return -1;
  }

  /** What ssh writes on its standard error, read as it comes, the last 8 KiB kept. */
  private static final class Said {
    private final StringBuilder text = new StringBuilder();
    private final Thread reader;

    Said(InputStream err) {
      reader =
          Thread.ofPlatform()
              .name("pmfx-ssh-stderr")
              .daemon()
              .start(
                  () -> {
                    byte[] bytes = new byte[4096];
                    try {
                      int read;
                      while ((read = err.read(bytes)) >= 0) {
                        synchronized (text) {
                          text.append(new String(bytes, 0, read, StandardCharsets.UTF_8));
                          if (text.length() > 8192) {
                            text.delete(0, text.length() - 8192);
                          }
                        }
                      }
                    } catch (IOException ended) {
                      // ssh ended
                    }
                  });
    }

    String text() {
      try {
        reader.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (text) {
        return text.toString();
      }
    }
  }
}
