package dev.pmfx.supervisor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pmfx.posix.StopSequence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Starts a worker's process from its launch plan, with the channel it talks to pmfx over, and ends
 * it. The one in pmfx uses {@code posix_spawn} (Java's ProcessBuilder where that is missing) and
 * the {@link StopSequence}; tests use one that starts nothing.
 */
interface ProcessLauncher {

  /** A started process and the channel pmfx has to it. */
  record Started(Process process, WorkerChannel channel) {}

  /**
   * @param onMessage a line or message the worker sent ({@code ready}, {@code listening PORT})
   * @param onReport a Node worker's shim's report on the connections pmfx handed it, and its
   *     {@code @pm2/io}'s reports
   */
  Started start(Worker w, Launch plan, Consumer<String> onMessage, Consumer<JsonNode> onReport)
      throws IOException;

  /** The process and its descendants now, which a stop ends together; empty once it is gone. */
  List<ProcessHandle> tree(Process process);

  /**
   * The stop signal: to the process's group and {@code tree} with {@code wholeTree}, else to it.
   */
  void signal(Process process, List<ProcessHandle> tree, String signal, boolean wholeTree);

  /** SIGKILL to the process's group, {@code recorded} and its tree now. */
  void kill(Process process, List<ProcessHandle> recorded);

  /** After the process exited: SIGKILL to what it started, as {@code recorded}. */
  void killLeftovers(Process process, List<ProcessHandle> recorded);

  /**
   * posix_spawn where there is one: Node workers get Node's own channel, others PMFX_IPC. With
   * {@code outlive} (a daemon's), each worker keeps pmfx's ends of its pipes and channel ({@link
   * HeldEnds}), so that it runs on, and writes on, when the daemon dies.
   */
  static ProcessLauncher spawning(Path ipcDir, boolean outlive) {
    return new ProcessLauncher() {
      @Override
      public Started start(
          Worker w, Launch plan, Consumer<String> onMessage, Consumer<JsonNode> onReport)
          throws IOException {
        if (!SpawnedProcess.available()) {
          IpcSocket socket = socket(w, onMessage, onReport);
          try {
            return new Started(
                JavaLaunch.start(plan.withChannel(Optional.of(socket.path()))), socket);
          } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
          }
        }
        // Node workers get Node's own IPC channel, as child_process.fork gives it; others a
        // private socket named in PMFX_IPC.
        NodeChannel node = plan.node() ? NodeChannel.open() : null;
        IpcSocket socket = node == null ? socket(w, onMessage, onReport) : null;
        WorkerChannel channel = node != null ? node : socket;
        try {
          Launch launch = plan.withChannel(Optional.ofNullable(socket).map(IpcSocket::path));
          Process process =
              SpawnedProcess.start(
                  launch.command(),
                  launch.cwd(),
                  launch.environment(),
                  node != null ? node.childEnd() : -1,
                  outlive,
                  node != null ? node.ownEnd() : -1);
          if (node != null) {
            node.started(onMessage, onReport);
          }
          return new Started(process, channel);
        } catch (IOException | RuntimeException e) {
          channel.close();
          throw e;
        }
      }

      private IpcSocket socket(Worker w, Consumer<String> onMessage, Consumer<JsonNode> onReport)
          throws IOException {
        return IpcSocket.open(
            ipcDir.resolve("w" + w.key + "-" + UUID.randomUUID() + ".sock"), onMessage, onReport);
      }

      /** Whether each worker leads a process group of its own, which a group signal reaches. */
      private boolean groupLeaders() {
        return SpawnedProcess.available() || JavaLaunch.SETSID != null;
      }

      @Override
      public List<ProcessHandle> tree(Process process) {
        return process.isAlive() ? StopSequence.tree(process.toHandle()) : List.of();
      }

      @Override
      public void signal(
          Process process, List<ProcessHandle> tree, String signal, boolean wholeTree) {
        StopSequence.signal(process.toHandle(), tree, signal, wholeTree, groupLeaders());
      }

      @Override
      public void kill(Process process, List<ProcessHandle> recorded) {
        StopSequence.kill(process.toHandle(), recorded, groupLeaders());
      }

      @Override
      public void killLeftovers(Process process, List<ProcessHandle> recorded) {
        StopSequence.killLeftovers(process.pid(), recorded, groupLeaders());
      }
    };
  }
}
