package dev.pmfx.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an app's {@code depends_on} asks of another app of its file before the app starts, as
 * process-compose's {@code depends_on} does, and the order that follows from it. Pure: no
 * processes, no clock.
 */
public final class Dependency {

  private Dependency() {}

  /** What the dependency must have done: process-compose's conditions, as pmfx names states. */
  public enum Condition {
    /** Every worker of the dependency is online (process-compose's process_started). */
    ONLINE("online"),
    /** Every worker passes its health check (process-compose's process_healthy). */
    HEALTHY("healthy"),
    /** It ran and every worker exited with code 0 (process_completed_successfully). */
    COMPLETED("completed");

    private final String word;

    Condition(String word) {
      this.word = word;
    }

    /** As the file writes it: {@code online}. */
    public String word() {
      return word;
    }

    /** The condition a file names, in pmfx's words. */
    static Optional<Condition> parse(String text) {
      String wanted = text.strip().toLowerCase(Locale.ROOT);
      for (Condition c : values()) {
        if (c.word.equals(wanted)) {
          return Optional.of(c);
        }
      }
      return Optional.empty();
    }

    /** process-compose's name for a condition, which pmfx names otherwise; empty if none. */
    static Optional<Condition> fromProcessCompose(String text) {
      return switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "process_started" -> Optional.of(ONLINE);
        case "process_healthy" -> Optional.of(HEALTHY);
        case "process_completed_successfully", "process_completed" -> Optional.of(COMPLETED);
        default -> Optional.empty();
      };
    }
  }

  /** The conditions as the Config tab shows them: {@code db (online), migrate (completed)}. */
  public static String shown(Map<String, Condition> dependsOn) {
    if (dependsOn.isEmpty()) {
      return "none";
    }
    List<String> each = new ArrayList<>();
    dependsOn.forEach((app, c) -> each.add(app + " (" + c.word() + ")"));
    return String.join(", ", each);
  }

  /**
   * The first cycle among {@code edges} (each app to the apps it depends on), looking from the apps
   * in their order: {@code [web, api, web]}, whose last step, {@code api → web}, closes it; empty
   * when there is none.
   */
  public static Optional<List<String>> cycle(Map<String, List<String>> edges) {
    Map<String, Integer> mark = new HashMap<>(); // 1: on the path, 2: done
    for (String start : edges.keySet()) {
      List<String> path = new ArrayList<>();
      Optional<List<String>> found = visit(start, edges, mark, path);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<List<String>> visit(
      String app, Map<String, List<String>> edges, Map<String, Integer> mark, List<String> path) {
    Integer seen = mark.get(app);
    if (seen != null && seen == 2) {
      return Optional.empty();
    }
    if (seen != null) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(app), path.size()));
      cycle.add(app);
      return Optional.of(cycle);
    }
    mark.put(app, 1);
    path.add(app);
    for (String next : edges.getOrDefault(app, List.of())) {
      Optional<List<String>> found = visit(next, edges, mark, path);
      if (found.isPresent()) {
        return found;
      }
    }
    path.removeLast();
    mark.put(app, 2);
    return Optional.empty();
  }

  /**
   * {@code apps} in an order where each comes after the apps it depends on among them, otherwise in
   * their own order; the apps of a cycle, which has no such order, keep theirs.
   */
  public static List<String> startOrder(List<String> apps, Map<String, List<String>> edges) {
    Set<String> among = new LinkedHashSet<>(apps);
    Set<String> placed = new LinkedHashSet<>();
    Set<String> visiting = new java.util.HashSet<>();
    for (String app : apps) {
      place(app, among, edges, placed, visiting);
    }
    return List.copyOf(placed);
  }

  private static void place(
      String app,
      Set<String> among,
      Map<String, List<String>> edges,
      Set<String> placed,
      Set<String> visiting) {
    if (placed.contains(app) || !visiting.add(app)) {
      return;
    }
    for (String dependency : edges.getOrDefault(app, List.of())) {
      if (among.contains(dependency)) {
        place(dependency, among, edges, placed, visiting);
      }
    }
    placed.add(app);
  }

  /** {@link #startOrder} reversed: dependents before what they depend on, as they stop. */
  public static List<String> stopOrder(List<String> apps, Map<String, List<String>> edges) {
    return startOrder(apps, edges).reversed();
  }

  /** {@code wanted} and, before them, every app they depend on in {@code edges}, transitively. */
  public static Set<String> withDependencies(
      Collection<String> wanted, Map<String, List<String>> edges) {
    Set<String> all = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(wanted);
    while (!todo.isEmpty()) {
      String app = todo.removeFirst();
      if (all.add(app)) {
        todo.addAll(edges.getOrDefault(app, List.of()));
      }
    }
    return all;
  }

  /** Each app's dependencies by name, from their specs. */
  public static Map<String, List<String>> edges(Collection<AppSpec> specs) {
    Map<String, List<String>> edges = new LinkedHashMap<>();
    specs.forEach(s -> edges.put(s.name(), List.copyOf(s.dependsOn().keySet())));
    return edges;
  }
}
