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
   * Sequence numbers of one agent only go up within one partition of a raw topic (the agent's
   * producer keeps per-partition order); across partitions they interleave, so the caller keeps
   * {@code lastSequence} per (topic, partition, agent).
   *
   * @param lastSequence the last sequence accepted from the agent there, or null for none
   */
  public static Violation checkSequence(Long lastSequence, long sequence) {
    if (lastSequence != null && sequence <= lastSequence) {
      return new Violation(
          DlqHeaders.SEQUENCE_BACKWARDS,
          "sequence " + sequence + " after " + lastSequence + " from the same agent");
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
