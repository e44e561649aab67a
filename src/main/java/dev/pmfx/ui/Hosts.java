package dev.pmfx.ui;

import dev.pmfx.daemon.HostEngine;
import dev.pmfx.daemon.SshHost;
import dev.pmfx.engine.Engine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The hosts the window shows beside this machine (the Hosts list): each an SSH destination whose
 * daemon is reached as {@code pmfx --host} reaches it, kept reached by a {@link HostEngine}, its
 * events applied to the table as this machine's are, under its name. Remembered between starts.
 */
final class Hosts {

  /** How this machine is named among the hosts: no name. */
  static final String LOCAL = "";

  /** How the window names this machine where hosts are listed. */
  static final String LOCAL_LABEL = "this machine";

  /** How the window names a host: its destination, or {@link #LOCAL_LABEL} for this machine. */
  static String label(String host) {
    return host.equals(LOCAL) ? LOCAL_LABEL : host;
  }

  /** How the charts' history keeps an app: its name here, {@code name@host} on another host. */
  static String historyKey(String host, String app) {
    return host.equals(LOCAL) ? app : app + "@" + host;
  }

  /** What a message says of something of a host's: {@code api-0}, or {@code web1: api-0}. */
  static String on(String host, String what) {
    return host.equals(LOCAL) ? what : host + ": " + what;
  }

  /** One host of the list: its destination, its engine and where its connection is. */
  static final class HostItem {
    private final GuiState.HostEntry entry;
    private final ObjectProperty<HostEngine.State> state = new SimpleObjectProperty<>();
    private HostEngine engine;
    private EngineBridge bridge;

    HostItem(GuiState.HostEntry entry) {
      this.entry = entry;
    }

    String name() {
      return entry.destination();
    }

    GuiState.HostEntry entry() {
      return entry;
    }

    /** Null until the first attempt to reach it ended. */
    ObjectProperty<HostEngine.State> stateProperty() {
      return state;
    }

    boolean online() {
      return state.get() != null && state.get().online();
    }

    /** Tries to reach it again now. */
    void reconnect() {
      engine.reconnect();
    }

    private boolean connecting() {
      return state.get() == null || state.get().kind() == HostEngine.State.Kind.CONNECTING;
    }

    /** Where its connection is, as its heading's badge says it. */
    String badge() {
      return connecting() ? "connecting…" : online() ? "reached" : "unreachable";
    }

    /** How the Hosts list describes it: its name, and where its connection is. */
    String describe() {
      if (connecting()) {
        return name() + ": connecting…";
      }
      HostEngine.State now = state.get();
      return name()
          + (now.online() ? ": online" : ": unreachable")
          + (now.detail().isEmpty() ? "" : " (" + now.detail() + ")");
    }
  }

  private final ObservableList<HostItem> hosts = FXCollections.observableArrayList();
  private final Function<GuiState.HostEntry, SshHost> ssh;
  private final Background background;
  private final TableProjection table;
  private final WindowStatus status;
  private final Runnable revised;
  private Duration sampling = Duration.ofSeconds(1);

  /**
   * @param ssh how a host of the list is reached: {@code PMFX_SSH} and {@code PMFX_REMOTE_PMFX}
   *     over the entry's own remote command, in the app
   * @param revised called after each batch of a host's events is applied
   */
  Hosts(
      Function<GuiState.HostEntry, SshHost> ssh,
      Background background,
      TableProjection table,
      WindowStatus status,
      Runnable revised) {
    this.ssh = ssh;
    this.background = background;
    this.table = table;
    this.status = status;
    this.revised = revised;
  }

  ObservableList<HostItem> list() {
    return hosts;
  }

  Optional<HostItem> host(String name) {
    return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
  }

  /**
   * Adds a host and begins to reach it; its apps join the table once it answers.
   *
   * @throws IllegalArgumentException saying why the destination is none, or is listed already
   */
  HostItem add(GuiState.HostEntry entry) {
    String name = entry.destination().strip();
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a host is an SSH destination: user@server, or an alias");
    }
    if (host(name).isPresent()) {
      throw new IllegalArgumentException(name + " is listed already");
    }
    SshHost reach = ssh.apply(entry);
    reach.command(false); // refuses what is no destination, with the reason
    HostItem item = new HostItem(entry);
    hosts.add(item);
    item.bridge =
        new EngineBridge(
            background::later,
            batch -> {
              if (hosts.contains(item) && table.apply(item.name(), batch)) {
                table.reachable(item.name(), item.online());
                revised.run();
              }
            });
    item.engine =
        HostEngine.reach(
            reach,
            state ->
                background.later(
                    () -> {
                      if (!hosts.contains(item)) {
                        return;
                      }
                      HostEngine.State was = item.state.get();
                      item.state.set(state);
                      table.reachable(item.name(), state.online());
                      if (!state.online()
                          && (was == null || was.online())
                          && state.kind() == HostEngine.State.Kind.UNREACHABLE) {
                        status.tell(item.name() + " is unreachable: " + state.detail());
                      }
                      revised.run();
                    }));
    item.engine.sampleEvery(sampling);
    item.engine.subscribe(item.bridge);
    return item;
  }

  /** Disconnects from a host and takes its apps out of the table; its daemon runs on. */
  void remove(String name) {
    host(name)
        .ifPresent(
            item -> {
              hosts.remove(item);
              item.bridge.close();
              item.engine.close();
              table.forget(name);
              revised.run();
            });
  }

  /** The engine of a row's host: this machine's, or the host's. */
  Optional<Engine> engine(String host) {
    return host(host).map(item -> (Engine) item.engine);
  }

  List<String> names() {
    return hosts.stream().map(HostItem::name).toList();
  }

  void sampleEvery(Duration interval) {
    sampling = interval;
    hosts.forEach(h -> h.engine.sampleEvery(interval));
  }

  /** Disconnects from every host; their daemons run on. */
  void close() {
    for (HostItem item : List.copyOf(hosts)) {
      item.bridge.close();
      item.engine.close();
    }
  }
}
