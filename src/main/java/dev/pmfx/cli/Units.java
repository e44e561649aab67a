package dev.pmfx.cli;

import dev.pmfx.home.PmfxHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/** The texts of the units {@code pmfx startup} writes, and the commands that enable them. */
final class Units {

  private Units() {}

  /** A systemd user unit: the daemon in its service's foreground, resurrecting; stopped by kill. */
  static String userUnit(String self, PmfxHome home) {
    return systemd(self, home, null, null, "default.target");
  }

  /** A systemd system unit that runs the daemon as {@code user} at boot, with PATH as it is now. */
  static String systemUnit(String self, PmfxHome home, String user, String path) {
    return systemd(self, home, user, path, "multi-user.target");
  }

  private static String systemd(
      String self, PmfxHome home, String user, String path, String wantedBy) {
    List<String> lines = new java.util.ArrayList<>();
    lines.addAll(
        List.of(
            "[Unit]",
            "Description=pmfx process manager"
                + (user == null ? "" : " for " + user)
                + " (the daemon, and the apps pmfx save saved)",
            "After=network.target",
            "",
            "[Service]",
            "Type=simple"));
    if (user != null) {
      lines.add("User=" + user);
    }
    lines.add("Environment=PMFX_HOME=" + quoted(home.dir().toString()));
    if (path != null) {
      lines.add("Environment=PATH=" + quoted(path));
    }
    lines.addAll(
        List.of(
            "ExecStart=" + self + " daemon --resurrect",
            "ExecStop=" + self + " kill",
            // a daemon that ran already took the saved apps; the unit stays up to stop it later
            "RemainAfterExit=yes",
            // A daemon that dies is started again at once, and its workers are not stopped with
            // it: the next daemon adopts them. pmfx kill (ExecStop) stops them when asked.
            "Restart=on-failure",
            "RestartSec=0",
            "KillMode=process",
            "TimeoutStopSec=120",
            "",
            "[Install]",
            "WantedBy=" + wantedBy,
            ""));
    return String.join("\n", lines);
  }

  /** A launchd property list: the daemon at load, started again if it dies. */
  static String plist(String label, List<String> self, PmfxHome home, String path, String user) {
    StringBuilder arguments = new StringBuilder();
    for (String word : self) {
      arguments.append("    <string>").append(xml(word)).append("</string>\n");
    }
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">
        <dict>
          <key>Label</key>
          <string>%s</string>
        %s  <key>ProgramArguments</key>
          <array>
        %s    <string>daemon</string>
            <string>--resurrect</string>
          </array>
          <key>EnvironmentVariables</key>
          <dict>
            <key>PMFX_HOME</key>
            <string>%s</string>
            <key>PATH</key>
            <string>%s</string>
          </dict>
          <key>RunAtLoad</key>
          <true/>
          <key>KeepAlive</key>
          <dict>
            <key>SuccessfulExit</key>
            <false/>
          </dict>
        </dict>
        </plist>
        """
        .formatted(
            xml(label),
            user == null ? "" : "  <key>UserName</key>\n  <string>" + xml(user) + "</string>\n",
            arguments,
            xml(home.dir().toString()),
            xml(path));
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String quoted(String word) {
    word = word.replace("%", "%%"); // systemd's specifiers
    return word.matches("[A-Za-z0-9_@%+=:,./-]+")
        ? word
        : "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Runs each command; says what to run by hand when one fails or is not here. */
  static boolean run(PrintWriter out, PrintWriter err, List<List<String>> commands)
      throws IOException, InterruptedException {
    for (List<String> command : commands) {
      Process process;
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException notHere) {
        err.println(
            "pmfx: "
                + command.getFirst()
                + " is not available here; on a machine that has it run: "
                + String.join(" ", command));
        return false;
      }
      String said = new String(process.getInputStream().readAllBytes()).strip();
      if (process.waitFor() != 0) {
        err.println(
            "pmfx: " + String.join(" ", command) + " failed" + (said.isEmpty() ? "" : ": " + said));
        return false;
      }
      EventPrinter.say(out, String.join(" ", command));
    }
    return true;
  }
}
