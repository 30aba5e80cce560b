package io.retrace.ingest.internal;

import io.retrace.schemas.event.SessionSummary;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;

/**
 * The open session windows of one key ({@code recordingId|sessionId}), ordered by end then start
 * like Kafka Streams' session stores: usually one, more when the session went quiet for longer than
 * the gap and resumed. What {@link SessionWindowProcessor} keeps per key.
 */
public final class SessionWindows {
  /**
   * One window and its summary. {@code changed} and the source of its last event (for the record
   * context of the emitted update) live only until the window is next emitted; they are not stored.
   */
  public static final class Window {
    long start;
    long end;
    SessionSummary summary;
    boolean changed;
    String topic;
    int partition;
    long offset;
    Headers headers;

    Window(long start, long end, SessionSummary summary) {
      this.start = start;
      this.end = end;
      this.summary = summary;
    }
  }

  final List<Window> windows;

  SessionWindows(List<Window> windows) {
    this.windows = windows;
  }

  static SessionWindows empty() {
    return new SessionWindows(new ArrayList<>(1));
  }

  /** Keeps the order of a session store: by end, then by start. */
  void insert(Window w) {
    int i = 0;
    while (i < windows.size()
        && (windows.get(i).end < w.end
            || (windows.get(i).end == w.end && windows.get(i).start < w.start))) {
      i++;
    }
    windows.add(i, w);
  }

  /** The latest end of any window (they are kept in order of end), or {@code Long.MIN_VALUE}. */
  long lastEnd() {
    return windows.isEmpty() ? Long.MIN_VALUE : windows.get(windows.size() - 1).end;
  }
}
