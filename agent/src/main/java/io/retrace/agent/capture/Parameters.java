package io.retrace.agent.capture;

import java.util.Arrays;

/**
 * The parameters set on a PreparedStatement since its last execution, by index, in index order. A
 * pair of arrays rather than a {@code TreeMap<Integer, Object>}: statements set a handful of
 * parameters, nearly always in ascending order, and this appends them without boxing the index or
 * allocating an entry per call. Not thread safe (nor is a statement). Bounded by the distinct
 * indexes set, as the driver's own parameter list is.
 */
final class Parameters {
  private static final int[] NO_INDEXES = {};
  private static final Object[] NO_VALUES = {};

  private int[] indexes = NO_INDEXES;
  private Object[] values = NO_VALUES;
  private int size;

  /** Sets parameter {@code index} to {@code value}, replacing what was set before. */
  void put(int index, Object value) {
    int i = size;
    while (i > 0 && indexes[i - 1] > index) {
      i--;
    }
    if (i > 0 && indexes[i - 1] == index) {
      values[i - 1] = value;
      return;
    }
    if (size == indexes.length) {
      int capacity = Math.max(8, size * 2);
      indexes = Arrays.copyOf(indexes, capacity);
      values = Arrays.copyOf(values, capacity);
    }
    System.arraycopy(indexes, i, indexes, i + 1, size - i);
    System.arraycopy(values, i, values, i + 1, size - i);
    indexes[i] = index;
    values[i] = value;
    size++;
  }

  int size() {
    return size;
  }

  /** The {@code i}-th lowest index set. */
  int index(int i) {
    return indexes[i];
  }

  /** The value of the {@code i}-th lowest index set. */
  Object value(int i) {
    return values[i];
  }

  /** Forgets every parameter (after an execution); keeps the arrays for the next one. */
  void clear() {
    Arrays.fill(values, 0, size, null);
    size = 0;
  }
}
