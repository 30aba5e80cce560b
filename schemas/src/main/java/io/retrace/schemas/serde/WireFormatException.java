package io.retrace.schemas.serde;

import io.retrace.schemas.registry.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that could not be written to or read from the Confluent wire format, with a {@link
 * Reason} that a consumer can act on (dead-letter the record, or retry) and the topic, partition
 * and offset where it happened when known.
 */
public class WireFormatException extends SerializationException {
  private static final long serialVersionUID = 1L;

  /**
   * Why a record failed. The names go into the {@code retrace.dlq} reason header, so they are
   * stable: add new ones, never rename.
   */
  public enum Reason {
    /** Byte 0 is not the Confluent magic byte 0: not Avro in the wire format at all. */
    UNKNOWN_MAGIC_BYTE,
    /** Fewer than 5 bytes, or the Avro body ends before the schema says it should. */
    TRUNCATED,
    /** The registry has no schema with the record's id (or the subject has no such schema). */
    UNKNOWN_SCHEMA_ID,
    /** The writer's schema cannot be resolved into the reader's, or the registry refused it. */
    INCOMPATIBLE_SCHEMA,
    /** Any other malformed body: trailing bytes, a bad union index, a negative length. */
    INVALID_DATA,
    /**
     * The registry could not answer: unreachable, overloaded, or refusing our credentials. Not a
     * problem of the record: retry (or stop), never dead-letter.
     */
    REGISTRY_UNAVAILABLE,
    /** The value could not be written: not an Avro record, a missing required field, etc. */
    SERIALIZATION_FAILED;

    /** Whether the same record may succeed later, so it should be retried, not dead-lettered. */
    public boolean retriable() {
      return this == REGISTRY_UNAVAILABLE;
    }
  }

  private final Reason reason;
  private final String topic;
  private final Integer partition;
  private final Long offset;
  private final String detail;

  /**
   * @param reason why the record failed
   * @param topic the topic, or null when not known
   * @param detail what failed, without the reason and location prefix
   * @param cause the underlying failure, or null
   */
  public WireFormatException(Reason reason, String topic, String detail, Throwable cause) {
    this(reason, topic, null, null, detail, cause);
  }

  private WireFormatException(
      Reason reason, String topic, Integer partition, Long offset, String detail, Throwable cause) {
    super(message(reason, topic, partition, offset, detail), cause);
    this.reason = reason;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.detail = detail;
  }

  /** This failure located at a partition and offset, for a consumer that knows them. */
  public WireFormatException at(int partition, long offset) {
    WireFormatException located =
        new WireFormatException(reason, topic, partition, offset, detail, getCause());
    located.setStackTrace(getStackTrace());
    return located;
  }

  public Reason reason() {
    return reason;
  }

  /** The topic, or null when not known. */
  public String topic() {
    return topic;
  }

  /** The partition, or null when not known. */
  public Integer partition() {
    return partition;
  }

  /** The offset, or null when not known. */
  public Long offset() {
    return offset;
  }

  /** What failed, without the reason and location that {@link #getMessage()} adds. */
  public String detail() {
    return detail;
  }

  /**
   * Sorts a registry failure: a missing schema or subject is the record's problem, a refusal on
   * compatibility is an incompatible schema, an invalid schema cannot be written, and anything else
   * means the registry is not usable right now.
   */
  static WireFormatException fromRegistry(String topic, String detail, SchemaRegistryException e) {
    Reason reason;
    if (e.retriable()) {
      reason = Reason.REGISTRY_UNAVAILABLE;
    } else if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
        || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND
        || e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
      reason = Reason.UNKNOWN_SCHEMA_ID;
    } else if (e.errorCode() == SchemaRegistryException.INCOMPATIBLE_SCHEMA) {
      reason = Reason.INCOMPATIBLE_SCHEMA;
    } else if (e.errorCode() == SchemaRegistryException.INVALID_SCHEMA) {
      reason = Reason.SERIALIZATION_FAILED;
    } else {
      reason = Reason.REGISTRY_UNAVAILABLE;
    }
    return new WireFormatException(reason, topic, detail + ": " + e.getMessage(), e);
  }

  private static String message(
      Reason reason, String topic, Integer partition, Long offset, String detail) {
    StringBuilder message = new StringBuilder().append('[').append(reason).append(']');
    if (topic != null) {
      message.append(" topic ").append(topic);
    }
    if (partition != null) {
      message.append(" partition ").append(partition).append(" offset ").append(offset);
    }
    return message.append(": ").append(detail).toString();
  }
}
