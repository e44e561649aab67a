package dev.pmfx.supervisor;

import dev.pmfx.supervisor.MachineEvent.Adopted;
import dev.pmfx.supervisor.MachineEvent.Drained;
import dev.pmfx.supervisor.MachineEvent.Exited;
import dev.pmfx.supervisor.MachineEvent.Healthy;
import dev.pmfx.supervisor.MachineEvent.KillTimeout;
import dev.pmfx.supervisor.MachineEvent.ListenTimeout;
import dev.pmfx.supervisor.MachineEvent.Listening;
import dev.pmfx.supervisor.MachineEvent.OverMemory;
import dev.pmfx.supervisor.MachineEvent.Probed;
import dev.pmfx.supervisor.MachineEvent.Ready;
import dev.pmfx.supervisor.MachineEvent.ReplacementFailed;
import dev.pmfx.supervisor.MachineEvent.ResetCounters;
import dev.pmfx.supervisor.MachineEvent.Restart;
import dev.pmfx.supervisor.MachineEvent.RestartDelayElapsed;
import dev.pmfx.supervisor.MachineEvent.SpawnFailed;
import dev.pmfx.supervisor.MachineEvent.SpawnRefused;
import dev.pmfx.supervisor.MachineEvent.Spawned;
import dev.pmfx.supervisor.MachineEvent.Start;
import dev.pmfx.supervisor.MachineEvent.Stop;
import dev.pmfx.supervisor.MachineEvent.Unhealthy;
import java.util.ArrayList;
import java.util.List;

/**
 * Every transition of a worker, in the manner of s6-supervise's {@code actions[state][event]}: the
 * phases an event is accepted in and the phases it may lead to. {@link WorkerMachine} rejects an
 * event no row accepts and a result no row allows; {@link #diagram} draws it.
 */
final class MachineTable {

  private MachineTable() {}

  /** One transition: {@code on} in {@code from} leads to {@code to} when {@code when} holds. */
  record Row(Phase from, Class<? extends MachineEvent> on, Phase to, String when) {
    /** Accepted, and nothing changes: a message that means nothing in this phase. */
    boolean ignored() {
      return from == to && when.isEmpty();
    }
  }

  /** Why a worker's counters changed in its phase: no move, so not drawn. */
  static final String RECOUNT = "its restarts count from 0 again";

  /** Every transition of a worker. */
  static final List<Row> TABLE = table();

  private static List<Row> table() {
    List<Row> rows = new ArrayList<>();
    for (Phase rest : List.of(Phase.STOPPED, Phase.ERRORED)) {
      rows.add(new Row(rest, Start.class, Phase.LAUNCHING, "asked to start"));
      rows.add(new Row(rest, Restart.class, Phase.LAUNCHING, "asked to restart"));
      rows.add(new Row(rest, Stop.class, rest, "stays, leaves its app, or cannot serve"));
    }
    rows.add(new Row(Phase.STOPPED, Stop.class, Phase.ERRORED, "its app cannot serve"));
    rows.add(new Row(Phase.LAUNCHING, Spawned.class, Phase.STARTING, "to say ready or listen"));
    rows.add(new Row(Phase.LAUNCHING, Spawned.class, Phase.TRIAL, "on trial"));
    rows.add(new Row(Phase.LAUNCHING, Spawned.class, Phase.ONLINE, "nothing to wait for"));
    rows.add(new Row(Phase.LAUNCHING, Adopted.class, Phase.ONLINE, "a daemon before it ran it"));
    rows.add(new Row(Phase.LAUNCHING, SpawnFailed.class, Phase.ERRORED, "could not start"));
    rows.add(new Row(Phase.LAUNCHING, SpawnRefused.class, Phase.STOPPED, "pmfx is closing"));
    for (Phase waiting : List.of(Phase.STARTING, Phase.TRIAL, Phase.TRIAL_PROBE)) {
      rows.add(new Row(waiting, Ready.class, Phase.ONLINE, "it said ready"));
      rows.add(new Row(waiting, Ready.class, waiting, "")); // wait_ready: health
      rows.add(new Row(waiting, Listening.class, Phase.ONLINE, "it listens (no wait_ready)"));
      rows.add(new Row(waiting, Listening.class, waiting, ""));
      if (waiting != Phase.TRIAL_PROBE) { // wait_ready: health ends a trial before any probe
        rows.add(
            new Row(waiting, Healthy.class, Phase.ONLINE, "its check passed (wait_ready: health)"));
      }
      rows.add(new Row(waiting, Healthy.class, waiting, ""));
      rows.add(new Row(waiting, Stop.class, Phase.STOP_SIGNAL, "asked to stop"));
      rows.add(new Row(waiting, Restart.class, Phase.STOP_SIGNAL, "asked to restart"));
    }
    rows.add(new Row(Phase.STARTING, ListenTimeout.class, Phase.ONLINE, "online anyway"));
    rows.add(new Row(Phase.TRIAL, ListenTimeout.class, Phase.ONLINE, "online anyway (fork mode)"));
    rows.add(new Row(Phase.TRIAL, ListenTimeout.class, Phase.TRIAL_PROBE, "cluster mode"));
    rows.add(
        new Row(Phase.TRIAL, ListenTimeout.class, Phase.STOP_SIGNAL, "no check passed (health)"));
    rows.add(new Row(Phase.TRIAL, Unhealthy.class, Phase.STOP_SIGNAL, "unhealthy (health)"));
    rows.add(new Row(Phase.TRIAL_PROBE, Probed.class, Phase.ONLINE, "it accepts connections"));
    rows.add(new Row(Phase.TRIAL_PROBE, Probed.class, Phase.STOP_SIGNAL, "it does not"));
    crashRows(rows, Phase.STARTING);
    rows.add(new Row(Phase.TRIAL, Exited.class, Phase.ERRORED, "a failed deploy"));
    rows.add(new Row(Phase.TRIAL_PROBE, Exited.class, Phase.ERRORED, "a failed deploy"));
    rows.add(new Row(Phase.ONLINE, Ready.class, Phase.ONLINE, ""));
    rows.add(new Row(Phase.ONLINE, Listening.class, Phase.ONLINE, "its port may be news"));
    rows.add(new Row(Phase.ONLINE, OverMemory.class, Phase.ONLINE, "over max_memory_restart"));
    rows.add(new Row(Phase.ONLINE, Unhealthy.class, Phase.ONLINE, "failed its health check"));
    rows.add(new Row(Phase.ONLINE, ReplacementFailed.class, Phase.ONLINE, "the next sample acts"));
    rows.add(new Row(Phase.ONLINE, Stop.class, Phase.STOP_DRAIN, "in a balancer's rotation"));
    rows.add(new Row(Phase.ONLINE, Stop.class, Phase.STOP_SIGNAL, "not in a rotation"));
    rows.add(new Row(Phase.ONLINE, Restart.class, Phase.STOP_DRAIN, "in a balancer's rotation"));
    rows.add(new Row(Phase.ONLINE, Restart.class, Phase.STOP_SIGNAL, "not in a rotation"));
    crashRows(rows, Phase.ONLINE);
    rows.add(new Row(Phase.STOP_DRAIN, Drained.class, Phase.STOP_SIGNAL, "drained or timed out"));
    rows.add(
        new Row(Phase.STOP_SIGNAL, KillTimeout.class, Phase.STOP_KILL, "kill_timeout ran out"));
    for (Phase stopping : List.of(Phase.STOP_DRAIN, Phase.STOP_SIGNAL, Phase.STOP_KILL)) {
      rows.add(new Row(stopping, Stop.class, stopping, "what the stop is for changes"));
      rows.add(new Row(stopping, Restart.class, stopping, "it starts again once stopped"));
      rows.add(new Row(stopping, Exited.class, Phase.STOPPED, "stopped, or to be removed"));
      rows.add(new Row(stopping, Exited.class, Phase.ERRORED, "its app cannot serve"));
      rows.add(new Row(stopping, Exited.class, Phase.LAUNCHING, "a restart was asked"));
    }
    rows.add(new Row(Phase.AUTO_RESTART, RestartDelayElapsed.class, Phase.LAUNCHING, "restart"));
    rows.add(new Row(Phase.AUTO_RESTART, Stop.class, Phase.STOPPED, "before its restart"));
    rows.add(new Row(Phase.AUTO_RESTART, Stop.class, Phase.ERRORED, "its app cannot serve"));
    rows.add(new Row(Phase.AUTO_RESTART, Restart.class, Phase.LAUNCHING, "restart at once"));
    for (Phase any : Phase.values()) {
      rows.add(new Row(any, ResetCounters.class, any, RECOUNT));
    }
    // Messages that may arrive in any phase after the one they mean something in.
    for (Phase any : Phase.values()) {
      for (Class<? extends MachineEvent> late :
          List.of(
              Ready.class,
              OverMemory.class,
              ReplacementFailed.class,
              Listening.class,
              Healthy.class,
              Unhealthy.class)) {
        boolean aboutItsProcess =
            late == Ready.class
                || late == Listening.class
                || late == Healthy.class
                || late == Unhealthy.class;
        if (!(any == Phase.LAUNCHING && aboutItsProcess)
            && rows.stream().noneMatch(r -> r.from() == any && r.on() == late)) {
          rows.add(new Row(any, late, any, ""));
        }
      }
    }
    return List.copyOf(rows);
  }

  private static void crashRows(List<Row> rows, Phase running) {
    rows.add(new Row(running, Exited.class, Phase.AUTO_RESTART, "the restart policy restarts it"));
    rows.add(new Row(running, Exited.class, Phase.STOPPED, "autorestart off, or a stop exit code"));
    rows.add(new Row(running, Exited.class, Phase.ERRORED, "max_restarts unstable exits"));
  }

  /**
   * {@link #TABLE} as a Mermaid state diagram: the one in docs/architecture.md, which a test keeps
   * equal to it. Rows that change nothing are left out.
   */
  static String diagram() {
    StringBuilder out = new StringBuilder("stateDiagram-v2\n    [*] --> STOPPED\n");
    for (Row row : TABLE) {
      if (!row.ignored() && !row.when().equals(RECOUNT)) {
        out.append("    ")
            .append(row.from())
            .append(" --> ")
            .append(row.to())
            .append(" : ")
            .append(row.on().getSimpleName())
            .append(", ")
            .append(row.when())
            .append('\n');
      }
    }
    return out.toString();
  }
}
