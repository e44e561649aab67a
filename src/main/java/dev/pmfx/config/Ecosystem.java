package dev.pmfx.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A loaded ecosystem file: its apps, in file order, the environments of its {@code deploy} section
 * (by name, in file order; empty when it has none), and the warnings it earned.
 */
public record Ecosystem(
    Path file,
    List<AppSpec> apps,
    // pmfx deploy's alone: not sent to the daemon, which runs apps (and has no use for the
    // hosts' ssh settings and hook variables)
    @JsonIgnore Map<String, DeployTarget> deploy,
    List<Diagnostic> warnings) {

  public Ecosystem {
    apps = List.copyOf(apps);
    deploy =
        deploy == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(deploy));
    warnings = List.copyOf(warnings);
  }

  /** An ecosystem without a deploy section. */
  public Ecosystem(Path file, List<AppSpec> apps, List<Diagnostic> warnings) {
    this(file, apps, Map.of(), warnings);
  }

  /** The deploy section's environment named {@code name} ({@code production}). */
  public Optional<DeployTarget> deployTarget(String name) {
    return Optional.ofNullable(deploy.get(name));
  }

  public Optional<AppSpec> app(String name) {
    return apps.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /**
   * Ports more than one app (or more than one fork instance of an app) would listen on, started
   * with {@code env_<envName>}: each in words, such as {@code port 3000: apps 'api' and 'web'}. A
   * cluster app listens on its PORT once, through its balancer; a fork app's instances each on
   * PORT, or on PORT + instance with {@code increment_var: 'PORT'}.
   */
  public List<String> sharedPorts(Optional<String> envName) {
    Map<Integer, List<String>> users = new TreeMap<>();
    for (AppSpec app : apps) {
      String port = app.environment(envName).get("PORT");
      if (port == null || !port.strip().matches("\\d{1,5}")) {
        continue;
      }
      int first = Integer.parseInt(port.strip());
      boolean incremented = app.incrementVar().equals(Optional.of("PORT"));
      int listeners = app.execMode() == ExecMode.CLUSTER ? 1 : app.instances();
      for (int i = 0; i < listeners; i++) {
        String who =
            listeners > 1 && !incremented
                ? "'" + app.name() + "' (instance " + i + ")"
                : "'" + app.name() + "'";
        users.computeIfAbsent(incremented ? first + i : first, p -> new ArrayList<>()).add(who);
      }
    }
    return users.entrySet().stream()
        .filter(e -> e.getValue().size() > 1)
        .map(
            e ->
                "port "
                    + e.getKey()
                    + ": "
                    + String.join(" and ", e.getValue())
                    + " would all listen on it")
        .toList();
  }
}
