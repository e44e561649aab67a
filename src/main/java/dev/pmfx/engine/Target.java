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
    Target target = parse(text);
    boolean anAppsName =
        target instanceof Named named && apps.stream().anyMatch(a -> a.name().equals(named.name()));
    return apps.stream()
        .filter(
            app ->
                switch (target) {
                  case All all -> true;
                  case WorkerId id -> app.workers().stream().anyMatch(w -> w.id() == id.id());
                  case Named named ->
                      anAppsName
                          ? app.name().equals(named.name())
                          : app.spec().namespace().equals(named.name());
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
