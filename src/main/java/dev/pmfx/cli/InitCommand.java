package dev.pmfx.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "init",
    aliases = "ecosystem",
    mixinStandardHelpOptions = true,
    description =
        "Writes a commented starter ecosystem.config.js in this folder (or FILE), as pm2 init;"
            + " an existing file is left as it is.")
final class InitCommand implements Callable<Integer> {

  static final String STARTER =
      """
      // pmfx (and PM2) ecosystem file: 'pmfx start' starts its apps, 'pmfx check' checks it.
      // Every key, with PM2's meaning and default: pmfx's docs/config.md.
      module.exports = {
        apps: [
          {
            name: 'app', // what 'pmfx stop app', 'pmfx logs app' name
            script: './app.js', // a file (relative to cwd), a program on PATH, or a command line
            // args: '--port 3000', // the script's arguments
            // cwd: __dirname, // the folder it runs in (default: this file's)
            // instances: 'max', // cluster mode: one worker a core, balanced by pmfx
            // exec_mode: 'cluster',
            // watch: true, // restart when a file of cwd changes
            // ignore_watch: ['node_modules', 'logs'],
            // max_memory_restart: '300M',
            // cron_restart: '0 3 * * *', // restart every day at 3:00
            env: {
              NODE_ENV: 'development',
            },
            env_production: {
              // 'pmfx start ecosystem.config.js --env production' puts these over env
              NODE_ENV: 'production',
            },
          },
        ],
      };
      """;

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "where to write it (default: ecosystem.config.js)")
  Path file = Path.of("ecosystem.config.js");

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path target = Files.isDirectory(file) ? file.resolve("ecosystem.config.js") : file;
    target = target.toAbsolutePath().normalize();
    if (Files.exists(target)) {
      err.println("pmfx: " + target + ": exists already; left as it is (remove it to start over)");
      err.flush();
      return Client.FAILED;
    }
    Files.writeString(target, STARTER);
    out.println("pmfx: wrote " + target + "; 'pmfx start " + file + "' starts its apps");
    out.flush();
    return Client.OK;
  }
}
