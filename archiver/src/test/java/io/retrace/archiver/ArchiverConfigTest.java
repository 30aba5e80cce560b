package io.retrace.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchiverConfigTest {
  private static final Map<String, String> REQUIRED =
      Map.of(
          "bootstrap.servers", "localhost:9092",
          "schema.registry.url", "http://localhost:8081",
          "archive.uri", "s3a://bucket/archive/");

  @Test
  void defaultsAreProductionSized() {
    ArchiverConfig c = ArchiverConfig.of(REQUIRED);
    assertThat(c.archiveUri()).hasToString("s3a://bucket/archive");
    assertThat(c.compression()).isEqualTo(ArchiverConfig.Compression.ZSTD);
    assertThat(c.rotationInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.tableOf("retrace.events")).isEqualTo("events");
    assertThat(c.topicOf("audit")).isEqualTo("retrace.audit");
    assertThat(c.retention().daysFor("anything")).isEqualTo(30);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                ArchiverConfig.of(
                    Map.of(
                        "archive.uri", "ftp://x",
                        "rotation.records", "0",
                        "retention.services", "orders=x",
                        "compresion", "zstd")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .anyMatch(p -> p.startsWith("bootstrap.servers"))
                    .anyMatch(p -> p.startsWith("archive.uri=ftp://x"))
                    .anyMatch(p -> p.startsWith("rotation.records=0"))
                    .anyMatch(p -> p.contains("orders=x"))
                    .anyMatch(p -> p.contains("did you mean compression")));
  }

  @Test
  void perServiceRetentionOverridesTheDefault() {
    var values = new java.util.HashMap<>(REQUIRED);
    values.put("retention.services", "orders=90, payments=7");
    values.put("retention.default.days", "14");
    ArchiverConfig c = ArchiverConfig.of(values);
    assertThat(c.retention().daysFor("orders")).isEqualTo(90);
    assertThat(c.retention().daysFor("payments")).isEqualTo(7);
    assertThat(c.retention().daysFor("search")).isEqualTo(14);
  }
}
