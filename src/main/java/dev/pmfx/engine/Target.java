package dev.pmfx.engine;

/**
 * What a command acts on, named as PM2 names it: {@code all}, a worker id, an app name, or a
 * namespace (an app's name wins over a namespace of the same name).
 */
public sealed interface Target {

  record All() implements Target {}

  record WorkerId(int id) implements Target {}

  record Named(String name) implements Target {}

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
