package io.retrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.TopologyException;
import org.junit.jupiter.api.Test;

class IngestServiceTest {

  @Test
  void recognisesTheFailureANewRecordingTopicCausesOnce() {
    TopologyException newTopic =
        new TopologyException(
            "Topic retrace.rec.inc-42 is unknown to the topology. This may happen if different"
                + " KafkaStreams instances of the same application execute different Topologies.");

    assertThat(IngestService.isNewRecordingTopic(newTopic)).isTrue();
    assertThat(IngestService.isNewRecordingTopic(new StreamsException("task failed", newTopic)))
        .isTrue();
    assertThat(IngestService.isNewRecordingTopic(new StreamsException("disk full"))).isFalse();
    assertThat(IngestService.isNewRecordingTopic(new TopologyException("bad wiring"))).isFalse();
  }
}
