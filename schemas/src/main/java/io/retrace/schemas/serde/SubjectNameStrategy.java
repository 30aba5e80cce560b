package io.retrace.schemas.serde;

import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Under which registry subject a topic's schemas are registered, as Confluent's strategies name
 * them: per topic ({@code <topic>-value}), per record type ({@code <record full name>}), or per
 * both ({@code <topic>-<record full name>}).
 */
public enum SubjectNameStrategy {
  /** {@code <topic>-key} or {@code <topic>-value}: one schema history per topic. */
  TOPIC {
    @Override
    public String subject(String topic, boolean isKey, Schema schema) {
      return topic + (isKey ? "-key" : "-value");
    }
  },
  /** The record's full name: one history per type, whatever topics it appears on. */
  RECORD {
    @Override
    public String subject(String topic, boolean isKey, Schema schema) {
      return fullName(schema);
    }
  },
  /** {@code <topic>-<record full name>}: several types per topic, each with its own history. */
  TOPIC_RECORD {
    @Override
    public String subject(String topic, boolean isKey, Schema schema) {
      return topic + "-" + fullName(schema);
    }
  };

  private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

  private static final Map<String, SubjectNameStrategy> NAMES =
      Map.of(
          "topic",
          TOPIC,
          "record",
          RECORD,
          "topic-record",
          TOPIC_RECORD,
          CONFLUENT_PACKAGE + "TopicNameStrategy",
          TOPIC,
          CONFLUENT_PACKAGE + "RecordNameStrategy",
          RECORD,
          CONFLUENT_PACKAGE + "TopicRecordNameStrategy",
          TOPIC_RECORD);

  /**
   * The subject for a record with {@code schema} on {@code topic}.
   *
   * @throws IllegalArgumentException when the strategy needs a name and the schema has none
   */
  public abstract String subject(String topic, boolean isKey, Schema schema);

  /**
   * Parses {@code topic}, {@code record}, {@code topic-record}, the constant names, or Confluent's
   * strategy class names.
   *
   * @throws IllegalArgumentException listing the accepted values
   */
  public static SubjectNameStrategy parse(String value) {
    String trimmed = value.trim();
    SubjectNameStrategy strategy = NAMES.get(trimmed.toLowerCase(Locale.ROOT));
    if (strategy == null) {
      strategy = NAMES.get(trimmed);
    }
    if (strategy == null) {
      try {
        strategy = valueOf(trimmed.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown subject name strategy '"
                + value
                + "'; expected topic, record, topic-record or "
                + CONFLUENT_PACKAGE
                + "{TopicNameStrategy,RecordNameStrategy,TopicRecordNameStrategy}",
            e);
      }
    }
    return strategy;
  }

  private static String fullName(Schema schema) {
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> schema.getFullName();
      default ->
          throw new IllegalArgumentException(
              "a record-name subject strategy needs a named schema, not " + schema.getType());
    };
  }
}
