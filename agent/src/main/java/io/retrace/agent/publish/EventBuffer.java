package io.retrace.agent.publish;

import io.retrace.schemas.event.RecordedEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bounded hand-off between application threads (many producers) and the agent's publisher
 * thread (one consumer). {@link #offer} never blocks: when the buffer is full the event is dropped
 * and counted against its session, so that the publisher can emit a gap marker saying how many
 * events of which session are missing.
 */
public final class EventBuffer {
  /** Sessions tracked for drop counts; beyond this, drops are counted under {@link #OVERFLOW}. */
  static final int MAX_TRACKED_SESSIONS = 10_000;

  /** Drops of background work (no session) and of sessions past the tracking bound. */
  public static final String OVERFLOW = "";

  private final ArrayBlockingQueue<RecordedEvent> queue;
  private final Map<String, AtomicLong> dropsBySession = new ConcurrentHashMap<>();
  private final LongAdder offered = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  public EventBuffer(int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** Hands an event over, or drops and counts it when full. Never blocks. */
  public boolean offer(RecordedEvent event) {
    offered.increment();
    if (queue.offer(event)) {
      return true;
    }
    dropped.increment();
    String session = event.getSessionId();
    String key =
        session != null
                && (dropsBySession.size() < MAX_TRACKED_SESSIONS
                    || dropsBySession.containsKey(session))
            ? session
            : OVERFLOW;
    dropsBySession.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    return false;
  }

  /** Moves up to {@code max} events into {@code into}, waiting up to {@code waitMillis} for one. */
  public int drain(List<RecordedEvent> into, int max, long waitMillis) throws InterruptedException {
    int n = queue.drainTo(into, max);
    if (n == 0) {
      RecordedEvent first = queue.poll(waitMillis, TimeUnit.MILLISECONDS);
      if (first != null) {
        into.add(first);
        n = 1 + queue.drainTo(into, max - 1);
      }
    }
    return n;
  }

  /** Takes the drop counts accumulated since the last call, per session. */
  public Map<String, Long> takeDrops() {
    Map<String, Long> taken = new java.util.HashMap<>();
    for (String session : dropsBySession.keySet()) {
      AtomicLong counter = dropsBySession.remove(session);
      if (counter != null && counter.get() > 0) {
        taken.merge(session, counter.get(), Long::sum);
      }
    }
    return taken;
  }

  public long offered() {
    return offered.sum();
  }

  public long dropped() {
    return dropped.sum();
  }

  public int size() {
    return queue.size();
  }

  public int capacity() {
    return queue.size() + queue.remainingCapacity();
  }
}
