package dev.pmfx.engine;

/**
 * What a command acts on, named as PM2 names it: {@code all}, a worker id, an app name, or a
 * namespace (an app's name wins over a namespace of the same name).
 */
public sealed interface Target {

  record All() implements Target {
    @Override
    public String text() {
      return "all";
    }
  }

  record WorkerId(int id) implements Target {
    @Override
    public String text() {
      return String.valueOf(id);
    }
  }

  record Named(String name) implements Target {
    @Override
    public String text() {
      return name;
    }
  }

  /**
   * As a user writes it, and as it crosses the daemon's socket: {@code all}, {@code 3}, {@code
   * api}.
   */
  @com.fasterxml.jackson.annotation.JsonValue
  String text();

  /**
   * The apps of a snapshot that {@code text} names, as the engine resolves targets: all of them, a
   * worker's app, the app of that name, or else the apps of that namespace.
   */
  static java.util.List<AppStatus> apps(java.util.List<AppStatus> apps, String text) {
    return parse(text)
        .select(
            apps,
            AppStatus::name,
            app -> app.spec().namespace(),
            (app, id) -> app.workers().stream().anyMatch(w -> w.id() == id));
  }

  /**
   * The apps, of any kind, that this target names: all of them; the app with that worker; the app
   * of that name, or, when no app has it, every app of that namespace. The one place the rule is
   * written, for a snapshot's apps and for the supervisor's own.
   */
  default <A> java.util.List<A> select(
      java.util.Collection<A> apps,
      java.util.function.Function<A, String> name,
      java.util.function.Function<A, String> namespace,
      java.util.function.BiPredicate<A, Integer> hasWorker) {
    boolean anAppsName =
        this instanceof Named named
            && apps.stream().anyMatch(a -> name.apply(a).equals(named.name()));
    return apps.stream()
        .filter(
            app ->
                switch (this) {
                  case All all -> true;
                  case WorkerId id -> hasWorker.test(app, id.id());
                  case Named named ->
                      (anAppsName ? name : namespace).apply(app).equals(named.name());
                })
        .toList();
  }

  @com.fasterxml.jackson.annotation.JsonCreator
  static Target parse(String text) {
    String target = text.strip();
    if (target.equals("all")) {
      return new All();
    }
    if (target.matches("\\d{1,9}")) {
      return new WorkerId(Integer.parseInt(target));
    }
    return new Named(target);
  }
}
