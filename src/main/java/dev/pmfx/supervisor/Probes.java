package dev.pmfx.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmfx.engine.ActionResult;
import dev.pmfx.engine.CommandResult.Problem;
import dev.pmfx.engine.EngineEvent.MetricsSample.CustomAction;
import dev.pmfx.engine.EngineEvent.MetricsSample.CustomMetric;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerProbes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What workers' {@code @pm2/io} tells pmfx over their channels, as it tells PM2: {@code
 * {"type":"axm:monitor","data":{NAME:{"value":…,"unit":…,"type":…}}}} about once a second with
 * every metric, {@code {"type":"axm:action","data":{"action_name":…,"action_type":…}}} once per
 * action, and {@code {"type":"axm:reply","data":{"action_name":…,"return":…}}} when an action
 * answers. An action is called as PM2 calls it: its name as the message, or {@code
 * {"msg":NAME,"opts":PARAM}} with a parameter.
 *
 * <p>Reports are taken on the loop; the sampler reads the latest from its own thread.
 */
final class Probes {

  /** How long a trigger waits for a worker's reply. */
  static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

  private record Reported(
      String app, int instance, List<CustomMetric> metrics, Map<String, CustomAction> actions) {}

  // Both by the workers' keys: a reload's new worker takes another id, not another key.

  /** A trigger waiting for the worker's reply to the action (the reply's {@code data}). */
  private record Waiting(String action, CompletableFuture<JsonNode> reply) {}

  private final Map<Integer, Reported> reported = new ConcurrentHashMap<>();

  /** Per worker, oldest first; loop only. */
  private final Map<Integer, List<Waiting>> waiting = new HashMap<>();

  /** A report from the worker's current process; anything but {@code axm:…} is ignored. */
  void report(Worker w, JsonNode message) {
    JsonNode data = message.path("data");
    switch (message.path("type").asText()) {
      case "axm:monitor" -> {
        List<CustomMetric> metrics = new ArrayList<>();
        data.properties()
            .forEach(
                e ->
                    metrics.add(
                        new CustomMetric(
                            e.getKey(),
                            text(e.getValue().path("value")),
                            e.getValue().path("unit").asText(""),
                            e.getValue().path("type").asText(""))));
        Reported before = reportedBy(w);
        reported.put(w.key, new Reported(w.spec.name(), w.instance, metrics, before.actions()));
      }
      case "axm:action" -> {
        String name = data.path("action_name").asText("");
        if (!name.isEmpty()) {
          Reported before = reportedBy(w);
          Map<String, CustomAction> actions = new LinkedHashMap<>(before.actions());
          actions.put(name, new CustomAction(name, data.path("action_type").asText("custom")));
          reported.put(
              w.key,
              new Reported(w.spec.name(), w.instance, before.metrics(), Map.copyOf(actions)));
        }
      }
      case "axm:reply" -> replied(w.key, data.path("action_name").asText(""), data);
      default -> {
        // axm:option:configuration, scoped actions' streams: nothing pmfx shows
      }
    }
  }

  private Reported reportedBy(Worker w) {
    return reported.getOrDefault(
        w.key, new Reported(w.spec.name(), w.instance, List.of(), Map.of()));
  }

  /** The reply's {@code data}: {@code {"at":MILLIS,"action_name":…,"return":…}}. */
  private void replied(int key, String action, JsonNode data) {
    List<Waiting> those = waiting.get(key);
    if (those == null) {
      return;
    }
    those.removeIf(t -> t.reply().isDone());
    for (Waiting t : those) {
      if (t.action().equals(action)) {
        those.remove(t);
        t.reply().complete(data);
        return;
      }
    }
  }

  /** The worker starts a new process, or is gone: what the last one reported no longer holds. */
  void forget(int key) {
    reported.remove(key);
    List<Waiting> those = waiting.remove(key);
    if (those != null) {
      those.forEach(t -> t.reply().completeExceptionally(new IllegalStateException("exited")));
    }
  }

  /** What the workers reported last, in their order; those that reported nothing left out. */
  List<WorkerProbes> of(Collection<Worker> workers) {
    List<WorkerProbes> found = new ArrayList<>();
    for (Worker w : workers) {
      Reported r = reported.get(w.key);
      if (r != null) {
        found.add(
            new WorkerProbes(
                w.id, r.app(), r.instance(), r.metrics(), List.copyOf(r.actions().values())));
      }
    }
    return found;
  }

  /**
   * Calls the action on each running worker of {@code workers} that offers it, and answers once
   * each replied or {@link #REPLY_TIMEOUT} passed; on the loop.
   */
  CompletableFuture<ActionResult> trigger(
      List<Worker> workers, List<Problem> before, String action, Optional<String> param) {
    List<Problem> problems = new ArrayList<>(before);
    List<CompletableFuture<Optional<ActionResult.Reply>>> replies = new ArrayList<>();
    List<Problem> late = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, Boolean> offered = new LinkedHashMap<>();
    for (Worker w : workers) {
      offered.putIfAbsent(w.spec.name(), false);
      Reported r = reported.get(w.key);
      if (!w.state().running()
          || w.channel == null
          || r == null
          || !r.actions().containsKey(action)) {
        continue;
      }
      String app = w.spec.name();
      int key = w.key;
      int instance = w.instance;
      String label = dev.pmfx.engine.WorkerStatus.label(app, instance);
      offered.put(app, true);
      if (!send(w.channel, action, param)) {
        problems.add(new Problem(app, label + " cannot be reached"));
        continue;
      }
      CompletableFuture<JsonNode> reply = new CompletableFuture<>();
      waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(new Waiting(action, reply));
      replies.add(
          reply
              .orTimeout(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .handle(
                  (value, failed) -> {
                    if (failed != null) {
                      late.add(
                          new Problem(
                              app,
                              label
                                  + (failed instanceof java.util.concurrent.TimeoutException
                                      ? " gave no reply within " + REPLY_TIMEOUT.toSeconds() + "s"
                                      : " exited before it replied")));
                      return Optional.empty();
                    }
                    Instant at =
                        value.path("at").canConvertToLong()
                            ? Instant.ofEpochMilli(value.path("at").asLong())
                            : Instant.now();
                    return Optional.of(
                        new ActionResult.Reply(
                            w.id, app, instance, at, value.path("return").toString()));
                  }));
    }
    offered.forEach(
        (app, any) -> {
          if (!any) {
            problems.add(new Problem(app, "no running worker offers action '" + action + "'"));
          }
        });
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              problems.addAll(late);
              return new ActionResult(
                  action, replies.stream().flatMap(f -> f.join().stream()).toList(), problems);
            });
  }

  /** The action's name as the message, or {@code {"msg":NAME,"opts":PARAM}}, as PM2 sends it. */
  private static boolean send(WorkerChannel channel, String action, Optional<String> param) {
    if (param.isEmpty()) {
      return channel.send(action);
    }
    ObjectNode call = JsonNodeFactory.instance.objectNode();
    call.put("msg", action);
    call.put("opts", param.get());
    return channel.sendJson(call);
  }

  /** A metric's value as text: a number as JSON writes it, a string as it is. */
  private static String text(JsonNode value) {
    if (value.isMissingNode() || value.isNull()) {
      return "";
    }
    return value.isTextual() ? value.asText() : value.toString();
  }
}
