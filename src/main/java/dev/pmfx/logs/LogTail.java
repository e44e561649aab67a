package dev.pmfx.logs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The last lines of a worker, for views: bounded by count and, when given a weigher, by weight (the
 * characters of their text), oldest dropped first. Lines can be a megabyte each ({@link
 * LinePump#MAX_LINE}), so a count alone does not bound the memory a tail holds.
 */
public final class LogTail<T> {

  private final int capacity;
  private final long maxWeight;
  private final ToIntFunction<T> weigher;
  private final ArrayDeque<T> lines;
  private long weight;

  public LogTail(int capacity) {
    this(capacity, Long.MAX_VALUE, line -> 0);
  }

  /**
   * @param maxWeight the most weight kept; the newest line is kept even when it alone weighs more
   */
  public LogTail(int capacity, long maxWeight, ToIntFunction<T> weigher) {
    this.capacity = capacity;
    this.maxWeight = maxWeight;
    this.weigher = weigher;
    this.lines = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  public synchronized void add(T line) {
    if (lines.size() == capacity) {
      weight -= weigher.applyAsInt(lines.removeFirst());
    }
    lines.addLast(line);
    weight += weigher.applyAsInt(line);
    while (weight > maxWeight && lines.size() > 1) {
      weight -= weigher.applyAsInt(lines.removeFirst());
    }
  }

  /** The last {@code count} lines, oldest first. */
  public synchronized List<T> last(int count) {
    List<T> all = new ArrayList<>(lines);
    return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
  }

  public synchronized void clear() {
    lines.clear();
    weight = 0;
  }
}
