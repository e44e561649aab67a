package dev.pmfx.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where {@code posix_spawn} is missing ({@link SpawnedProcess#available}: another OS), workers
 * start through Java's {@link ProcessBuilder}, by way of util-linux's {@code setsid} and coreutils'
 * {@code env --default-signal} where they are; Node workers then get the shim's socket instead of
 * Node's own channel.
 */
final class JavaLaunch {

  /** util-linux's setsid, which makes the worker a process group leader; null where missing. */
  static final Path SETSID =
      Stream.of("/usr/bin/setsid", "/bin/setsid")
          .map(Path::of)
          .filter(Files::isExecutable)
          .findFirst()
          .orElse(null);

  private JavaLaunch() {}

  static Process start(Launch plan) throws IOException {
    List<String> command = new ArrayList<>(plan.command());
    if (DefaultSignals.ENV != null) {
      // Signals ignored by whatever started pmfx (a shell ignores SIGINT for background
      // jobs) would stay ignored in the worker, and its graceful stop would end in SIGKILL.
      command.addFirst("--default-signal");
      command.addFirst(DefaultSignals.ENV.toString());
    }
    if (SETSID != null) {
      // The worker leads a process group of its own: a stop reaches everything it started,
      // and a Ctrl-C meant for pmfx does not reach it.
      command.addFirst(SETSID.toString());
    }
    // stdin on a pipe, as PM2 gives it, for pmfx send.
    ProcessBuilder builder = new ProcessBuilder(command).directory(plan.cwd().toFile());
    builder.environment().clear();
    builder.environment().putAll(plan.environment());
    return builder.start();
  }

  /** coreutils' env, when it can reset every signal to its default; else null. Probed once. */
  private static final class DefaultSignals {
    static final Path ENV = probe();

    private static Path probe() {
      Path env = Path.of("/usr/bin/env");
      if (!Files.isExecutable(env)) {
        return null;
      }
      try {
        Process probe =
            new ProcessBuilder(env.toString(), "--default-signal", "true")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return probe.waitFor(5, TimeUnit.SECONDS) && probe.exitValue() == 0 ? env : null;
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }
}
