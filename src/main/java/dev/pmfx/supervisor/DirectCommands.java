package dev.pmfx.supervisor;

import dev.pmfx.engine.ActionResult;
import dev.pmfx.engine.Query;
import java.util.concurrent.CompletableFuture;

/**
 * What goes to running workers' processes without changing their state: an action's call ({@code
 * pm2 trigger}). What comes of it (a reply) comes back as it always does. On the loop.
 */
final class DirectCommands {

  private final Probes probes;

  DirectCommands(Probes probes) {
    this.probes = probes;
  }

  /** Calls the action on each running worker of the target that offers it ({@link Probes}). */
  CompletableFuture<ActionResult> trigger(Apps.Resolved to, Query.Trigger q) {
    return probes.trigger(to.workers(), to.problems(), q.action(), q.param());
  }
}
