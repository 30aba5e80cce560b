package io.retrace.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.event.RecordedEvent;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SerdeConfigTest {

  @Test
  void defaultsFollowConfluent() {
    SerdeConfig config = SerdeConfig.parse(Map.of(), false);

    assertThat(config.isKey()).isFalse();
    assertThat(config.autoRegisterSchemas()).isTrue();
    assertThat(config.useLatestVersion()).isFalse();
    assertThat(config.subjectNameStrategy()).isEqualTo(SubjectNameStrategy.TOPIC);
    assertThat(config.specificAvroReader()).isTrue();
    assertThat(config.specificType()).isNull();
  }

  @Test
  void readsTheKeyOrValueVariantOfEachSetting() {
    Map<String, Object> configs =
        Map.of(
            "key.subject.name.strategy", "record",
            "value.subject.name.strategy",
                "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
            "specific.avro.value.type", RecordedEvent.class.getName(),
            "auto.register.schemas", "FALSE",
            "use.latest.version", true,
            "specific.avro.reader", "false",
            "bootstrap.servers", "ignored:9092");

    SerdeConfig key = SerdeConfig.parse(configs, true);
    SerdeConfig value = SerdeConfig.parse(configs, false);

    assertThat(key.subjectNameStrategy()).isEqualTo(SubjectNameStrategy.RECORD);
    assertThat(key.specificType()).isNull();
    assertThat(value.subjectNameStrategy()).isEqualTo(SubjectNameStrategy.TOPIC_RECORD);
    assertThat(value.specificType()).isEqualTo(RecordedEvent.class);
    assertThat(value.autoRegisterSchemas()).isFalse();
    assertThat(value.useLatestVersion()).isTrue();
    assertThat(value.specificAvroReader()).isFalse();
  }

  @Test
  void reportsEveryInvalidValueAtOnceNamingItsKey() {
    Map<String, Object> configs =
        Map.of(
            "auto.register.schemas", "yes",
            "value.subject.name.strategy", "by-magic",
            "specific.avro.value.type", "com.example.Missing",
            "specific.avro.reader", 1);

    assertThatThrownBy(() -> SerdeConfig.parse(configs, false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auto.register.schemas=yes")
        .hasMessageContaining("value.subject.name.strategy=by-magic")
        .hasMessageContaining("specific.avro.value.type=com.example.Missing: class not found")
        .hasMessageContaining("specific.avro.reader=1");
  }

  @Test
  void rejectsATargetTypeThatIsNotAGeneratedClass() {
    assertThatThrownBy(
            () -> SerdeConfig.parse(Map.of("specific.avro.key.type", String.class), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("specific.avro.key.type=class java.lang.String")
        .hasMessageContaining("SpecificRecord");
  }
}
