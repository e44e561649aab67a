package dev.pmfx.config;

import static dev.pmfx.config.Report.found;

import dev.pmfx.config.ConfigNode.ArrayNode;
import dev.pmfx.config.ConfigNode.BoolNode;
import dev.pmfx.config.ConfigNode.Member;
import dev.pmfx.config.ConfigNode.NumberNode;
import dev.pmfx.config.ConfigNode.ObjectNode;
import dev.pmfx.config.ConfigNode.TextNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the top-level {@code deploy} section into {@link DeployTarget}s. Its keys are PM2's; a key
 * it does not know is an error, not a warning as in an app: a misspelt {@code post_deploy} would
 * otherwise deploy without the reload the user wrote.
 */
final class DeployReader {

  /** PM2's keys that pmfx reads, in the order docs/deploy.md lists them. */
  static final List<String> KEYS =
      List.of(
          "user",
          "host",
          "port",
          "ref",
          "repo",
          "path",
          "pre-setup",
          "post-setup",
          "pre-deploy-local",
          "pre-deploy",
          "post-deploy",
          "ssh_options",
          "key",
          "env");

  /** PM2's keys that pmfx's deploy does not act on: read, with a warning saying what to do. */
  private static final Map<String, String> IGNORED =
      Map.of(
          "forward-agent", "to forward the agent, write ssh_options: 'ForwardAgent=yes'",
          "needs_tty", "the hooks run without a terminal, as ssh -T runs them",
          "fetch", "pmfx fetches the whole history, as PM2 does without fetch: 'fast'");

  private static final String EXAMPLE =
      "deploy: {production: {user: 'node', host: ['web1'], ref: 'origin/main',"
          + " repo: 'git@github.com:me/app.git', path: '/srv/app',"
          + " 'post-deploy': 'npm ci && pmfx reload ecosystem.config.js --env production'}}";

  private final Report report;

  private DeployReader(Report report) {
    this.report = report;
  }

  /** The section's environments, in file order; the errors go to {@code report}. */
  static Map<String, DeployTarget> read(Member section, Report report) {
    return new DeployReader(report).section(section);
  }

  private Map<String, DeployTarget> section(Member section) {
    Map<String, DeployTarget> targets = new LinkedHashMap<>();
    if (!(section.value() instanceof ObjectNode environments)) {
      report.error(
          section.value().location(),
          "deploy",
          "'deploy' must be an object of environments; found " + found(section.value()),
          EXAMPLE);
      return targets;
    }
    for (Member env : environments.members()) {
      if (!(env.value() instanceof ObjectNode object)) {
        report.error(
            env.value().location(),
            "deploy." + env.key(),
            "deploy environment '"
                + env.key()
                + "' must be an object with host, repo, path and ref; found "
                + found(env.value()),
            EXAMPLE);
        continue;
      }
      environment(env, object).ifPresent(t -> targets.put(t.name(), t));
    }
    return targets;
  }

  private Optional<DeployTarget> environment(Member env, ObjectNode object) {
    int errorsBefore = report.errorCount();
    String name = env.key();
    String at = "deploy." + name + ".";
    String who = "deploy '" + name + "': ";
    Optional<String> user = Optional.empty();
    List<String> hosts = List.of();
    Optional<Integer> port = Optional.empty();
    String ref = null;
    String repo = null;
    String path = null;
    Map<DeployTarget.Hook, String> hooks = new EnumMap<>(DeployTarget.Hook.class);
    List<String> sshOptions = List.of();
    Optional<String> key = Optional.empty();
    Map<String, String> vars = new LinkedHashMap<>();
    for (Member m : object.members()) {
      String k = m.key();
      switch (k) {
        case "user" -> user = text(m, at, who);
        case "host" -> {
          hosts = texts(m, at, who, "a host ('web1', 'deploy@web1') or a list of hosts");
          for (String host : hosts) {
            if (host.isBlank()
                || host.strip().chars().anyMatch(c -> c == ',' || Character.isWhitespace(c))) {
              report.error(
                  m.value().location(),
                  at + "host",
                  who
                      + "'"
                      + host
                      + "' is no host: a host has no commas or spaces; several hosts are a list",
                  "host: ['web1', 'web2']");
            }
          }
        }
        case "port" -> port = port(m, at, who);
        case "ref" -> ref = text(m, at, who).orElse(null);
        case "repo" -> repo = text(m, at, who).orElse(null);
        case "path" -> path = text(m, at, who).orElse(null);
        case "ssh_options" ->
            sshOptions =
                texts(m, at, who, "an ssh option ('StrictHostKeyChecking=no') or a list of them");
        case "key" -> key = text(m, at, who).map(OptionValues::expandHome);
        case "env" -> vars = env(m, at, who);
        default -> {
          Optional<DeployTarget.Hook> hook = hook(k);
          if (hook.isPresent()) {
            text(m, at, who).ifPresent(command -> hooks.put(hook.get(), command));
          } else if (IGNORED.containsKey(k)) {
            report.warn(
                m.keyLocation(),
                at + k,
                who + "PM2's '" + k + "' is not something pmfx deploy does; ignored",
                IGNORED.get(k));
          } else {
            Optional<String> close = DidYouMean.closest(k, KEYS);
            report.error(
                m.keyLocation(),
                at + k,
                who
                    + "unknown key '"
                    + k
                    + "'"
                    + close.map(c -> ": did you mean '" + c + "'?").orElse(""),
                "a deploy environment takes " + String.join(", ", KEYS));
          }
        }
      }
    }
    for (String required : List.of("host", "repo", "path", "ref")) {
      if (object.member(required).isEmpty()) {
        report.error(
            env.keyLocation(),
            at + required,
            who + "no '" + required + "': " + what(required),
            EXAMPLE);
      }
    }
    if (report.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(
        new DeployTarget(
            name,
            env.keyLocation(),
            user,
            hosts,
            port,
            ref,
            repo,
            path,
            hooks,
            sshOptions,
            key,
            vars));
  }

  private static String what(String key) {
    return switch (key) {
      case "host" -> "the host (or list of hosts) to deploy to is needed";
      case "repo" -> "the git repository the hosts clone is needed";
      case "path" -> "the folder on the hosts to deploy into is needed";
      default -> "what to deploy is needed, such as 'origin/main'";
    };
  }

  private static Optional<DeployTarget.Hook> hook(String key) {
    for (DeployTarget.Hook hook : DeployTarget.Hook.values()) {
      if (hook.key().equals(key)) {
        return Optional.of(hook);
      }
    }
    return Optional.empty();
  }

  /** A string that is not blank. */
  private Optional<String> text(Member m, String at, String who) {
    if (m.value() instanceof TextNode t && !t.value().isBlank()) {
      return Optional.of(t.value());
    }
    report.error(
        m.value().location(),
        at + m.key(),
        who + m.key() + " must be a string that is not empty; found " + found(m.value()),
        "");
    return Optional.empty();
  }

  /** A string, or a list of strings that is not empty. */
  private List<String> texts(Member m, String at, String who, String allowed) {
    List<ConfigNode> items =
        m.value() instanceof ArrayNode list ? list.items() : List.of(m.value());
    List<String> values = new ArrayList<>();
    boolean bad = items.isEmpty();
    for (ConfigNode item : items) {
      if (item instanceof TextNode t && !t.value().isBlank()) {
        values.add(t.value().strip());
      } else {
        bad = true;
      }
    }
    if (bad) {
      report.error(
          m.value().location(),
          at + m.key(),
          who + m.key() + " must be " + allowed + "; found " + found(m.value()),
          "");
      return List.of();
    }
    return values;
  }

  private Optional<Integer> port(Member m, String at, String who) {
    String written =
        switch (m.value()) {
          case NumberNode n when n.whole() -> n.value().toPlainString();
          case TextNode t -> t.value().strip();
          default -> "";
        };
    if (written.matches("\\d{1,5}")
        && Integer.parseInt(written) >= 1
        && Integer.parseInt(written) <= 65535) {
      return Optional.of(Integer.parseInt(written));
    }
    report.error(
        m.value().location(),
        at + "port",
        who + "port must be a port number from 1 to 65535; found " + found(m.value()),
        "");
    return Optional.empty();
  }

  /** The variables, each a string, number or boolean, as an app's {@code env} takes them. */
  private Map<String, String> env(Member m, String at, String who) {
    Map<String, String> vars = new LinkedHashMap<>();
    if (!(m.value() instanceof ObjectNode object)) {
      report.error(
          m.value().location(),
          at + "env",
          who + "env must be an object of variables; found " + found(m.value()),
          "env: {NODE_ENV: 'production'}");
      return vars;
    }
    for (Member v : object.members()) {
      Optional<String> value =
          switch (v.value()) {
            case TextNode t -> Optional.of(t.value());
            case NumberNode n -> Optional.of(n.value().toPlainString());
            case BoolNode b -> Optional.of(String.valueOf(b.value()));
            default -> Optional.empty();
          };
      if (!v.key().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        report.error(
            v.keyLocation(),
            at + "env." + v.key(),
            who + "'" + v.key() + "' cannot be the name of a shell variable",
            "names are letters, digits and _, not starting with a digit");
      } else if (value.isEmpty()) {
        report.error(
            v.value().location(),
            at + "env." + v.key(),
            who
                + "env."
                + v.key()
                + " must be a string, number or boolean; found "
                + found(v.value()),
            "");
      } else {
        vars.put(v.key(), value.get());
      }
    }
    return vars;
  }
}
