package io.retrace.ingest;

/**
 * The headers every {@code retrace.dlq} record carries: why it was rejected and where it came from.
 * Reasons are {@link io.retrace.schemas.serde.WireFormatException.Reason} names for records that
 * could not be decoded, or one of the semantic reasons below; names are stable.
 */
public final class DlqHeaders {
  public static final String REASON = "retrace.dlq.reason";
  public static final String DETAIL = "retrace.dlq.detail";
  public static final String SOURCE_TOPIC = "retrace.dlq.source.topic";
  public static final String SOURCE_PARTITION = "retrace.dlq.source.partition";
  public static final String SOURCE_OFFSET = "retrace.dlq.source.offset";

  /**
   * What the value holds: {@code redacted-event} (the event after redaction, Avro in the wire
   * format), {@code original} (the undecodable bytes, only with {@code dlq.keep.undecodable}) or
   * {@code none}.
   */
  public static final String VALUE = "retrace.dlq.value";

  /** The raw record had no value. */
  public static final String NULL_VALUE = "NULL_VALUE";

  /** The event names no recording. */
  public static final String MISSING_RECORDING_ID = "MISSING_RECORDING_ID";

  /** The event's recording id is not the one of the topic it was written to. */
  public static final String RECORDING_MISMATCH = "RECORDING_MISMATCH";

  /** A duration in the payload is negative. */
  public static final String NEGATIVE_DURATION = "NEGATIVE_DURATION";

  /** The event names no agent, so its sequence cannot be checked. */
  public static final String MISSING_AGENT_ID = "MISSING_AGENT_ID";

  /** The sequence number is not above the last one seen from the same agent on that partition. */
  public static final String SEQUENCE_BACKWARDS = "SEQUENCE_BACKWARDS";

  /** The redaction engine failed on the event; it is dropped, never passed on unredacted. */
  public static final String REDACTION_FAILED = "REDACTION_FAILED";

  /** A processing step failed unexpectedly (a bug); the record is skipped. */
  public static final String PROCESSING_FAILED = "PROCESSING_FAILED";

  private DlqHeaders() {}
}
