package dev.pmfx.supervisor;

/** What a stop is for: what happens once the worker's process is gone. */
sealed interface StopGoal {
  /** It stays stopped. */
  record Rest() implements StopGoal {}

  /** It starts again (a restart). */
  record Restart() implements StopGoal {}

  /** It leaves its app (delete, scale down, a reload's old worker), for the reason given. */
  record Remove(String why) implements StopGoal {}

  /** It ends errored, for the reason given (its app cannot serve). */
  record Fail(String why) implements StopGoal {}

  /** pmfx is closing: it stays as it ends, whatever its stop was for before. */
  record Halt() implements StopGoal {}

  StopGoal REST = new Rest();
  StopGoal RESTART = new Restart();
  StopGoal HALT = new Halt();

  /**
   * A removal asked for stays asked for: a later stop or restart does not bring it back. Only an
   * app that cannot serve (it ends errored) and pmfx closing (it stays) take over from it.
   */
  default StopGoal then(StopGoal asked) {
    return this instanceof Remove && !(asked instanceof Fail || asked instanceof Halt)
        ? this
        : asked;
  }
}
