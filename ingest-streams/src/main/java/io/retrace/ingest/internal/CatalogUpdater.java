package io.retrace.ingest.internal;

import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.RecordingStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/**
 * The recording catalog as pure functions. Ingest sees events, not people, so it owns only the
 * observed fields of a {@link RecordingInfo} (first/last event time, services, event and session
 * counts, ACTIVE/ENDED); who asked, why, the ticket, scope, window, retention and legal hold come
 * from whoever else writes {@code retrace.recordings} (a capture command) and are never
 * overwritten.
 *
 * <p>Observations travel as deltas: a {@code RecordingInfo} whose counts are increments and whose
 * status is ENDED only when a RECORDING_STOP marker was seen.
 */
public final class CatalogUpdater {
  private CatalogUpdater() {}

  /** The delta of one event. */
  public static RecordingInfo delta(RecordedEvent event) {
    boolean stop =
        event.getPayload() instanceof Marker marker
            && marker.getType() == MarkerType.RECORDING_STOP;
    Instant time = event.getWallTimeMicros();
    // Field by field rather than with a builder: this runs for every event.
    return new RecordingInfo(
        event.getRecordingId(),
        null,
        null,
        null,
        null,
        null,
        null,
        stop ? RecordingStatus.ENDED : RecordingStatus.ACTIVE,
        List.of(event.getOrigin().getService()),
        time,
        time,
        1L,
        0L,
        null,
        false,
        time);
  }

  /** The delta of a session seen for the first time. */
  public static RecordingInfo sessionStarted(String recordingId, Instant time) {
    return RecordingInfo.newBuilder()
        .setRecordingId(recordingId)
        .setStatus(RecordingStatus.ACTIVE)
        .setSessionCount(1)
        .setUpdatedMicros(time)
        .build();
  }

  /** Two deltas of one recording as one; {@code a} may be null. */
  public static RecordingInfo combine(RecordingInfo a, RecordingInfo b) {
    return a == null ? b : addTo(RecordingInfo.newBuilder(a).build(), b);
  }

  /**
   * {@link #combine} without the copy: adds {@code delta} to {@code into}, which the caller owns,
   * and returns it.
   */
  public static RecordingInfo addTo(RecordingInfo into, RecordingInfo delta) {
    addObservations(into, delta);
    if (delta.getStatus() == RecordingStatus.ENDED) {
      into.setStatus(RecordingStatus.ENDED);
    }
    return into;
  }

  /**
   * The catalog entry after a delta. A new entry is ACTIVE; a REQUESTED one becomes ACTIVE; an
   * ENDED or DELETED one keeps its status (late events update counts, they do not reopen it); a
   * RECORDING_STOP marker ends it.
   *
   * @param current the entry so far, or null
   */
  public static RecordingInfo apply(RecordingInfo current, RecordingInfo delta, Instant now) {
    RecordingInfo next;
    if (current == null) {
      next = RecordingInfo.newBuilder(delta).build();
      next.setStatus(RecordingStatus.ACTIVE);
    } else {
      next = RecordingInfo.newBuilder(current).build();
      addObservations(next, delta);
      if (next.getStatus() == RecordingStatus.REQUESTED
          || next.getStatus() == RecordingStatus.UNKNOWN) {
        next.setStatus(RecordingStatus.ACTIVE);
      }
    }
    if (delta.getStatus() == RecordingStatus.ENDED && next.getStatus() != RecordingStatus.DELETED) {
      next.setStatus(RecordingStatus.ENDED);
    }
    next.setUpdatedMicros(now);
    return next;
  }

  /**
   * The entry after a record of {@code retrace.recordings} written by someone else (or by this app,
   * which then changes nothing): the requester's fields are taken from it, the observations kept;
   * DELETED is taken too.
   *
   * @param current the entry so far, or null
   */
  public static RecordingInfo applyExternal(RecordingInfo current, RecordingInfo external) {
    if (current == null) {
      return RecordingInfo.newBuilder(external).build();
    }
    RecordingInfo next = RecordingInfo.newBuilder(current).build();
    next.setRequestedBy(firstNonNull(external.getRequestedBy(), current.getRequestedBy()));
    next.setReason(firstNonNull(external.getReason(), current.getReason()));
    next.setTicket(firstNonNull(external.getTicket(), current.getTicket()));
    next.setScope(firstNonNull(external.getScope(), current.getScope()));
    next.setWindowStartMicros(
        firstNonNull(external.getWindowStartMicros(), current.getWindowStartMicros()));
    next.setWindowEndMicros(
        firstNonNull(external.getWindowEndMicros(), current.getWindowEndMicros()));
    next.setRetentionDays(firstNonNull(external.getRetentionDays(), current.getRetentionDays()));
    next.setLegalHold(external.getLegalHold());
    if (external.getStatus() == RecordingStatus.DELETED) {
      next.setStatus(RecordingStatus.DELETED);
    }
    return next;
  }

  /** ENDED when the entry is ACTIVE and has not been updated for {@code idle}, else null. */
  public static RecordingInfo endIfIdle(RecordingInfo current, Instant now, Duration idle) {
    if (current.getStatus() != RecordingStatus.ACTIVE
        || current.getUpdatedMicros().plus(idle).isAfter(now)) {
      return null;
    }
    RecordingInfo ended = RecordingInfo.newBuilder(current).build();
    ended.setStatus(RecordingStatus.ENDED);
    ended.setUpdatedMicros(now);
    return ended;
  }

  /** Whether two entries say the same, ignoring when they were updated. */
  public static boolean sameContent(RecordingInfo a, RecordingInfo b) {
    if (a == null || b == null) {
      return a == b;
    }
    RecordingInfo x = RecordingInfo.newBuilder(a).setUpdatedMicros(Instant.EPOCH).build();
    RecordingInfo y = RecordingInfo.newBuilder(b).setUpdatedMicros(Instant.EPOCH).build();
    return x.equals(y);
  }

  private static void addObservations(RecordingInfo into, RecordingInfo delta) {
    into.setEventCount(into.getEventCount() + delta.getEventCount());
    into.setSessionCount(into.getSessionCount() + delta.getSessionCount());
    into.setFirstEventMicros(min(into.getFirstEventMicros(), delta.getFirstEventMicros()));
    into.setLastEventMicros(max(into.getLastEventMicros(), delta.getLastEventMicros()));
    if (!into.getServices().containsAll(delta.getServices())) {
      TreeSet<String> services = new TreeSet<>(into.getServices());
      services.addAll(delta.getServices());
      into.setServices(List.copyOf(services));
    }
  }

  private static Instant min(Instant a, Instant b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return a.isAfter(b) ? a : b;
  }

  private static <T> T firstNonNull(T a, T b) {
    return a != null ? a : b;
  }
}
