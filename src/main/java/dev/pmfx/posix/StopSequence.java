package dev.pmfx.posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How pmfx ends a process and what it started, the one sequence for supervised workers and for
 * workers a dead pmfx left behind: the stop signal, kill_timeout, then SIGKILL to the process group
 * (each worker leads one) and to every descendant, as recorded when the stop began and as found
 * now.
 */
public final class StopSequence {

  private StopSequence() {}

  /** The process and its descendants now; empty when it is gone. */
  public static List<ProcessHandle> tree(ProcessHandle root) {
    if (!root.isAlive()) {
      return List.of();
    }
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    return tree;
  }

  /**
   * The stop signal: with {@code wholeTree}, to the root's process group (when it leads one) and to
   * every process of {@code tree}; else to the root alone.
   */
  public static void signal(
      ProcessHandle root,
      List<ProcessHandle> tree,
      String signal,
      boolean wholeTree,
      boolean groupLeader) {
    if (wholeTree && groupLeader) {
      Signals.sendGroup(root.pid(), signal);
    }
    for (ProcessHandle p : wholeTree ? tree : List.of(root)) {
      Signals.send(p.pid(), signal);
    }
  }

  /** SIGKILL to the root's group and to each process of {@code recorded} and of its tree now. */
  public static void kill(ProcessHandle root, List<ProcessHandle> recorded, boolean groupLeader) {
    if (groupLeader) {
      Signals.sendGroup(root.pid(), "SIGKILL");
    }
    List<ProcessHandle> all = new ArrayList<>(recorded);
    all.addAll(tree(root));
    for (ProcessHandle p : all) {
      if (p.isAlive()) {
        Signals.send(p.pid(), "SIGKILL");
      }
    }
  }

  /** After the root exited: what it started would be orphans, so it ends too. */
  public static void killLeftovers(
      long rootPid, List<ProcessHandle> recorded, boolean groupLeader) {
    if (groupLeader) {
      Signals.sendGroup(rootPid, "SIGKILL");
    }
    for (ProcessHandle p : recorded) {
      if (p.pid() != rootPid && p.isAlive()) {
        Signals.send(p.pid(), "SIGKILL");
      }
    }
  }

  /**
   * The whole sequence for a process nobody supervises, waiting for it on this thread: the signal
   * to it, then, if it still runs after {@code killTimeout}, SIGKILL to its group and what it
   * started. Whether it outlived the timeout.
   */
  public static boolean stop(ProcessHandle process, String signal, Duration killTimeout) {
    List<ProcessHandle> tree = tree(process);
    signal(process, tree, signal, false, false);
    long deadline = System.nanoTime() + killTimeout.toNanos();
    while (running(process) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    boolean outlived = running(process);
    kill(process, tree, true);
    return outlived;
  }

  /**
   * Alive and not a zombie: an orphan's parent died, and until init reaps what exits, {@link
   * ProcessHandle#isAlive} still says yes.
   */
  public static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      int end = stat.lastIndexOf(')');
      return end < 0 || stat.length() < end + 3 || stat.charAt(end + 2) != 'Z';
    } catch (IOException | RuntimeException noProc) {
      return process.isAlive();
    }
  }
}
