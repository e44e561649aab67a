package dev.pmfx.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmfx.balance.BackendStats;
import dev.pmfx.balance.Balancer;
import dev.pmfx.balance.Handoff;
import dev.pmfx.balance.Loops;
import dev.pmfx.balance.PublicPort;
import dev.pmfx.config.AppSpec;
import dev.pmfx.config.BalancerMode;
import dev.pmfx.engine.AppStatus;
import dev.pmfx.engine.EngineEvent.MetricsSample.WorkerRequests;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cluster apps' public ports: a balancer per app, opened when the app's port is known (from its env
 * or a Node worker's listen() call), with the online workers in its rotation. Routing and draining
 * happen on the loop; counts are read from any thread.
 */
final class Routing {

  /** What routing asks of the supervisor. */
  interface Host {
    /** A line from pmfx in the app's workers' logs. */
    void note(String app, String text);

    /** The app's port cannot be opened: its workers stop and end errored, later. */
    void cannotServe(String app, String why);
  }

  private final Host host;
  private final Map<String, PublicPort> balancers = new ConcurrentHashMap<>();

  /**
   * A worker and the balancer it was put into, which is its app's old one while the app moves to
   * another port.
   */
  private record Placed(Worker worker, PublicPort balancer) {}

  /**
   * By worker key, from its first route until it leaves its app: balancers know workers by key,
   * views by id, which a reload's new worker changes.
   */
  private final Map<Integer, Placed> placed = new ConcurrentHashMap<>();

  /**
   * Per app, its balancers on the ports it moved from ({@code --env} named another PORT), each open
   * until no worker is in it any more: a reload moves without refusing anyone meanwhile.
   */
  private final Map<String, List<PublicPort>> movedFrom = new ConcurrentHashMap<>();

  /** Notes already given about each app, so each is said once. Loop only. */
  private final Map<String, Set<String>> noted = new ConcurrentHashMap<>();

  /** The balancers' event loops, started with the first app that needs them. */
  private Loops loops;

  /** A daemon's: keep its hand-off ports open while no daemon runs; null otherwise. */
  private final PortKeepers keepers;

  /** The keeper of each port that has one, by port. */
  private final Map<PublicPort, Long> keeperOf = new ConcurrentHashMap<>();

  Routing(PortKeepers keepers, Host host) {
    this.host = host;
    this.keepers = keepers;
  }

  /**
   * Takes back the ports that keepers of a daemon before this one hold for {@code apps}, for their
   * adopted workers to be routed on.
   *
   * @return the keepers' pids
   */
  List<Long> takeBackPorts(Set<String> apps) {
    return keepers == null ? List.of() : keepers.takeBack(apps);
  }

  /** Closes the ports taken back that no app opened: their apps listen anew. */
  void dropUnusedPorts() {
    if (keepers != null) {
      keepers.dropUnused();
    }
  }

  private interface Opening {
    PublicPort open() throws IOException;
  }

  /**
   * A port on the socket taken back from {@code kept}, whose keeper is now this daemon's; when it
   * cannot be opened, the keeper ends (the port closes) and the failure goes on.
   */
  private PublicPort taken(PortKeepers.Kept kept, Opening opening) throws IOException {
    PublicPort opened;
    try {
      opened = opening.open();
    } catch (IOException | RuntimeException e) {
      PortKeepers.end(kept.keeper());
      throw e;
    }
    keeperOf.put(opened, kept.keeper());
    return opened;
  }

  /** Starts a keeper for a daemon's port, whose socket is {@code fd} here (-1: none to keep). */
  private void keep(PublicPort opened, int fd, String app, int port) {
    if (keepers != null && fd >= 0) {
      try {
        keeperOf.put(opened, keepers.keep(fd, app, port));
      } catch (IOException e) {
        // no keeper: the port closes with the daemon, as it did before keepers
      }
    }
  }

  /** Closes a port, and ends its keeper. */
  private void closePort(PublicPort port) {
    port.close();
    Long keeper = keeperOf.remove(port);
    if (keeper != null) {
      PortKeepers.end(keeper);
    }
  }

  /** Puts an online cluster worker into its app's balancer, opening it on first use. */
  void route(Worker w) {
    if (w.privatePort == 0) {
      return;
    }
    switch (balancerFor(w).orElse(null)) {
      case Handoff handoff when w.channel instanceof NodeChannel channel -> {
        handoff.add(w.key, channel);
        placed.put(w.key, new Placed(w, handoff));
      }
      case Balancer balancer -> {
        balancer.add(w.key, address(w));
        placed.put(w.key, new Placed(w, balancer));
      }
      case null, default -> {}
    }
    closeEmptied(w.spec.name());
  }

  void unroute(Worker w) {
    PublicPort balancer = of(w);
    if (balancer != null) {
      balancer.remove(w.key);
    }
  }

  /** The worker left its app. */
  void forget(Worker w) {
    placed.remove(w.key);
    closeEmptied(w.spec.name());
  }

  /** The balancer the worker is in, or its app's. */
  private PublicPort of(Worker w) {
    Placed in = placed.get(w.key);
    return in != null ? in.balancer() : balancers.get(w.spec.name());
  }

  /** Closes the app's balancers on ports it moved from that no worker is in any more. */
  private void closeEmptied(String app) {
    List<PublicPort> old = movedFrom.get(app);
    if (old == null) {
      return;
    }
    old.removeIf(
        balancer -> {
          if (placed.values().stream().anyMatch(p -> p.balancer() == balancer)) {
            return false;
          }
          closePort(balancer);
          return true;
        });
    if (old.isEmpty()) {
      movedFrom.remove(app);
    }
  }

  /** Whether the worker is in its app's rotation. */
  boolean routes(Worker w) {
    PublicPort balancer = of(w);
    return balancer != null && balancer.routes(w.key);
  }

  /** The app's public port, when its balancer is open. */
  OptionalInt port(String app) {
    PublicPort balancer = balancers.get(app);
    return balancer == null ? OptionalInt.empty() : OptionalInt.of(balancer.port());
  }

  /** Its requests in flight when it is in its balancer's rotation, which it drains first. */
  OptionalInt inFlight(Worker w) {
    PublicPort balancer = of(w);
    if (balancer == null || !balancer.routes(w.key)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(
        balancer.stats().stream()
            .filter(s -> s.workerId() == w.key)
            .mapToInt(BackendStats::inFlight)
            .sum());
  }

  /** No new connection to the worker; true once those in flight are done, false on timeout. */
  CompletableFuture<Boolean> drain(Worker w, Duration timeout) {
    PublicPort balancer = of(w);
    return balancer == null
        ? CompletableFuture.completedFuture(true)
        : balancer.drain(w.key, timeout);
  }

  /** A Node worker's shim reports on the connections pmfx handed it. */
  void report(Worker w, JsonNode report) {
    if (!(of(w) instanceof Handoff handoff)) {
      return;
    }
    switch (report.path("cmd").asText()) {
      case "pmfx:stats" ->
          handoff.counts(
              w.key,
              report.path("requests").asLong(),
              report.path("inFlight").asInt(),
              report.path("errors").asLong(),
              report.path("open").asInt(),
              report.path("p50").asDouble(),
              report.path("p99").asDouble());
      case "pmfx:drained" -> handoff.drained(w.key);
      default -> {}
    }
  }

  /** An app's snapshot, with its balancer's port and counts in cluster mode. */
  AppStatus decorate(AppStatus plain) {
    PublicPort balancer = balancers.get(plain.spec().name());
    return balancer == null
        ? plain
        : new AppStatus(
            plain.spec(),
            plain.file(),
            plain.envName(),
            plain.workers(),
            OptionalInt.of(balancer.port()),
            requestsOf(plain.spec().name(), balancer),
            plain.logTrouble(),
            plain.startNote());
  }

  /** Every balancer's counts, per worker. */
  List<WorkerRequests> requests() {
    List<WorkerRequests> all = new ArrayList<>();
    balancers.forEach((app, balancer) -> all.addAll(requestsOf(app, balancer)));
    movedFrom.forEach((app, old) -> old.forEach(balancer -> all.addAll(requestsOf(app, balancer))));
    return all;
  }

  private List<WorkerRequests> requestsOf(String app, PublicPort balancer) {
    return balancer.stats().stream()
        .map(
            s ->
                new WorkerRequests(
                    idOf(s.workerId()),
                    app,
                    s.requests(),
                    s.inFlight(),
                    s.errors(),
                    s.p50Millis(),
                    s.p99Millis()))
        .toList();
  }

  /** The id users see of the worker with {@code key}. */
  private int idOf(int key) {
    Placed in = placed.get(key);
    return in != null ? in.worker().id : key;
  }

  /** Whether the app's balancer is open. */
  boolean serves(String app) {
    return balancers.containsKey(app);
  }

  /** A later start tries the app's port again. */
  void retry(String app) {
    notes(app).remove("cannot listen");
  }

  /** Closes the app's balancer and forgets what was said about it. */
  void close(String app) {
    noted.remove(app);
    PublicPort balancer = balancers.remove(app);
    if (balancer != null) {
      closePort(balancer);
    }
    List<PublicPort> old = movedFrom.remove(app);
    if (old != null) {
      old.forEach(this::closePort);
    }
  }

  void closeAll() {
    java.util.Set<String> apps = new java.util.HashSet<>(balancers.keySet());
    apps.addAll(movedFrom.keySet());
    apps.forEach(this::close);
    if (loops != null) {
      loops.close();
    }
  }

  private Set<String> notes(String app) {
    return noted.computeIfAbsent(app, k -> new HashSet<>());
  }

  private Optional<PublicPort> balancerFor(Worker w) {
    String app = w.spec.name();
    PublicPort open = balancers.get(app);
    int port = w.publicPort > 0 ? w.publicPort : configuredPort(w);
    if (open != null && (port <= 0 || port == open.port())) {
      return Optional.of(open);
    }
    if (open != null) {
      // Its environment names another PORT now (--env): the app moves there. The old port
      // serves the workers still in it until they have moved too, then closes.
      host.note(
          app, "moves from port " + open.port() + " to " + port + ", where its workers now listen");
      balancers.remove(app);
      movedFrom
          .computeIfAbsent(app, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
          .add(open);
    }
    if (port <= 0) {
      if (w.node) {
        return Optional.empty(); // its listen() call will say the port
      }
      if (notes(app).add("no public port")) {
        host.note(
            app,
            "cluster mode needs the app's public port: set env.PORT (a Node app's own listen()"
                + " call says it); until then each worker serves only its private PORT");
      }
      return Optional.empty();
    }
    try {
      PublicPort balancer;
      if (handsOff(w)) {
        Optional<PortKeepers.Kept> kept =
            keepers == null ? Optional.empty() : keepers.take(app, port);
        if (kept.isPresent()) {
          balancer = taken(kept.get(), () -> Handoff.on(kept.get().fd(), options(w.spec)));
        } else {
          Handoff handoff = Handoff.open(port, options(w.spec));
          balancer = handoff;
          keep(handoff, handoff.descriptor(), app, port);
        }
      } else {
        if (w.spec.balancer().equals(Optional.of(BalancerMode.HANDOFF))
            && notes(app).add("handoff")) {
          // Named in the file, and impossible here (another OS, or not Node): said once.
          host.note(
              app,
              "balancer 'handoff' passes connections to Node workers over Node's IPC channel,"
                  + " which these workers do not have: pmfx balances their requests instead");
        }
        if (loops == null) {
          loops = new Loops();
        }
        Optional<PortKeepers.Kept> kept =
            keepers == null ? Optional.empty() : keepers.take(app, port);
        if (kept.isPresent()) {
          Loops on = loops;
          balancer = taken(kept.get(), () -> Balancer.on(on, kept.get().fd(), options(w.spec)));
        } else {
          Balancer opened = Balancer.open(loops, port, options(w.spec));
          balancer = opened;
          keep(opened, opened.descriptor(), app, port);
        }
      }
      balancers.put(app, balancer);
      notes(app).remove("cannot listen");
      return Optional.of(balancer);
    } catch (IOException e) {
      if (notes(app).add("cannot listen")) {
        host.note(app, "the balancer " + e.getMessage());
        // Online but unreachable would be a lie: the app's workers stop and end errored, as a
        // server that cannot listen does.
        host.cannotServe(app, "the balancer " + e.getMessage());
      }
      return Optional.empty();
    }
  }

  /** Whether the worker's app hands connections to it whole ({@code balancer: 'handoff'}). */
  private static boolean handsOff(Worker w) {
    return w.spec.balancerMode() == BalancerMode.HANDOFF && w.channel instanceof NodeChannel;
  }

  private static Balancer.Options options(AppSpec spec) {
    Balancer.Options options =
        new Balancer.Options(
            Balancer.Mode.HTTP, Balancer.Strategy.ROUND_ROBIN, spec.queueTimeout());
    return options
        .with(spec.balancerMode() == BalancerMode.TCP ? Balancer.Mode.TCP : Balancer.Mode.HTTP)
        .with(
            switch (spec.balancerStrategy()) {
              case LEAST_CONNECTIONS -> Balancer.Strategy.LEAST_CONNECTIONS;
              case STICKY -> Balancer.Strategy.STICKY;
              case ROUND_ROBIN -> Balancer.Strategy.ROUND_ROBIN;
            });
  }

  /** The app's own PORT, from env or env_<name>: the public port of a cluster app. */
  private static int configuredPort(Worker w) {
    String value = w.spec.environment(w.envName).get("PORT");
    try {
      return value == null ? 0 : Integer.parseInt(value.strip());
    } catch (NumberFormatException notAPort) {
      return 0;
    }
  }

  /** Where a cluster worker listens: its Unix socket (Node) or its loopback port. */
  static SocketAddress address(Worker w) {
    return w.privateSocket != null
        ? UnixDomainSocketAddress.of(w.privateSocket)
        : new InetSocketAddress(InetAddress.getLoopbackAddress(), w.privatePort);
  }
}
