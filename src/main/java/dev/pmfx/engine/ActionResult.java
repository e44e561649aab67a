package dev.pmfx.engine;

import java.time.Instant;
import java.util.List;

/**
 * What triggering an action ({@link Query.Trigger}) came to: each worker's reply, and the apps or
 * workers that could not take it or gave no reply in time, with why.
 */
public record ActionResult(
    String action, List<Reply> replies, List<CommandResult.Problem> problems) {

  public ActionResult {
    replies = List.copyOf(replies);
    problems = List.copyOf(problems);
  }

  /**
   * One worker's reply.
   *
   * @param value what the action's callback was given, as JSON ({@code {"success":true}})
   */
  public record Reply(int workerId, String app, int instance, Instant at, String value) {
    /** Its worker's name: {@code api-0}. */
    public String label() {
      return WorkerStatus.label(app, instance);
    }
  }

  public boolean ok() {
    return problems.isEmpty() && !replies.isEmpty();
  }
}
