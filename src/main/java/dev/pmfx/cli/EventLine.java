package dev.pmfx.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.pmfx.engine.EngineEvent;
import dev.pmfx.engine.EngineJson;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One event as {@code pmfx events} prints it: what it is about (its app, its worker) and its line
 * of words. {@link #of} is one exhaustive switch over the events, so a new kind of event does not
 * compile until it has its line here.
 *
 * @param app the app the event is about; empty for one about no app (a metrics sample)
 * @param workerId the worker it is about, when it is about one
 * @param text the words, without the time
 */
record EventLine(EngineEvent event, Optional<String> app, OptionalInt workerId, String text) {

  /**
   * ISO-8601 in UTC, to the millisecond, as wide for every event: {@code 2026-12-07T09:41:02.117Z}.
   */
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** The daemon's own mapper, with the {@code "type"} that names each event. */
  private static final ObjectWriter JSON = EngineJson.mapper().writerFor(EngineEvent.class);

  /**
   * Whether {@code pmfx events} prints the event: log lines and metrics samples are streams of
   * their own ({@code pmfx logs}, {@code pmfx monit}); every other event is.
   */
  static boolean streamed(EngineEvent event) {
    return !(event instanceof EngineEvent.LogLine || event instanceof EngineEvent.MetricsSample);
  }

  static EventLine of(EngineEvent event) {
    return switch (event) {
      case EngineEvent.WorkerChanged changed ->
          worker(
              event,
              changed.worker().name(),
              changed.worker().id(),
              "worker "
                  + worker(changed.worker().label(), changed.worker().id())
                  + " "
                  + changed.from().label()
                  + " → "
                  + changed.worker().state().label()
                  + said(changed.reason()));
      case EngineEvent.WorkerRemoved removed ->
          worker(
              event,
              removed.app(),
              removed.workerId(),
              "worker "
                  + removed.app()
                  + " (id "
                  + removed.workerId()
                  + ") removed"
                  + said(removed.reason()));
      case EngineEvent.AppAdded added ->
          app(
              event,
              added.app().name(),
              "app " + added.app().name() + " added" + workers(added.app()));
      case EngineEvent.AppUpdated updated ->
          app(
              event,
              updated.app().name(),
              "app " + updated.app().name() + " updated" + workers(updated.app()));
      case EngineEvent.AppRemoved removed ->
          app(event, removed.app(), "app " + removed.app() + " removed");
      case EngineEvent.RolloutChanged rollout ->
          app(
              event,
              rollout.app(),
              lower(rollout.kind())
                  + " #"
                  + rollout.rollout()
                  + " of "
                  + rollout.app()
                  + " "
                  + lower(rollout.phase())
                  + " ("
                  + rollout.fromInstances()
                  + " → "
                  + rollout.toInstances()
                  + " workers)"
                  + said(rollout.detail()));
      case EngineEvent.RolloutStep step ->
          worker(
              event,
              step.app(),
              step.workerId(),
              "rollout #"
                  + step.rollout()
                  + " "
                  + worker(step.label(), step.workerId())
                  + " "
                  + lower(step.step())
                  + " "
                  + lower(step.status())
                  + (step.status().over()
                      ? " in " + Duration.between(step.started(), step.at()).toMillis() + " ms"
                      : "")
                  + said(step.detail()));
      case EngineEvent.HealthChecked checked ->
          worker(
              event,
              checked.worker().name(),
              checked.worker().id(),
              "health "
                  + worker(checked.worker().label(), checked.worker().id())
                  + " "
                  + (checked.from() == checked.worker().health().state()
                      ? checked.from().label() + ", check failed"
                      : checked.from().label() + " → " + checked.worker().health().state().label())
                  + (checked.worker().health().failures() > 0
                      ? " (" + checked.worker().health().failures() + " failed in a row)"
                      : "")
                  + said(checked.worker().health().detail()));
      case EngineEvent.LogLine line ->
          worker(
              event,
              line.app(),
              line.workerId(),
              "log "
                  + worker(line.label(), line.workerId())
                  + " "
                  + lower(line.stream())
                  + ": "
                  + line.text());
      case EngineEvent.MetricsSample sample ->
          new EventLine(
              event,
              Optional.empty(),
              OptionalInt.empty(),
              "metrics of " + sample.workers().size() + " workers");
    };
  }

  /** {@code 2026-12-07T09:41:02.117Z worker web-0 (id 3) launching → online: it said ready}. */
  String line() {
    return TIME.format(event.at()) + " " + text;
  }

  /** The event as the daemon's socket carries it, with its {@code "type"}, on one line. */
  String json() {
    try {
      return JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + event, e);
    }
  }

  private static EventLine app(EngineEvent event, String app, String text) {
    return new EventLine(event, Optional.of(app), OptionalInt.empty(), text);
  }

  private static EventLine worker(EngineEvent event, String app, int workerId, String text) {
    return new EventLine(event, Optional.of(app), OptionalInt.of(workerId), text);
  }

  private static String worker(String label, int id) {
    return label + " (id " + id + ")";
  }

  private static String workers(dev.pmfx.engine.AppStatus app) {
    int count = app.workers().size();
    return " (" + count + " worker" + (count == 1 ? "" : "s") + ")";
  }

  private static String said(String words) {
    return words == null || words.isBlank() ? "" : ": " + words;
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
