package dev.pmfx.engine;

import java.util.List;

/**
 * Receives the engine's state once, then every later event, with nothing lost between. Called on
 * the engine's one event thread, one call at a time: return quickly; calling back into the engine
 * is fine.
 */
public interface EngineListener {

  void onSnapshot(List<AppStatus> apps);

  void onEvent(EngineEvent event);

  /**
   * Whether this listener gets {@link #onHistory}: a window that opens on running workers does; a
   * command that waits for one reload does not.
   */
  default boolean wantsHistory() {
    return false;
  }

  /**
   * Called once, right after {@link #onSnapshot}, when {@link #wantsHistory}: what happened before
   * the snapshot, oldest first: the samples of the last {@link #HISTORY} and the state changes
   * since then (at most {@link #HISTORY_CHANGES}). Only history: the snapshot is the state.
   */
  default void onHistory(List<EngineEvent> past) {}

  java.time.Duration HISTORY = java.time.Duration.ofMinutes(10);

  int HISTORY_CHANGES = 2000;
}
