package io.retrace.ingest.internal;

import io.retrace.ingest.DlqHeaders;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.MethodCall;
import io.retrace.schemas.event.RecordedEvent;

/**
 * The semantic checks an event must pass before it enters {@code retrace.events}: it names its
 * recording (the one of the topic it came from) and its agent, and no duration is negative. The
 * per-agent sequence check needs state and is {@link #checkSequence}.
 */
public final class EventValidator {
  /** Why an event was rejected: a {@link DlqHeaders} reason and a human-readable detail. */
  public record Violation(String reason, String detail) {}

  private EventValidator() {}

  /**
   * @param topicRecordingId the recording id of the raw topic the event came from
   * @return the first violation found, or null when the event is valid
   */
  public static Violation validate(RecordedEvent event, String topicRecordingId) {
    String recordingId = event.getRecordingId();
    if (recordingId == null || recordingId.isBlank()) {
      return new Violation(DlqHeaders.MISSING_RECORDING_ID, "the event has no recording id");
    }
    if (topicRecordingId != null && !topicRecordingId.equals(recordingId)) {
      return new Violation(
          DlqHeaders.RECORDING_MISMATCH,
          "event of recording '"
              + recordingId
              + "' on the topic of recording '"
              + topicRecordingId
              + "'");
    }
    if (event.getOrigin().getAgentId() == null || event.getOrigin().getAgentId().isBlank()) {
      return new Violation(DlqHeaders.MISSING_AGENT_ID, "the event has no agent id");
    }
    long duration = durationNanos(event.getPayload());
    if (duration < 0) {
      return new Violation(
          DlqHeaders.NEGATIVE_DURATION, "durationNanos is " + duration + " (must be >= 0)");
    }
    return null;
  }

  /**
   * How far behind an agent's highest sequence an event may arrive and still be accepted. The
   * agent's threads hand events to its buffer in an order that may differ from their sequence
   * numbers, its start marker takes sequence 1 but is written once its sink is open, and sends that
   * fail are spooled and delivered after later ones; consumers order by sequence. An event further
   * behind than this cannot come from that reordering (it is bounded by the agent's buffer and its
   * producer's in-flight records, far below this), so it means a replayed or corrupted stream.
   */
  public static final long REORDER_WINDOW = 1_000_000;

  /**
   * Whether {@code sequence} arrives too far behind the highest sequence accepted from the same
   * agent in the same raw topic.
   *
   * @param highestSequence the highest sequence accepted from the agent there, or null for none
   */
  public static Violation checkSequence(Long highestSequence, long sequence) {
    if (highestSequence != null && sequence < highestSequence - REORDER_WINDOW) {
      return new Violation(
          DlqHeaders.SEQUENCE_BACKWARDS,
          "sequence "
              + sequence
              + " is more than "
              + REORDER_WINDOW
              + " behind "
              + highestSequence
              + " from the same agent");
    }
    return null;
  }

  private static long durationNanos(Object payload) {
    if (payload instanceof HttpExchange http) {
      return http.getDurationNanos();
    }
    if (payload instanceof JdbcCall jdbc) {
      return jdbc.getDurationNanos();
    }
    if (payload instanceof MethodCall call) {
      return call.getDurationNanos();
    }
    return 0;
  }
}
