package dev.pmfx.metrics;

/**
 * The last values of one figure over time, oldest first, in a ring of fixed size: adding to a full
 * one drops the oldest, so a series never grows, however long pmfx runs.
 */
public final class Series {

  private final long[] times;
  private final double[] values;
  private int first;
  private int size;

  public Series(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a series holds at least one point, not " + capacity);
    }
    times = new long[capacity];
    values = new double[capacity];
  }

  /** Adds a value at {@code epochMillis}, which must not be before the last one's. */
  public void add(long epochMillis, double value) {
    int at = (first + size) % times.length;
    if (size == times.length) {
      first = (first + 1) % times.length;
    } else {
      size++;
    }
    times[at] = epochMillis;
    values[at] = value;
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return times.length;
  }

  /** The time of the {@code i}-th point, 0 the oldest. */
  public long time(int i) {
    return times[index(i)];
  }

  public double value(int i) {
    return values[index(i)];
  }

  /** The newest value, or NaN when there is none. */
  public double last() {
    return size == 0 ? Double.NaN : value(size - 1);
  }

  /** The largest value, or 0 when there is none. */
  public double max() {
    return max(Long.MIN_VALUE);
  }

  /** The largest value from {@code epochMillis} on, or 0 when there is none. */
  public double max(long epochMillis) {
    double max = 0;
    for (int i = size - 1; i >= 0 && time(i) >= epochMillis; i--) {
      max = Math.max(max, value(i));
    }
    return max;
  }

  private int index(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i + " of " + size);
    }
    return (first + i) % times.length;
  }
}
