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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns what the adapters captured into {@link RecordedEvent}s — envelope, sequence, call nesting,
 * session — and offers them to the buffer. The one place every recorder goes through, so that
 * record and (later) replay share the same notion of a call.
 */
public final class CallRecorder {
  private static final Correlation NO_CORRELATION = new Correlation(null, null, null);

  private final Origin origin;
  private final EventBuffer buffer;
  private final String eventIdPrefix;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private final long baseWallMicros;
  private final long baseNanos;
  private volatile String recordingId;

  public CallRecorder(Origin origin, EventBuffer buffer) {
    this.origin = origin;
    this.buffer = buffer;
    this.eventIdPrefix = origin.getAgentId() + "-";
    // Wall time derived from nanoTime: no clock read per event (and none that recorders would see).
    this.baseWallMicros = System.currentTimeMillis() * 1000;
    this.baseNanos = System.nanoTime();
  }

  /** Starts recording into {@code id}: from now on, advice captures. */
  public synchronized void start(String id) {
    recordingId = id;
    marker(MarkerType.RECORDING_START, 0, null);
    Dispatch.mode = Dispatch.RECORD;
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
    if (recording == null) {
      return;
    }
    Thread thread = Thread.currentThread();
    long seq = sequence.incrementAndGet();
    RecordedEvent event =
        new RecordedEvent(
            eventIdPrefix + seq,
            recording,
            ctx == null ? null : ctx.sessionId,
            ctx == null ? NO_CORRELATION : new Correlation(ctx.traceId, ctx.spanId, ctx.requestId),
            origin,
            new ThreadInfo(thread.getName(), thread.getId(), false),
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
    buffer.offer(event);
  }

  /** A marker event outside any session (recording start/stop). */
  void marker(MarkerType type, long dropped, String reason) {
    record(
        EventKind.MARKER, new Marker(type, dropped, reason), newCall(), 0, null, System.nanoTime());
  }

  /** The gap marker for {@code dropped} events of {@code sessionId} lost to a full buffer. */
  public RecordedEvent gap(String sessionId, long dropped) {
    long seq = sequence.incrementAndGet();
    long nanos = System.nanoTime();
    Thread thread = Thread.currentThread();
    return new RecordedEvent(
        eventIdPrefix + seq,
        recordingId == null ? "unknown" : recordingId,
        sessionId == null || sessionId.isEmpty() ? null : sessionId,
        NO_CORRELATION,
        origin,
        new ThreadInfo(thread.getName(), thread.getId(), false),
        seq,
        newCall(),
        null,
        Instant.ofEpochSecond(0, (baseWallMicros + (nanos - baseNanos) / 1000) * 1000),
        nanos,
        EventKind.MARKER,
        new Marker(MarkerType.GAP, dropped, "capture buffer full"),
        List.of(),
        null,
        Map.of());
  }
}
