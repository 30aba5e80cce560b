package io.retrace.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.ingest.IngestConfig;
import io.retrace.schemas.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.TopologyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsRunnerTest {

  @Test
  void recognisesTheFailureANewRecordingTopicCausesOnce() {
    TopologyException newTopic =
        new TopologyException(
            "Topic retrace.rec.inc-42 is unknown to the topology. This may happen if different"
                + " KafkaStreams instances of the same application execute different Topologies.");

    assertThat(StreamsRunner.isNewRecordingTopic(newTopic)).isTrue();
    assertThat(StreamsRunner.isNewRecordingTopic(new StreamsException("task failed", newTopic)))
        .isTrue();
    assertThat(StreamsRunner.isNewRecordingTopic(new StreamsException("disk full"))).isFalse();
    assertThat(StreamsRunner.isNewRecordingTopic(new TopologyException("bad wiring"))).isFalse();
  }

  @Test
  void theStaticMemberIdIsMadeOnceAndKeptInTheStateDir(@TempDir Path dir) throws Exception {
    IngestConfig config =
        IngestConfig.load(
            ConfigSources.of(
                Map.of(
                    "bootstrap.servers", "localhost:9092",
                    "schema.registry.url", "http://localhost:8081",
                    "application.id", "ingest-a",
                    "state.dir", dir.resolve("state").toString())));

    String first = StreamsSettings.instanceId(config);
    assertThat(first).startsWith("ingest-a-").hasSizeGreaterThan("ingest-a-".length() + 30);
    assertThat(StreamsSettings.instanceId(config)).isEqualTo(first);
    assertThat(Files.readString(dir.resolve("state/instance-id")).strip()).isEqualTo(first);
  }
}
