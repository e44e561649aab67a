package dev.pmfx.config;

import static dev.pmfx.config.Report.found;

import dev.pmfx.config.ConfigNode.ArrayNode;
import dev.pmfx.config.ConfigNode.BoolNode;
import dev.pmfx.config.ConfigNode.Member;
import dev.pmfx.config.ConfigNode.NumberNode;
import dev.pmfx.config.ConfigNode.ObjectNode;
import dev.pmfx.config.ConfigNode.TextNode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the values of one app's options by kind (text, durations, sizes, signals...), reporting
 * each value that is not allowed with the app's label and the member's path. Each method returns
 * the value, or empty after reporting why there is none.
 */
final class OptionValues {

  /**
   * Every signal name, for the words of a wrong kill_signal: those it may be, and two it may not.
   */
  static final Set<String> SIGNALS =
      java.util.stream.Stream.concat(
              java.util.Arrays.stream(KillSignal.values()).map(Enum::name),
              java.util.stream.Stream.of("SIGKILL", "SIGSTOP"))
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Report report;
  private final String path;
  private final Path baseDir;
  private final int cores;
  private String label;

  /**
   * @param path the app's path in messages, {@code apps[0]}
   * @param label the app as messages name it until its name is known, {@code app #1}
   */
  OptionValues(Report report, String path, String label, Path baseDir, int cores) {
    this.report = report;
    this.path = path;
    this.label = label;
    this.baseDir = baseDir;
    this.cores = cores;
  }

  String label() {
    return label;
  }

  void label(String label) {
    this.label = label;
  }

  // ---------------------------------------------------------------- by kind

  Optional<String> text(Member m) {
    if (m.value() instanceof TextNode t) {
      return Optional.of(t.value());
    }
    mustBe(m, "a string");
    return Optional.empty();
  }

  Optional<String> nonEmptyText(Member m) {
    Optional<String> value = text(m);
    if (value.isPresent() && value.get().isBlank()) {
      report.error(
          m.value().location(), path + "." + m.key(), label + ": '" + m.key() + "' is empty", "");
      return Optional.empty();
    }
    return value;
  }

  Optional<Boolean> bool(Member m) {
    if (m.value() instanceof BoolNode b) {
      return Optional.of(b.value());
    }
    mustBe(m, "true or false");
    return Optional.empty();
  }

  Optional<Integer> whole(Member m, int min) {
    if (m.value() instanceof NumberNode n
        && n.whole()
        && n.value().compareTo(BigDecimal.valueOf(min)) >= 0
        && n.value().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
      return Optional.of(n.value().intValue());
    }
    mustBe(m, "a whole number of at least " + min);
    return Optional.empty();
  }

  /** A TCP port, 1 to 65535, as a number or a string of digits. */
  Optional<Integer> port(Member m) {
    Optional<Integer> port =
        switch (m.value()) {
          case NumberNode n when n.whole() -> Optional.of(n.value().intValue());
          case TextNode t when t.value().strip().matches("\\d{1,5}") ->
              Optional.of(Integer.parseInt(t.value().strip()));
          default -> Optional.empty();
        };
    if (port.isPresent() && port.get() >= 1 && port.get() <= 65_535) {
      return port;
    }
    mustBe(m, "a port from 1 to 65535, such as 3000");
    return Optional.empty();
  }

  Optional<Duration> duration(Member m) {
    Optional<Duration> value =
        switch (m.value()) {
          case NumberNode n -> DurationText.millis(n.value());
          case TextNode t -> DurationText.parse(t.value());
          default -> Optional.empty();
        };
    if (value.isEmpty()) {
      mustBe(
          m,
          "a duration up to 30 days: milliseconds (1600) or a number with ms, s, m, h or d"
              + " ('1.6s')");
    }
    return value;
  }

  Optional<ByteSize> size(Member m) {
    Optional<ByteSize> value =
        switch (m.value()) {
          case NumberNode n when n.whole() -> ByteSize.ofBytes(n.value());
          case TextNode t -> ByteSize.parse(t.value());
          default -> Optional.empty();
        };
    if (value.isEmpty()) {
      mustBe(m, "a size: a whole number of bytes, or a number with K, M or G ('500M', '1G')");
    }
    return value;
  }

  Optional<List<Integer>> exitCodes(Member m) {
    List<ConfigNode> items = m.value() instanceof ArrayNode a ? a.items() : List.of(m.value());
    List<Integer> codes = new ArrayList<>();
    for (ConfigNode item : items) {
      if (item instanceof NumberNode n
          && n.whole()
          && n.value().signum() >= 0
          && n.value().compareTo(BigDecimal.valueOf(255)) <= 0) {
        codes.add(n.value().intValue());
      } else {
        report.error(
            item.location(),
            path + ".stop_exit_codes",
            label + ": stop_exit_codes must be exit codes from 0 to 255; found " + found(item),
            "");
        return Optional.empty();
      }
    }
    return Optional.of(codes);
  }

  /** {@code wait_ready}: true (a ready message), false, or 'health' (a passing health_check). */
  Optional<String> waitReady(Member m) {
    return switch (m.value()) {
      case BoolNode b -> Optional.of(String.valueOf(b.value()));
      case TextNode t when t.value().strip().equals("health") -> Optional.of("health");
      default -> {
        mustBe(
            m,
            "true (online when the worker sends 'ready'), false, or 'health' (online once its"
                + " health_check passes)");
        yield Optional.empty();
      }
    };
  }

  /** {@code health_check}: an object with {@code http} or {@code exec}, and how often. */
  Optional<HealthCheck> healthCheck(Member m) {
    if (!(m.value() instanceof ObjectNode object)) {
      mustBe(m, "an object such as { http: '/healthz' } or { exec: './check.sh', interval: '5s' }");
      return Optional.empty();
    }
    Optional<String> httpPath = Optional.empty();
    java.util.OptionalInt port = java.util.OptionalInt.empty();
    java.util.OptionalInt expect = java.util.OptionalInt.empty();
    Optional<String> exec = Optional.empty();
    Duration interval = HealthCheck.DEFAULT_INTERVAL;
    Duration timeout = HealthCheck.DEFAULT_TIMEOUT;
    int failures = HealthCheck.DEFAULT_FAILURES;
    Duration startPeriod = Duration.ZERO;
    int errors = report.errorCount();
    for (Member raw : object.members()) {
      Member sub = new Member(m.key() + "." + raw.key(), raw.keyLocation(), raw.value());
      switch (raw.key()) {
        case "http" -> {
          if (raw.value() instanceof ObjectNode http) {
            for (Member rawPart : http.members()) {
              Member part =
                  new Member(
                      sub.key() + "." + rawPart.key(), rawPart.keyLocation(), rawPart.value());
              switch (rawPart.key()) {
                case "path" -> httpPath = httpPath(part);
                case "port" ->
                    port =
                        port(part)
                            .map(java.util.OptionalInt::of)
                            .orElse(java.util.OptionalInt.empty());
                case "expect" -> {
                  Optional<Integer> status = whole(part, 100).filter(n -> n <= 599);
                  if (status.isEmpty() && part.value() instanceof NumberNode n && n.whole()) {
                    mustBe(part, "an HTTP status from 100 to 599, such as 200");
                  }
                  expect =
                      status.map(java.util.OptionalInt::of).orElse(java.util.OptionalInt.empty());
                }
                default ->
                    report.unknownKey(
                        rawPart,
                        path + "." + sub.key() + ".",
                        label + ": " + sub.key() + ": ",
                        List.of("path", "port", "expect"));
              }
            }
            if (httpPath.isEmpty()
                && !http.members().stream().anyMatch(p -> p.key().equals("path"))) {
              mustBe(sub, "a path such as '/healthz', or an object with one: { path: '/healthz' }");
            }
          } else {
            httpPath = httpPath(sub);
          }
        }
        case "exec" -> exec = nonEmptyText(sub);
        case "interval" -> interval = duration(sub).orElse(interval);
        case "timeout" -> timeout = duration(sub).orElse(timeout);
        case "start_period" -> startPeriod = duration(sub).orElse(startPeriod);
        case "failures" -> failures = whole(sub, 1).orElse(failures);
        default ->
            report.unknownKey(
                raw,
                path + "." + m.key() + ".",
                label + ": " + m.key() + ": ",
                List.of("http", "exec", "interval", "timeout", "failures", "start_period"));
      }
    }
    boolean hasHttp = object.members().stream().anyMatch(x -> x.key().equals("http"));
    boolean hasExec = object.members().stream().anyMatch(x -> x.key().equals("exec"));
    if (hasHttp == hasExec) {
      report.error(
          m.value().location(),
          path + "." + m.key(),
          label
              + ": "
              + m.key()
              + (hasHttp ? " has both 'http' and 'exec'" : " has neither 'http' nor 'exec'")
              + ": it needs one",
          "http: '/healthz' asks each worker over HTTP; exec: './check.sh' runs a command");
      return Optional.empty();
    }
    if (interval.isZero() || timeout.isZero()) {
      report.error(
          m.value().location(),
          path + "." + m.key(),
          label + ": " + m.key() + "'s interval and timeout must be more than 0",
          "");
      return Optional.empty();
    }
    if (report.errorCount() > errors) {
      return Optional.empty();
    }
    return Optional.of(
        new HealthCheck(
            httpPath, port, expect, exec, interval, timeout, failures, startPeriod, false));
  }

  private Optional<String> httpPath(Member m) {
    Optional<String> text = text(m);
    if (text.isPresent()
        && (!text.get().startsWith("/")
            || text.get().chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
      mustBe(m, "a path that starts with '/' and has no spaces, such as '/healthz'");
      return Optional.empty();
    }
    return text;
  }

  /** A list of strings, or one string that stands for a list of one. */
  Optional<List<String>> textList(Member m) {
    if (m.value() instanceof TextNode t) {
      return Optional.of(List.of(t.value()));
    }
    if (m.value() instanceof ArrayNode a
        && a.items().stream().allMatch(TextNode.class::isInstance)) {
      return Optional.of(a.items().stream().map(i -> ((TextNode) i).value()).toList());
    }
    mustBe(m, "a string or a list of strings");
    return Optional.empty();
  }

  /** Arguments: a list, or one string split at spaces as a shell would (quotes kept together). */
  Optional<List<String>> words(Member m) {
    switch (m.value()) {
      case TextNode t -> {
        return Optional.of(splitWords(t.value()));
      }
      case ArrayNode a -> {
        List<String> out = new ArrayList<>();
        for (ConfigNode item : a.items()) {
          switch (item) {
            case TextNode t -> out.add(t.value());
            case NumberNode n -> out.add(n.value().stripTrailingZeros().toPlainString());
            case BoolNode b -> out.add(String.valueOf(b.value()));
            default -> {
              mustBe(m, "a string or a list of strings");
              return Optional.empty();
            }
          }
        }
        return Optional.of(out);
      }
      default -> {
        mustBe(m, "a string or a list of strings");
        return Optional.empty();
      }
    }
  }

  /** Environment variables: an object whose values are strings, numbers or booleans. */
  Optional<Map<String, String>> env(Member m) {
    if (!(m.value() instanceof ObjectNode vars)) {
      mustBe(m, "an object of variables, such as {NODE_ENV: 'production', PORT: 3000}");
      return Optional.empty();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Member var : vars.members()) {
      String value =
          switch (var.value()) {
            case TextNode t -> t.value();
            case NumberNode n -> n.value().stripTrailingZeros().toPlainString();
            case BoolNode b -> String.valueOf(b.value());
            default -> null;
          };
      if (value == null) {
        report.error(
            var.value().location(),
            path + "." + m.key() + "." + var.key(),
            label
                + ": "
                + m.key()
                + "."
                + var.key()
                + " must be a string, number or boolean; found "
                + found(var.value()),
            "");
        continue;
      }
      out.put(var.key(), value);
    }
    return Optional.of(out);
  }

  Optional<String> envName(Member m) {
    Optional<String> value = text(m);
    if (value.isPresent() && !ENV_NAME.matcher(value.get()).matches()) {
      mustBe(m, "an environment variable name (letters, digits and _)");
      return Optional.empty();
    }
    return value;
  }

  /** A log file's path as written, {@code ~} expanded; {@code false} and 'NULL' are /dev/null. */
  Optional<String> logPath(Member m) {
    if (m.value() instanceof BoolNode b && !b.value()) {
      return Optional.of("/dev/null"); // PM2: false discards the stream
    }
    return nonEmptyText(m).map(p -> p.equals("NULL") ? "/dev/null" : expandHome(p));
  }

  /** {@code parsed}, or an error that the value must be {@code allowed} when it is empty. */
  <T> Optional<T> oneOf(Member m, Optional<T> parsed, String allowed) {
    if (parsed.isEmpty()) {
      mustBe(m, allowed);
    }
    return parsed;
  }

  /** One of {@code choices}, which {@code allowed} describes. */
  Optional<String> choice(Member m, Set<String> choices, String allowed) {
    return text(m).flatMap(s -> oneOf(m, Optional.of(s).filter(choices::contains), allowed));
  }

  private void mustBe(Member m, String allowed) {
    report.error(
        m.value().location(),
        path + "." + m.key(),
        label + ": " + m.key() + " must be " + allowed + "; found " + found(m.value()),
        "");
  }

  // ---------------------------------------------------------------- one option each

  Optional<String> name(Member m) {
    Optional<String> text = text(m);
    if (text.isEmpty()) {
      return text;
    }
    String value = text.get();
    Location at = m.value().location();
    if (value.isBlank()) {
      report.error(at, path + ".name", label + ": 'name' is empty", "");
      return Optional.empty();
    }
    if (value.equals("all")) {
      report.error(
          at,
          path + ".name",
          "an app cannot be named 'all': 'all' targets every app in commands",
          "");
      return Optional.empty();
    }
    if (value.chars().allMatch(Character::isDigit)) {
      report.warn(
          at,
          path + ".name",
          "app name '" + value + "' is a number, which commands would read as a worker id",
          "");
    }
    return text;
  }

  /** The working directory, resolved against the config file's folder; it must exist. */
  Optional<Path> cwd(Member m) {
    Optional<String> text = nonEmptyText(m);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String value = text.get();
    Path resolved;
    try {
      resolved = baseDir.resolve(expandHome(value)).normalize();
    } catch (InvalidPathException e) {
      report.error(
          m.value().location(),
          path + ".cwd",
          label + ": cwd '" + value + "' is not a valid path",
          "");
      return Optional.empty();
    }
    if (!Files.isDirectory(resolved)) {
      report.error(
          m.value().location(),
          path + ".cwd",
          label
              + ": cwd '"
              + value
              + "' "
              + (Files.exists(resolved) ? "is not a directory" : "does not exist"),
          "resolved to " + resolved + " (relative paths start at the config file's folder)");
      return Optional.empty();
    }
    return Optional.of(resolved);
  }

  /**
   * {@code instances} as written: a whole number, 'max' or -N, at most {@link
   * AppSpec#MAX_INSTANCES}.
   */
  Optional<String> instances(Member m) {
    ConfigNode v = m.value();
    String setting = null;
    if (v instanceof NumberNode n && n.whole()) {
      setting = n.value().toBigInteger().toString();
    } else if (v instanceof TextNode t && t.value().strip().matches("max|-?\\d+")) {
      setting = t.value().strip();
    }
    if (setting == null) {
      mustBe(m, "a whole number, 'max', 0 (all cores) or -N (all cores but N)");
      return Optional.empty();
    }
    if (Instances.resolve(setting, cores) > AppSpec.MAX_INSTANCES) {
      mustBe(m, "a whole number up to " + AppSpec.MAX_INSTANCES);
      return Optional.empty();
    }
    return Optional.of(setting);
  }

  /** A signal a program can handle, by its full name: 'int' is SIGINT. */
  Optional<KillSignal> signal(Member m) {
    Optional<String> text = text(m);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String upper = text.get().strip().toUpperCase(Locale.ROOT);
    if (!upper.startsWith("SIG")) {
      upper = "SIG" + upper;
    }
    if (SIGNALS.contains(upper) && !upper.equals("SIGKILL") && !upper.equals("SIGSTOP")) {
      return Optional.of(KillSignal.valueOf(upper));
    }
    String hint =
        upper.equals("SIGKILL") || upper.equals("SIGSTOP")
            ? upper + " cannot be handled; pmfx sends SIGKILL itself when kill_timeout runs out"
            : DidYouMean.closest(upper, SIGNALS).map(s -> "did you mean '" + s + "'?").orElse("");
    report.error(
        m.value().location(),
        path + ".kill_signal",
        label
            + ": kill_signal must be a signal a program can handle, such as 'SIGINT' or 'SIGTERM'; found "
            + found(m.value()),
        hint);
    return Optional.empty();
  }

  /** The paths to watch: true is the working directory, false none. */
  Optional<List<String>> watch(Member m) {
    return switch (m.value()) {
      case BoolNode b -> Optional.of(b.value() ? List.of(".") : List.of());
      case TextNode t -> Optional.of(t.value().isBlank() ? List.of() : List.of(t.value()));
      case ArrayNode a -> textList(m);
      default -> {
        mustBe(m, "true, false, a path, or a list of paths");
        yield Optional.empty();
      }
    };
  }

  /** A cron expression; empty, without an error, for PM2's 0 that turns it off. */
  Optional<String> cron(Member m) {
    ConfigNode v = m.value();
    if ((v instanceof NumberNode n && n.value().signum() == 0)
        || (v instanceof TextNode t && t.value().strip().equals("0"))) {
      return Optional.empty();
    }
    if (!(v instanceof TextNode t)) {
      mustBe(m, "a cron expression such as '0 3 * * *'");
      return Optional.empty();
    }
    String expression = t.value().strip();
    Optional<String> problem = CronSchedule.problem(expression);
    if (problem.isPresent()) {
      report.error(
          v.location(),
          path + "." + m.key(),
          label
              + ": "
              + m.key()
              + " '"
              + expression
              + "' is not a cron expression: "
              + problem.get(),
          "five fields (minute hour day month weekday), or six with seconds first;"
              + " e.g. '0 3 * * *' is 03:00 every day");
      return Optional.empty();
    }
    return Optional.of(expression);
  }

  /**
   * {@code depends_on}: an object of app names to conditions ({@code {db: 'online'}}), or a list of
   * names, each 'online'. Whether the names are apps of the file is for {@link DependsOnCheck}.
   */
  Optional<Map<String, Dependency.Condition>> dependsOn(Member m) {
    Map<String, Dependency.Condition> out = new LinkedHashMap<>();
    switch (m.value()) {
      case ArrayNode a -> {
        for (ConfigNode item : a.items()) {
          if (!(item instanceof TextNode t) || t.value().isBlank()) {
            report.error(
                item.location(),
                path + ".depends_on",
                label
                    + ": depends_on must name apps of this file, such as [db, cache]; found "
                    + found(item),
                "");
            return Optional.empty();
          }
          out.put(t.value(), Dependency.Condition.ONLINE);
        }
      }
      case ObjectNode o -> {
        boolean ok = true;
        for (Member dep : o.members()) {
          Optional<Dependency.Condition> condition =
              dep.value() instanceof TextNode t
                  ? Dependency.Condition.parse(t.value())
                  : Optional.empty();
          if (condition.isEmpty()) {
            String hint =
                dep.value() instanceof TextNode t
                    ? Dependency.Condition.fromProcessCompose(t.value())
                        .map(c -> "process-compose's " + t.value() + " is '" + c.word() + "'")
                        .or(
                            () ->
                                DidYouMean.closest(
                                        t.value(),
                                        java.util.Arrays.stream(Dependency.Condition.values())
                                            .map(Dependency.Condition::word)
                                            .toList())
                                    .map(w -> "did you mean '" + w + "'?"))
                        .orElse("")
                    : "";
            report.error(
                dep.value().location(),
                path + ".depends_on." + dep.key(),
                label
                    + ": depends_on."
                    + dep.key()
                    + " must be 'online' (every worker online), 'healthy' (every worker passes"
                    + " its health check) or 'completed' (it ran and exited with code 0); found "
                    + found(dep.value()),
                hint);
            ok = false;
            continue;
          }
          out.put(dep.key(), condition.get());
        }
        if (!ok) {
          return Optional.empty();
        }
      }
      default -> {
        mustBe(m, "an object of apps and conditions ({db: 'online'}) or a list of apps ([db])");
        return Optional.empty();
      }
    }
    return Optional.of(out);
  }

  // ---------------------------------------------------------------- shared

  static List<String> splitWords(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  static String expandHome(String path) {
    return path.equals("~") || path.startsWith("~/")
        ? System.getProperty("user.home") + path.substring(1)
        : path;
  }
}
