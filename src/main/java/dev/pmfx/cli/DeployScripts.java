package dev.pmfx.cli;

import dev.pmfx.config.DeployTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shell text each step of a deploy sends to a host, in PM2's layout under the target's {@code
 * path}: {@code source} (the clone), {@code current} (a link to it), {@code shared/logs}, {@code
 * shared/pids} and {@code .deploys} (the deployed commits, one a line, the latest last). Every
 * path, ref, repository and variable is single-quoted, so a path with spaces or quotes in it
 * reaches the host as written; the hooks are shell commands the user wrote, and go as they are.
 */
record DeployScripts(DeployTarget target) {

  /** {@code text} as one word of a POSIX shell, whatever it holds. */
  static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  private String at(String relative) {
    return quote(target.path() + "/" + relative);
  }

  /** The folders of PM2's layout. */
  String folders() {
    return "mkdir -p " + at("shared/logs") + " " + at("shared/pids") + " " + at("source");
  }

  /** The clone of the repository's branch into {@code source}. */
  String cloneRepo() {
    return "git clone --branch "
        + quote(target.branch())
        + " -- "
        + quote(target.repo())
        + " "
        + at("source");
  }

  /** {@code current} pointed at {@code source}. */
  String link() {
    return "ln -sfn " + at("source") + " " + at("current");
  }

  /** {@code source} brought to {@code ref}, whatever was changed in it. */
  String fetch(String ref) {
    return "cd "
        + at("source")
        + " && git fetch --all --tags && git reset --hard "
        + quote(ref)
        + " --";
  }

  /** The commit {@code source} is at, appended to {@code .deploys}, as PM2 writes it. */
  String record() {
    return "cd " + at("source") + " && git rev-parse --short HEAD >> " + at(".deploys");
  }

  /** The commit {@code source} is at. */
  String current() {
    return "cd " + at("source") + " && git rev-parse --short HEAD";
  }

  /** The deployed commits, oldest first. */
  String deploys() {
    return "cat " + at(".deploys");
  }

  /**
   * {@code command} (a hook, or {@code exec}'s) run in {@code current}, with {@code SHARED} set to
   * the shared folder, as PM2 sets it, and the target's {@code env} exported.
   */
  String inCurrent(String command) {
    return "cd " + at("current") + " || exit 1\n" + exports() + command;
  }

  /** {@code command} where ssh starts it (pre-setup: {@code path} may not be there yet). */
  String inHome(String command) {
    return exports() + command;
  }

  private String exports() {
    List<String> lines = new ArrayList<>();
    lines.add("SHARED=" + at("shared") + "; export SHARED");
    for (Map.Entry<String, String> var : target.env().entrySet()) {
      lines.add(var.getKey() + "=" + quote(var.getValue()) + "; export " + var.getKey());
    }
    return String.join("\n", lines) + "\n";
  }
}
