package dev.pmfx.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server for the tests, run as the current user on a free loopback port: a host key
 * and a client key of its own, the client's in its authorized keys, nothing outside {@code dir}.
 * {@link #sshCommand()} is the ssh command with a config that reaches it ({@code PMFX_SSH}).
 */
public final class Sshd implements AutoCloseable {

  static final Path SSHD = Path.of("/usr/sbin/sshd");

  final Path dir;
  final int port;
  final String user = System.getProperty("user.name");
  private final Process process;

  private Sshd(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Starts one in {@code dir}; the test is skipped, saying why, where there is no sshd. */
  public static Sshd start(Path dir) throws IOException, InterruptedException {
    assumeTrue(
        Files.isExecutable(SSHD),
        SSHD + " is not installed (Debian: apt install openssh-server): the ssh tests need it");
    Files.createDirectories(dir);
    keygen(dir.resolve("host_key"));
    keygen(dir.resolve("client_key"));
    Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
    int port = freePort();
    Files.writeString(
        dir.resolve("sshd_config"),
        String.join(
            "\n",
            "ListenAddress 127.0.0.1",
            "Port " + port,
            "HostKey " + dir.resolve("host_key"),
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "StrictModes no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            // what a client's ssh_config may set for pmfx on the host (SetEnv PMFX_HOME=…)
            "AcceptEnv PMFX_HOME",
            "PidFile " + dir.resolve("sshd.pid"),
            ""));
    Files.writeString(
        dir.resolve("ssh_config"),
        String.join(
            "\n",
            "Host *",
            "  HostName 127.0.0.1",
            "  Port " + port,
            "  IdentityFile " + dir.resolve("client_key"),
            "  IdentitiesOnly yes",
            "  UserKnownHostsFile " + dir.resolve("known_hosts"),
            "  StrictHostKeyChecking accept-new",
            "  LogLevel ERROR",
            ""));
    if ("root".equals(System.getProperty("user.name"))) {
      Files.createDirectories(Path.of("/run/sshd")); // its privilege separation's empty folder
    }
    Process process =
        new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    Sshd sshd = new Sshd(dir, port, process);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!sshd.listens()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        sshd.close();
        throw new IllegalStateException(
            "sshd did not listen on port "
                + port
                + ": "
                + Files.readString(dir.resolve("sshd.log")));
      }
      Thread.sleep(20);
    }
    return sshd;
  }

  /** This checkout's {@code bin/pmfx}, which the tests run on their hosts. */
  public static final Path BIN_PMFX = Path.of("bin/pmfx").toAbsolutePath();

  /**
   * Runs {@code bin/pmfx --version} once, its output to {@code log}: it makes its jar and class
   * cache on its first command after a build, so that no test's first call over ssh (with
   * PMFX_SKIP_BUILD) waits for it, or finds it missing.
   */
  public static void warmBinPmfx(Path log) throws IOException, InterruptedException {
    Process warm =
        new ProcessBuilder(BIN_PMFX.toString(), "--version")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    warm.getOutputStream().close();
    if (!warm.waitFor(120, TimeUnit.SECONDS)) {
      warm.destroyForcibly();
      throw new IllegalStateException("bin/pmfx --version did not end: " + Files.readString(log));
    }
  }

  /** How a pmfx command line ended, and what it printed. */
  public record Ran(int code, String out, String err) {
    public String both() {
      return out + err;
    }
  }

  /**
   * This checkout's CLI, run as bin/pmfx runs it, in {@code directory}, with its own {@code home}
   * and {@code ssh} as PMFX_SSH; no PMFX_HOST or PMFX_REMOTE_PMFX from the environment of the
   * tests.
   */
  public static Ran pmfx(Path directory, Path home, String ssh, String... args)
      throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.pmfx.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().put("PMFX_HOME", home.toString());
    builder.environment().put("PMFX_SSH", ssh);
    builder.environment().remove("PMFX_HOST");
    builder.environment().remove("PMFX_REMOTE_PMFX");
    Process process = builder.start();
    process.getOutputStream().close();
    java.util.concurrent.CompletableFuture<String> err =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String out = read(process.getInputStream());
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("pmfx " + String.join(" ", args) + " did not end");
    }
    return new Ran(process.exitValue(), out, err.join());
  }

  /** What the stream holds to its end, as UTF-8; empty when it cannot be read. */
  public static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The ssh command with this server's client config: what PMFX_SSH names. */
  public String sshCommand() {
    return "ssh -F " + dir.resolve("ssh_config");
  }

  /** The destination of this server's user. */
  public String destination() {
    return user + "@127.0.0.1";
  }

  private boolean listens() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void keygen(Path key) throws IOException, InterruptedException {
    Process keygen =
        new ProcessBuilder(
                List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()))
            .redirectErrorStream(true)
            .start();
    String said = new String(keygen.getInputStream().readAllBytes());
    if (keygen.waitFor() != 0) {
      throw new IOException("ssh-keygen failed: " + said);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: sshd -D ends, and its sessions' connections with it
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
