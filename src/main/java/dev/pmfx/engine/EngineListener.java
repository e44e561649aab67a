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
}
