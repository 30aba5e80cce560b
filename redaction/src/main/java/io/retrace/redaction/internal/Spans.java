package io.retrace.redaction.internal;

import java.util.Arrays;

/**
 * Detector matches in one text: start/end offsets and the detector kind, in growable int arrays so
 * that scanning allocates nothing when nothing is found; also the scratch the scan parses numbers
 * in. {@link #forThread()} gives the one each thread reuses for every text it scans.
 */
public final class Spans {
  // A redaction never runs inside another on the same thread, and one text's matches are used up
  // before the next text is scanned: one instance per thread serves every scope and redactor.
  private static final ThreadLocal<Spans> FOR_THREAD = ThreadLocal.withInitial(Spans::new);

  /** The digits of a number being parsed, and the lengths of its digit groups. */
  final char[] digits = new char[24];

  final int[] groups = new int[8];

  private int[] start = new int[4];
  private int[] end = new int[4];
  private int[] kind = new int[4];
  private int size;

  /** This thread's instance, cleared. */
  static Spans forThread() {
    Spans s = FOR_THREAD.get();
    s.clear();
    return s;
  }

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  public int start(int i) {
    return start[i];
  }

  public int end(int i) {
    return end[i];
  }

  public DetectorKind kind(int i) {
    return DetectorKind.all()[kind[i]];
  }

  public void add(int from, int to, DetectorKind k) {
    if (to <= from) {
      return;
    }
    if (size == start.length) {
      start = Arrays.copyOf(start, size * 2);
      end = Arrays.copyOf(end, size * 2);
      kind = Arrays.copyOf(kind, size * 2);
    }
    start[size] = from;
    end[size] = to;
    kind[size] = k.ordinal();
    size++;
  }

  /**
   * Sorts by start and merges overlapping spans, keeping the kind that comes first in {@link
   * DetectorKind}: every matched character stays covered.
   */
  public void normalize() {
    if (size < 2) {
      return;
    }
    // Insertion sort: a text rarely has more than a handful of matches.
    for (int i = 1; i < size; i++) {
      int s = start[i];
      int e = end[i];
      int k = kind[i];
      int j = i - 1;
      while (j >= 0 && start[j] > s) {
        start[j + 1] = start[j];
        end[j + 1] = end[j];
        kind[j + 1] = kind[j];
        j--;
      }
      start[j + 1] = s;
      end[j + 1] = e;
      kind[j + 1] = k;
    }
    int w = 0;
    for (int i = 1; i < size; i++) {
      if (start[i] < end[w]) {
        end[w] = Math.max(end[w], end[i]);
        kind[w] = Math.min(kind[w], kind[i]);
      } else {
        w++;
        start[w] = start[i];
        end[w] = end[i];
        kind[w] = kind[i];
      }
    }
    size = w + 1;
  }
}
