package dev.pmfx.logs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last lines of a worker, for views: bounded, oldest dropped first. */
public final class LogTail<T> {

  private final int capacity;
  private final ArrayDeque<T> lines;

  public LogTail(int capacity) {
    this.capacity = capacity;
    this.lines = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  public synchronized void add(T line) {
    if (lines.size() == capacity) {
      lines.removeFirst();
    }
    lines.addLast(line);
  }

  /** The last {@code count} lines, oldest first. */
  public synchronized List<T> last(int count) {
    List<T> all = new ArrayList<>(lines);
    return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
  }

  public synchronized void clear() {
    lines.clear();
  }
}
