package io.retrace.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.event.RecordedEvent;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubjectNameStrategyTest {
  private static final Schema EVENT = RecordedEvent.getClassSchema();

  @Test
  void namesSubjectsAsConfluentDoes() {
    assertThat(SubjectNameStrategy.TOPIC.subject("retrace.events", false, EVENT))
        .isEqualTo("retrace.events-value");
    assertThat(SubjectNameStrategy.TOPIC.subject("retrace.events", true, EVENT))
        .isEqualTo("retrace.events-key");
    assertThat(SubjectNameStrategy.RECORD.subject("retrace.events", false, EVENT))
        .isEqualTo("io.retrace.schemas.event.RecordedEvent");
    assertThat(SubjectNameStrategy.TOPIC_RECORD.subject("retrace.events", true, EVENT))
        .isEqualTo("retrace.events-io.retrace.schemas.event.RecordedEvent");
  }

  @ParameterizedTest
  @CsvSource({
    "topic, TOPIC",
    "record, RECORD",
    "topic-record, TOPIC_RECORD",
    "TOPIC_RECORD, TOPIC_RECORD",
    "' Record ', RECORD",
    "io.confluent.kafka.serializers.subject.TopicNameStrategy, TOPIC",
    "io.confluent.kafka.serializers.subject.RecordNameStrategy, RECORD",
    "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy, TOPIC_RECORD"
  })
  void parsesShortNamesAndConfluentClassNames(String value, SubjectNameStrategy expected) {
    assertThat(SubjectNameStrategy.parse(value)).isEqualTo(expected);
  }

  @Test
  void rejectsUnknownStrategiesListingTheValidOnes() {
    assertThatThrownBy(() -> SubjectNameStrategy.parse("com.example.MyStrategy"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("com.example.MyStrategy")
        .hasMessageContaining("topic-record");
  }

  @Test
  void recordStrategiesNeedANamedSchema() {
    assertThatThrownBy(
            () -> SubjectNameStrategy.RECORD.subject("t", false, Schema.create(Schema.Type.STRING)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("STRING");
  }
}
