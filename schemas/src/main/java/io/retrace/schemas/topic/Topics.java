package io.retrace.schemas.topic;

import io.retrace.schemas.event.AuditEvent;
import io.retrace.schemas.event.CaptureCommand;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.SessionSummary;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** The topics of DESIGN.md, each declared once with its serdes and creation settings. */
public final class Topics {
  /** Prefix of the raw per-recording topics that agents write to. */
  public static final String RECORDING_PREFIX = "retrace.rec.";

  /** Matches every raw recording topic; the ingest app subscribes with it. */
  public static final Pattern RECORDING_PATTERN = Pattern.compile("retrace\\.rec\\..+");

  /** Raw recording topics are short-lived: the archive is the long-term copy. */
  public static final Duration RECORDING_RETENTION = Duration.ofHours(24);

  public static final Topic<String, CaptureCommand> CONTROL =
      Topic.avro("retrace.control", CaptureCommand.class, TopicSpec.compacted(1));

  public static final Topic<String, RecordedEvent> EVENTS =
      Topic.avro(
          "retrace.events", RecordedEvent.class, TopicSpec.deleteAfter(6, Duration.ofDays(7)));

  public static final Topic<String, SessionSummary> SESSIONS =
      Topic.avro("retrace.sessions", SessionSummary.class, TopicSpec.compacted(6));

  public static final Topic<String, RecordingInfo> RECORDINGS =
      Topic.avro("retrace.recordings", RecordingInfo.class, TopicSpec.compacted(1));

  public static final Topic<String, AuditEvent> AUDIT =
      Topic.avro("retrace.audit", AuditEvent.class, TopicSpec.deleteAfter(1, Duration.ofDays(400)));

  public static final Topic<byte[], byte[]> DLQ =
      Topic.bytes("retrace.dlq", TopicSpec.deleteAfter(1, Duration.ofDays(7)));

  /** Storage of the embedded schema registry. */
  public static final Topic<String, String> SCHEMAS =
      Topic.strings("_retrace_schemas", TopicSpec.compacted(1));

  /** Topics that exist for the life of a deployment; {@code retrace up} creates them. */
  public static final List<Topic<?, ?>> FIXED =
      List.of(CONTROL, EVENTS, SESSIONS, RECORDINGS, AUDIT, DLQ, SCHEMAS);

  private Topics() {}

  /** The raw topic of one recording, keyed by session id. */
  public static Topic<String, RecordedEvent> recording(String recordingId, int partitions) {
    return Topic.avro(
        RECORDING_PREFIX + RecordingIds.requireValid(recordingId),
        RecordedEvent.class,
        TopicSpec.deleteAfter(partitions, RECORDING_RETENTION));
  }

  /** The recording id of a raw recording topic, or null when the topic is not one. */
  public static String recordingIdOf(String topic) {
    return topic.startsWith(RECORDING_PREFIX) ? topic.substring(RECORDING_PREFIX.length()) : null;
  }
}
