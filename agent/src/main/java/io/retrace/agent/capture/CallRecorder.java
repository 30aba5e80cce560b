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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Turns what the adapters captured into {@link RecordedEvent}s — envelope, sequence, call nesting,
 * session — and offers them to the buffer. The one place every recorder goes through, so that
 * record and (later) replay share the same notion of a call.
 */
public final class CallRecorder {
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
   * @param originFactory builds the events' origin on first use; it touches Avro, whose start-up
   *     cost should land on the publisher thread or the first captured call, not on premain
   */
  public CallRecorder(
      String agentId, EventBuffer buffer, SessionIds sessions, Supplier<Origin> originFactory) {
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
      synchronized (this) {
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
    if (origin != null) {
      flushPending(); // past start-up: Avro is loaded, write the marker now
    }
  }

  /** Writes a start marker that {@link #start} reserved; called by the publisher thread. */
  public void flushPending() {
    origin(); // from here on start() writes its marker at once
    PendingMarker pending;
    synchronized (this) {
      pending = pendingStart;
      pendingStart = null;
    }
    // Written even if the recording has ended meanwhile: its stop marker needs its start.
    if (pending != null) {
      buffer.offer(
          event(
              pending.recordingId(),
              pending.sequence(),
              EventKind.MARKER,
              new Marker(MarkerType.RECORDING_START, 0L, null),
              newCall(),
              0,
              null,
              pending.nanos()));
    }
  }

  /** Stops recording; returns the recording id that was active, or null. */
  public synchronized String stop(String reason) {
    String id = recordingId;
    if (id != null) {
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
    buffer.offer(
        event(
            recording, sequence.incrementAndGet(), kind, payload, callId, parentCall, ctx, nanos));
  }

  private RecordedEvent event(
      String recording,
      long seq,
      EventKind kind,
      Object payload,
      long callId,
      long parentCall,
      SessionContext ctx,
      long nanos) {
    Thread thread = Thread.currentThread();
    return new RecordedEvent(
        new StringBuilder(eventIdPrefix.length() + 20).append(eventIdPrefix).append(seq).toString(),
        recording == null ? "unknown" : recording,
        ctx == null ? null : ctx.sessionId,
        ctx == null ? NoCorrelation.INSTANCE : correlation(ctx),
        origin(),
        new ThreadInfo(thread.getName(), thread.getId(), isVirtual(thread)),
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
        System.nanoTime());
  }
}
