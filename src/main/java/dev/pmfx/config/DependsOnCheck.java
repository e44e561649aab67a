package dev.pmfx.config;

import dev.pmfx.config.ConfigNode.ArrayNode;
import dev.pmfx.config.ConfigNode.Member;
import dev.pmfx.config.ConfigNode.ObjectNode;
import dev.pmfx.config.ConfigNode.TextNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks each app's {@code depends_on} against the whole file: every name is an app of it, no app
 * depends on itself, and no apps depend on each other in a circle, which could never start. Each
 * finding is at the name in {@code depends_on} that is wrong, or that closes the circle.
 */
final class DependsOnCheck {

  /** One app as read: its object in the file, its index, and its spec when it read whole. */
  record Read(ObjectNode object, int index, AppSpec spec) {}

  private DependsOnCheck() {}

  /**
   * @param names every app name of the file, those of apps that did not read too
   */
  static void check(List<Read> apps, Collection<String> names, Report report) {
    Map<String, List<String>> edges = new LinkedHashMap<>();
    Map<String, Read> byName = new LinkedHashMap<>();
    for (Read app : apps) {
      AppSpec spec = app.spec();
      String label = "app '" + spec.name() + "'";
      String path = "apps[" + app.index() + "].depends_on";
      Map<String, Location> at = places(app.object());
      List<String> valid = new ArrayList<>();
      for (String dependency : spec.dependsOn().keySet()) {
        Location where = at.getOrDefault(dependency, app.object().location());
        if (dependency.equals(spec.name())) {
          report.error(where, path, label + ": depends_on names the app itself", "");
        } else if (!names.contains(dependency)) {
          Optional<String> near = DidYouMean.closest(dependency, names);
          report.error(
              where,
              path,
              label
                  + ": depends_on names '"
                  + dependency
                  + "', which is no app of this file"
                  + near.map(n -> ": did you mean '" + n + "'?").orElse(""),
              near.isPresent() ? "" : "the apps of this file are: " + String.join(", ", names));
        } else {
          valid.add(dependency);
        }
      }
      edges.put(spec.name(), valid);
      byName.put(spec.name(), app);
    }
    // healthy: only an app that has a health check can be
    for (Read app : apps) {
      app.spec()
          .dependsOn()
          .forEach(
              (dependency, condition) -> {
                Read other = byName.get(dependency);
                if (condition == Dependency.Condition.HEALTHY
                    && other != null
                    && other.spec().healthCheck().isEmpty()) {
                  report.error(
                      places(app.object()).getOrDefault(dependency, app.object().location()),
                      "apps[" + app.index() + "].depends_on",
                      "app '"
                          + app.spec().name()
                          + "': depends_on waits for '"
                          + dependency
                          + "' to be healthy, and it has no health_check",
                      "give "
                          + dependency
                          + " a health_check, e.g. { http: '/healthz' }, or wait for it to be"
                          + " 'online'");
                }
              });
    }
    Dependency.cycle(edges)
        .ifPresent(
            cycle -> {
              String closer = cycle.get(cycle.size() - 2);
              String closed = cycle.getLast();
              Read app = byName.get(closer);
              report.error(
                  places(app.object()).getOrDefault(closed, app.object().location()),
                  "apps[" + app.index() + "].depends_on",
                  "app '"
                      + closer
                      + "': depends_on makes a cycle, "
                      + String.join(" → ", cycle)
                      + ": none of them could ever start",
                  "remove one of these dependencies");
            });
  }

  /** Where each name of the app's {@code depends_on} is written. */
  private static Map<String, Location> places(ObjectNode object) {
    Map<String, Location> at = new LinkedHashMap<>();
    Optional<Member> member = object.member("depends_on");
    if (member.isEmpty()) {
      return at;
    }
    switch (member.get().value()) {
      case ArrayNode a ->
          a.items().stream()
              .filter(TextNode.class::isInstance)
              .map(TextNode.class::cast)
              .forEach(t -> at.putIfAbsent(t.value(), t.location()));
      case ObjectNode o -> o.members().forEach(m -> at.put(m.key(), m.keyLocation()));
      default -> {}
    }
    return at;
  }
}
