package dev.pmfx.engine;

import java.util.List;

/**
 * What a command did: the workers it acted on, and the apps it could not act on with why. A command
 * that fails for one app still acts on the others.
 */
public record CommandResult(String command, List<Integer> workers, List<Problem> problems) {

  public CommandResult {
    workers = List.copyOf(workers);
    problems = List.copyOf(problems);
  }

  public record Problem(String app, String message) {}

  public boolean ok() {
    return problems.isEmpty();
  }
}
