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

  /** One command's result over several parts (a reload of several apps), after {@code before}. */
  public static CommandResult combined(
      String command, List<CommandResult> parts, List<Problem> before) {
    List<Integer> workers = new java.util.ArrayList<>();
    List<Problem> problems = new java.util.ArrayList<>(before);
    for (CommandResult part : parts) {
      workers.addAll(part.workers());
      problems.addAll(part.problems());
    }
    return new CommandResult(command, workers, problems);
  }
}
