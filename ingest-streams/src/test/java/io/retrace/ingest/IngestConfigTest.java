package io.retrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retrace.ingest.internal.IngestMetrics;
import io.retrace.ingest.internal.StreamsSettings;
import io.retrace.schemas.config.ConfigException;
import io.retrace.schemas.config.ConfigSources;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                IngestConfig.load(
                    ConfigSources.of(Map.of("session.gap", "soon", "standby.replicas", "99"))))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .hasSize(4)
                    .anyMatch(p -> p.startsWith("bootstrap.servers"))
                    .anyMatch(p -> p.startsWith("schema.registry.url"))
                    .anyMatch(p -> p.startsWith("session.gap"))
                    .anyMatch(p -> p.startsWith("standby.replicas")));
  }

  @Test
  void environmentOverridesDefaultsAndStreamsGetsExactlyOnce() {
    IngestConfig config =
        IngestConfig.load(
            ConfigSources.builder()
                .explicit("test", Map.of("bootstrap.servers", "k:9092"))
                .environment(
                    Map.of(
                        "RETRACE_SCHEMA_REGISTRY_URL", "http://r:8081",
                        "RETRACE_SESSION_GAP", "10s",
                        "RETRACE_STANDBY_REPLICAS", "1"))
                .build());
    assertThat(config.sessionGap()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.applicationId()).isEqualTo("retrace-ingest");
    assertThat(config.topics()).isEqualTo(IngestTopics.standard());

    Properties props =
        StreamsSettings.of(
            config, config.topics(), new IngestMetrics(new SimpleMeterRegistry()), "ingest-1");
    assertThat(props)
        .containsEntry("main.consumer.group.instance.id", "ingest-1")
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("num.standby.replicas", 1)
        .containsEntry("replication.factor", 1)
        .containsEntry("main.consumer.metadata.max.age.ms", 5000);
  }
}
