package io.retrace.agent.capture;

import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.agent.publish.EventBuffer;
import io.retrace.schemas.event.Correlation;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.Origin;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ThreadInfo;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns what the adapters captured into {@link RecordedEvent}s — envelope, sequence, call nesting,
 * session — and offers them to the buffer. The one place every recorder goes through, so that
 * record and (later) replay share the same notion of a call.
 */
public final class CallRecorder {
  private static final Logger log = Logger.getLogger(CallRecorder.class.getName());

  /**
   * Held apart so that building the agent in premain does not initialise Avro classes (schema
   * parsing loads Avro and Jackson: hundreds of milliseconds on the application's main thread).
   */
  private static final class NoCorrelation {
    static final Correlation INSTANCE = new Correlation(null, null, null);
  }

  private final Supplier<Origin> originFactory;
  private volatile Origin origin;
  private final EventBuffer buffer;
  private final SessionIds sessions;
  private final String eventIdPrefix;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private final long baseWallMicros;
  private final long baseNanos;
  private volatile String recordingId;

  /** A start marker whose sequence and time are taken, to be written by {@link #flushPending}. */
  private PendingMarker pendingStart;

  private record PendingMarker(String recordingId, long sequence, long nanos) {}

  /**
   * A payload built only when its event is: captured data held in plain Java objects until then.
   * Until Avro has been initialised (once the application has started, see {@link #flushPending}),
   * events wait in {@link #pending} with their payload unbuilt, so that a call recorded during the
   * application's start-up (its schema migration's JDBC, say) does not initialise Avro and Jackson
   * — ~600 classes, ~250 ms of CPU — on the application's thread while it starts.
   */
  public interface LazyPayload {
    /** The event's kind; an Avro enum, so asked for only when the event is built. */
    EventKind kind();

    Object build();
  }

  /**
   * An event captured before Avro was initialised: everything but its Avro objects (its kind is
   * null when the payload is a {@link LazyPayload}).
   */
  private record PendingEvent(
      String recordingId,
      long sequence,
      EventKind kind,
      Object payload,
      long callId,
      long parentCall,
      SessionContext ctx,
      String threadName,
      long threadId,
      boolean threadVirtual,
      long nanos) {}

  /** Events waiting for Avro, in capture order; at most {@link #maxPending}. */
  private final List<PendingEvent> pending = new ArrayList<>();

  private final int maxPending;

  /** True once Avro is initialised and {@link #pending} written: events are built as captured. */
  private volatile boolean direct;

  /**
   * @param originFactory builds the events' origin on first use; it touches Avro, whose start-up
   *     cost should land after the application's start-up (see {@link #flushPending}), not on its
   *     threads while it starts
   */
  public CallRecorder(
      String agentId, EventBuffer buffer, SessionIds sessions, Supplier<Origin> originFactory) {
    this(agentId, buffer, sessions, originFactory, Math.max(16, buffer.capacity() / 2));
  }

  /**
   * @param maxPending how many events may wait for Avro's initialisation; the capture that would
   *     exceed it initialises Avro itself and writes them all
   */
  CallRecorder(
      String agentId,
      EventBuffer buffer,
      SessionIds sessions,
      Supplier<Origin> originFactory,
      int maxPending) {
    this.maxPending = maxPending;
    this.buffer = buffer;
    this.sessions = sessions;
    this.originFactory = originFactory;
    this.eventIdPrefix = agentId + "-";
    // Wall time derived from nanoTime: no clock read per event (and none that recorders would see).
    this.baseWallMicros = System.currentTimeMillis() * 1000;
    this.baseNanos = System.nanoTime();
  }

  private Origin origin() {
    Origin o = origin;
    if (o == null) {
      // Not this recorder's lock: captures wait on that one, and this initialises Avro.
      synchronized (originFactory) {
        if (origin == null) {
          origin = originFactory.get();
        }
        o = origin;
      }
    }
    return o;
  }

  /**
   * Starts recording into {@code id}: from now on, advice captures. The start marker takes the next
   * sequence number now but is built by {@link #flushPending} on the publisher thread, so that a
   * recording started in premain does not pay Avro's start-up on the main thread.
   */
  public synchronized void start(String id) {
    recordingId = id;
    pendingStart = new PendingMarker(id, sequence.incrementAndGet(), System.nanoTime());
    Dispatch.mode = Dispatch.RECORD;
    if (direct) {
      flushPending(); // past start-up: Avro is loaded, write the marker now
    }
  }

  /**
   * Initialises Avro, then writes the start marker that {@link #start} reserved and the events
   * captured before, in their order; from then on events are built as they are captured. Called by
   * the publisher thread once its sink is open, or by a capture that finds {@link #pending} full.
   */
  public void flushPending() {
    origin();
    // Under the lock, so that no event captured meanwhile is written before the pending ones.
    synchronized (this) {
      PendingMarker marker = pendingStart;
      pendingStart = null;
      // Written even if the recording has ended meanwhile: its stop marker needs its start.
      if (marker != null) {
        buffer.offer(
            event(
                marker.recordingId(),
                marker.sequence(),
                EventKind.MARKER,
                new Marker(MarkerType.RECORDING_START, 0L, null),
                newCall(),
                0,
                null,
                Thread.currentThread().getName(),
                Thread.currentThread().getId(),
                isVirtual(Thread.currentThread()),
                marker.nanos()));
      }
      for (PendingEvent e : pending) {
        try {
          buffer.offer(
              event(
                  e.recordingId(),
                  e.sequence(),
                  kind(e.kind(), e.payload()),
                  built(e.payload()),
                  e.callId(),
                  e.parentCall(),
                  e.ctx(),
                  e.threadName(),
                  e.threadId(),
                  e.threadVirtual(),
                  e.nanos()));
        } catch (RuntimeException failed) {
          // As a capture that fails on the application's thread: this event is lost, not the rest.
          log.log(
              Level.WARNING, "Retrace: an event captured at start-up could not be built", failed);
        }
      }
      pending.clear();
      direct = true;
    }
  }

  /** Whether a payload is built at once: true once Avro is initialised. */
  public boolean buildsNow() {
    return direct;
  }

  /** How many captured events wait for Avro's initialisation. */
  public synchronized int pendingCount() {
    return pending.size();
  }

  private static EventKind kind(EventKind kind, Object payload) {
    return kind != null ? kind : ((LazyPayload) payload).kind();
  }

  private static Object built(Object payload) {
    return payload instanceof LazyPayload lazy ? lazy.build() : payload;
  }

  /** Stops recording; returns the recording id that was active, or null. */
  public synchronized String stop(String reason) {
    String id = recordingId;
    if (id != null) {
      if (!direct) {
        flushPending(); // the stop marker follows what was captured before it
      }
      Dispatch.mode = Dispatch.OFF;
      marker(MarkerType.RECORDING_STOP, 0, reason);
      recordingId = null;
    }
    return id;
  }

  public String recordingId() {
    return recordingId;
  }

  public long newCall() {
    return calls.incrementAndGet();
  }

  /** Records a finished call of the current thread's session. Never throws. */
  public void record(EventKind kind, Object payload, long callId, long parentCall) {
    SessionContext ctx = SessionContext.current();
    record(kind, payload, callId, parentCall, ctx, System.nanoTime());
  }

  /**
   * Records a finished call whose event is built only once Avro is initialised (at once, past
   * start-up: see {@link #buildsNow}).
   */
  public void record(LazyPayload event, long callId, long parentCall) {
    SessionContext ctx = SessionContext.current();
    record(null, event, callId, parentCall, ctx, System.nanoTime());
  }

  /** As {@link #record(LazyPayload, long, long)}, in a given session (another thread's). */
  void record(LazyPayload event, long callId, long parentCall, SessionContext ctx, long nanos) {
    record(null, event, callId, parentCall, ctx, nanos);
  }

  void record(
      EventKind kind,
      Object payload,
      long callId,
      long parentCall,
      SessionContext ctx,
      long nanos) {
    String recording = recordingId;
    if (recording == null || (ctx == null && !sessions.recordsBackground())) {
      return;
    }
    Thread thread = Thread.currentThread();
    if (!direct && deferred(recording, kind, payload, callId, parentCall, ctx, thread, nanos)) {
      return;
    }
    buffer.offer(
        event(
            recording,
            sequence.incrementAndGet(),
            kind(kind, payload),
            built(payload),
            callId,
            parentCall,
            ctx,
            thread.getName(),
            thread.getId(),
            isVirtual(thread),
            nanos));
  }

  /** Holds an event until Avro is initialised; false once it is, or when too many wait. */
  private boolean deferred(
      String recording,
      EventKind kind,
      Object payload,
      long callId,
      long parentCall,
      SessionContext ctx,
      Thread thread,
      long nanos) {
    synchronized (this) {
      if (direct) {
        return false;
      }
      if (pending.size() < maxPending) {
        pending.add(
            new PendingEvent(
                recording,
                sequence.incrementAndGet(),
                kind,
                payload,
                callId,
                parentCall,
                ctx,
                thread.getName(),
                thread.getId(),
                isVirtual(thread),
                nanos));
        return true;
      }
    }
    flushPending();
    return false;
  }

  private RecordedEvent event(
      String recording,
      long seq,
      EventKind kind,
      Object payload,
      long callId,
      long parentCall,
      SessionContext ctx,
      String threadName,
      long threadId,
      boolean threadVirtual,
      long nanos) {
    return new RecordedEvent(
        new StringBuilder(eventIdPrefix.length() + 20).append(eventIdPrefix).append(seq).toString(),
        recording == null ? "unknown" : recording,
        ctx == null ? null : ctx.sessionId,
        ctx == null ? NoCorrelation.INSTANCE : correlation(ctx),
        origin(),
        new ThreadInfo(threadName, threadId, threadVirtual),
        seq,
        callId,
        parentCall == 0 ? null : parentCall,
        Instant.ofEpochSecond(0, (baseWallMicros + (nanos - baseNanos) / 1000) * 1000),
        nanos,
        kind,
        payload,
        List.of(),
        null,
        Map.of());
  }

  /** {@code Thread.isVirtual()} on Java 21+; on Java 17 no thread is virtual. */
  private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

  private static MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (ReflectiveOperationException beforeJava21) {
      return MethodHandles.dropArguments(
          MethodHandles.constant(boolean.class, false), 0, Thread.class);
    }
  }

  private static boolean isVirtual(Thread thread) {
    try {
      return (boolean) IS_VIRTUAL.invokeExact(thread);
    } catch (Throwable t) {
      return false;
    }
  }

  private static Correlation correlation(SessionContext ctx) {
    Correlation c = ctx.correlation;
    if (c == null) {
      c = new Correlation(ctx.traceId, ctx.spanId, ctx.requestId);
      ctx.correlation = c;
    }
    return c;
  }

  /** A marker event outside any session (recording start/stop). */
  void marker(MarkerType type, long dropped, String reason) {
    buffer.offer(
        event(
            recordingId,
            sequence.incrementAndGet(),
            EventKind.MARKER,
            new Marker(type, dropped, reason),
            newCall(),
            0,
            null,
            Thread.currentThread().getName(),
            Thread.currentThread().getId(),
            isVirtual(Thread.currentThread()),
            System.nanoTime()));
  }

  /** The gap marker for {@code dropped} events of {@code sessionId} lost to a full buffer. */
  public RecordedEvent gap(String sessionId, long dropped) {
    SessionContext session =
        sessionId == null || sessionId.isEmpty()
            ? null
            : new SessionContext(sessionId, null, null, null, 0);
    return event(
        recordingId,
        sequence.incrementAndGet(),
        EventKind.MARKER,
        new Marker(MarkerType.GAP, dropped, "capture buffer full"),
        newCall(),
        0,
        session,
        Thread.currentThread().getName(),
        Thread.currentThread().getId(),
        isVirtual(Thread.currentThread()),
        System.nanoTime());
  }
}
