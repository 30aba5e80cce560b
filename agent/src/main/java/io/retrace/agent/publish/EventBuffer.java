package io.retrace.agent.publish;

import io.retrace.schemas.event.RecordedEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded hand-off between application threads (many producers) and the agent's publisher
 * thread (one consumer). {@link #offer} never blocks: when the buffer is full the event is dropped
 * and counted against its session, so that the publisher can emit a gap marker saying how many
 * events of which session are missing.
 *
 * <p>Lock-free, and producers never wake the consumer: the publisher looks again after a short
 * sleep instead. A blocking queue made every captured call take a lock and, whenever the publisher
 * was waiting, signal it, so the publisher woke once per event and batching was lost.
 */
public final class EventBuffer {
  /** Sessions tracked for drop counts; beyond this, drops are counted under {@link #OVERFLOW}. */
  static final int MAX_TRACKED_SESSIONS = 10_000;

  /** Drops of background work (no session) and of sessions past the tracking bound. */
  public static final String OVERFLOW = "";

  /**
   * Sleep between looks at an empty buffer: short while events flow, longer once idle. Each look
   * costs a wake-up (a futex round trip and a context switch): at 1 ms, a service capturing a few
   * thousand events a second spent a tenth of the publisher's CPU waking up for batches of five. 5
   * ms gathers ~5x larger batches and still holds a burst of 150k events/s in 750 slots.
   */
  private static final long BUSY_PARK_NANOS = 5_000_000;

  private static final long IDLE_PARK_NANOS = 10_000_000;
  private static final int BUSY_PARKS = 10;

  private final ConcurrentLinkedQueue<RecordedEvent> queue = new ConcurrentLinkedQueue<>();

  /** Events offered and not yet drained; bounds the queue, which does not count itself. */
  private final AtomicInteger size = new AtomicInteger();

  private final int capacity;
  private final Map<String, AtomicLong> dropsBySession = new ConcurrentHashMap<>();
  private final LongAdder offered = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  public EventBuffer(int capacity) {
    this.capacity = capacity;
  }

  /** Hands an event over, or drops and counts it when full. Never blocks. */
  public boolean offer(RecordedEvent event) {
    offered.increment();
    for (int n = size.get(); n < capacity; n = size.get()) {
      if (size.compareAndSet(n, n + 1)) {
        queue.offer(event);
        return true;
      }
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
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    for (int parks = 0; ; parks++) {
      int n = 0;
      for (RecordedEvent e; n < max && (e = queue.poll()) != null; n++) {
        into.add(e);
      }
      if (n > 0) {
        size.addAndGet(-n);
        return n;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return 0;
      }
      LockSupport.parkNanos(Math.min(left, parks < BUSY_PARKS ? BUSY_PARK_NANOS : IDLE_PARK_NANOS));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
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
    return size.get();
  }

  public int capacity() {
    return capacity;
  }
}
