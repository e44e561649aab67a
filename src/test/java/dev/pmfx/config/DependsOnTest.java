package dev.pmfx.config;

import static dev.pmfx.config.Fixtures.failed;
import static dev.pmfx.config.Fixtures.loaded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pmfx.config.Dependency.Condition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** depends_on: its two forms, and each mistake named at its line with what is allowed. */
class DependsOnTest {

  @TempDir Path dir;

  private final EcosystemLoader loader = Fixtures.withoutNode();

  private LoadResult load(String yaml) throws IOException {
    Path file = dir.resolve("ecosystem.yaml");
    Files.writeString(file, yaml);
    return loader.load(file);
  }

  private Diagnostic onlyError(String yaml) throws IOException {
    List<Diagnostic> errors = failed(load(yaml)).errors();
    assertEquals(
        1, errors.size(), () -> errors.stream().map(Diagnostic::format).toList().toString());
    return errors.getFirst();
  }

  @Test
  void readsConditionsAndTheListFormInFileOrder() throws IOException {
    Ecosystem ecosystem =
        loaded(
            load(
                """
                apps:
                  - {name: db, script: db.sh}
                  - {name: migrate, script: migrate.sh, autorestart: false}
                  - name: web
                    script: web.sh
                    depends_on: {migrate: completed, db: 'online'}
                  - {name: worker, script: worker.sh, depends_on: [db, web]}
                """));

    assertEquals(
        Map.of("migrate", Condition.COMPLETED, "db", Condition.ONLINE),
        ecosystem.app("web").orElseThrow().dependsOn());
    assertEquals(
        List.of("migrate", "db"),
        List.copyOf(ecosystem.app("web").orElseThrow().dependsOn().keySet()));
    assertEquals(
        Map.of("db", Condition.ONLINE, "web", Condition.ONLINE),
        ecosystem.app("worker").orElseThrow().dependsOn());
    assertEquals(Map.of(), ecosystem.app("db").orElseThrow().dependsOn());
    assertEquals(
        Optional.of("migrate (completed), db (online)"),
        AppOption.DEPENDS_ON.shown(ecosystem.app("web").orElseThrow()));
  }

  @Test
  void anUnknownConditionSaysWhatIsAllowed() throws IOException {
    Diagnostic error =
        onlyError(
            """
            apps:
              - {name: db, script: db.sh}
              - name: web
                script: web.sh
                depends_on:
                  db: process_healthy
            """);

    assertEquals(new Location(6, 11), error.location(), error::format);
    assertEquals("apps[1].depends_on.db", error.key());
    assertTrue(
        error.message().contains("must be 'online'") && error.message().contains("'completed'"),
        error::format);
    assertEquals("process-compose's process_healthy is 'healthy'", error.hint());
  }

  @Test
  void aNameThatIsNoAppOfTheFileGetsTheNearestOne() throws IOException {
    Diagnostic error =
        onlyError(
            """
            apps:
              - {name: db, script: db.sh}
              - {name: cache, script: cache.sh}
              - name: web
                script: web.sh
                depends_on: [cache, dbb]
            """);

    assertEquals(new Location(6, 25), error.location(), error::format);
    assertEquals("apps[2].depends_on", error.key());
    assertEquals(
        "app 'web': depends_on names 'dbb', which is no app of this file: did you mean 'db'?",
        error.message());
  }

  @Test
  void healthyNeedsADependencyWithAHealthCheck() throws IOException {
    Diagnostic error =
        onlyError(
            """
            apps:
              - {name: db, script: db.sh}
              - name: web
                script: web.sh
                depends_on: {db: healthy}
            """);

    assertEquals(new Location(5, 18), error.location(), error::format);
    assertEquals(
        "app 'web': depends_on waits for 'db' to be healthy, and it has no health_check",
        error.message());
    assertEquals(
        Map.of("db", Condition.HEALTHY),
        loaded(
                load(
                    """
                    apps:
                      - {name: db, script: db.sh, health_check: {exec: 'true'}}
                      - {name: web, script: web.sh, depends_on: {db: healthy}}
                    """))
            .app("web")
            .orElseThrow()
            .dependsOn());
  }

  @Test
  void anAppCannotDependOnItself() throws IOException {
    Diagnostic error =
        onlyError(
            """
            apps:
              - name: web
                script: web.sh
                depends_on: {web: online}
            """);

    assertEquals(new Location(4, 18), error.location(), error::format);
    assertEquals("app 'web': depends_on names the app itself", error.message());
  }

  @Test
  void aCycleIsReportedAtTheDependencyThatClosesIt() throws IOException {
    Diagnostic error =
        onlyError(
            """
            apps:
              - name: web
                script: web.sh
                depends_on: [api]
              - name: api
                script: api.sh
                depends_on:
                  - db
                  - web
              - {name: db, script: db.sh}
            """);

    assertEquals(new Location(9, 9), error.location(), error::format);
    assertEquals("apps[1].depends_on", error.key());
    assertTrue(error.message().startsWith("app 'api': depends_on makes a cycle, web → api → web"));
  }

  @Test
  void aValueOfTheWrongKindSaysBothForms() throws IOException {
    Diagnostic error =
        onlyError(
            """
            apps:
              - {name: db, script: db.sh}
              - {name: web, script: web.sh, depends_on: db}
            """);

    assertEquals(3, error.location().line(), error::format);
    assertTrue(error.message().contains("({db: 'online'}) or a list of apps ([db])"));
  }

  // ---------------------------------------------------------------- the order, pure

  private static final Map<String, List<String>> EDGES =
      Map.of(
          "web", List.of("api", "migrate"),
          "api", List.of("db"),
          "migrate", List.of("db"),
          "db", List.of());

  @Test
  void startOrderPutsEachAppAfterWhatItDependsOn() {
    List<String> order = Dependency.startOrder(List.of("web", "api", "db", "migrate"), EDGES);

    assertEquals(List.of("db", "api", "migrate", "web"), order);
    assertEquals(List.of("web", "migrate", "api", "db"), Dependency.stopOrder(order, EDGES));
  }

  @Test
  void startOrderKeepsAppsWithoutDependenciesInTheirOwnOrder() {
    assertEquals(
        List.of("b", "a", "c"),
        Dependency.startOrder(List.of("b", "a", "c"), Map.of("c", List.of("x"))));
  }

  @Test
  void withDependenciesAddsWhatTheAppsNeedTransitively() {
    assertEquals(
        List.of("web", "api", "migrate", "db"),
        List.copyOf(Dependency.withDependencies(List.of("web"), EDGES)));
    assertEquals(List.of("db"), List.copyOf(Dependency.withDependencies(List.of("db"), EDGES)));
  }

  @Test
  void cycleFindsTheStepThatClosesACircleAndNoneInATree() {
    assertEquals(Optional.empty(), Dependency.cycle(EDGES));
    Map<String, List<String>> circle = new java.util.LinkedHashMap<>();
    circle.put("a", List.of("b"));
    circle.put("b", List.of("c"));
    circle.put("c", List.of("a"));
    circle.put("d", List.of("a"));
    assertEquals(Optional.of(List.of("a", "b", "c", "a")), Dependency.cycle(circle));
  }
}
