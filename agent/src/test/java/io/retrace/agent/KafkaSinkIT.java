package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.Topics;
import io.retrace.testkit.AgentProcess;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The packaged agent publishing to a real broker, registering its schema in the registry. */
@ExtendWith(RetraceStackExtension.class)
class KafkaSinkIT {
  @TempDir Path dir;

  @Test
  void publishesToTheRecordingTopicKeyedBySession(TestStack stack) throws Exception {
    String recording = stack.uniqueName("rec-kafka");
    String output;
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            "service=orders,recording="
                + recording
                + ",bootstrap="
                + stack.bootstrapServers()
                + ",registry="
                + stack.registryUrl())) {
      assertThat(app.post("/orders", "k-1", "{\"product\":2,\"qty\":1}").statusCode())
          .isEqualTo(201);
      assertThat(app.post("/orders", "k-2", "{\"product\":1,\"qty\":3}").statusCode())
          .isEqualTo(201);
      app.stop();
      output = app.output();
    }
    assertThat(output).contains("dropped 0");

    Topic<String, RecordedEvent> topic = Topics.recording(recording, 3);
    List<ConsumerRecord<String, RecordedEvent>> records = stack.readToEnd(topic);
    assertThat(stack.admin().describeTopics(List.of(topic.name())).allTopicNames().get())
        .hasEntrySatisfying(topic.name(), d -> assertThat(d.partitions()).hasSize(3));
    assertThat(records)
        .filteredOn(r -> r.value().getSessionId() != null)
        .allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getSessionId()));
    for (String session : List.of("k-1", "k-2")) {
      List<RecordedEvent> events =
          records.stream()
              .map(ConsumerRecord::value)
              .filter(e -> session.equals(e.getSessionId()))
              .toList();
      // One session, one partition. Threads of one session (request thread, pool threads) may
      // hand events over in a different order than their sequence numbers: consumers order by
      // sequence, which is unique.
      assertThat(
              records.stream()
                  .filter(r -> session.equals(r.key()))
                  .map(ConsumerRecord::partition)
                  .distinct())
          .hasSize(1);
      assertThat(events).extracting(RecordedEvent::getSequence).doesNotHaveDuplicates();
      assertThat(events)
          .extracting(RecordedEvent::getKind)
          .contains(EventKind.HTTP_SERVER, EventKind.HTTP_CLIENT, EventKind.JDBC);
      assertThat(events.stream().filter(e -> e.getKind() == EventKind.HTTP_SERVER))
          .singleElement()
          .satisfies(e -> assertThat(((HttpExchange) e.getPayload()).getStatus()).isEqualTo(201));
    }
    assertThat(
            records.stream()
                .map(ConsumerRecord::value)
                .sorted(java.util.Comparator.comparingLong(RecordedEvent::getSequence))
                .filter(e -> e.getPayload() instanceof Marker)
                .map(e -> ((Marker) e.getPayload()).getType()))
        .as(output)
        .containsExactly(MarkerType.RECORDING_START, MarkerType.RECORDING_STOP);
  }

  /**
   * The application brings an older kafka-clients of its own and uses it; the agent's shaded copy
   * does not interfere, and both deliver to the same broker.
   */
  @Test
  void anApplicationWithItsOwnKafkaClientsKeepsWorking(TestStack stack) throws Exception {
    String recording = stack.uniqueName("rec-own-kafka");
    String appTopic = stack.uniqueName("app-topic");
    stack.createTopic(appTopic, 1);
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            Path.of(System.getProperty("java.home")),
            "service=orders,recording="
                + recording
                + ",bootstrap="
                + stack.bootstrapServers()
                + ",registry="
                + stack.registryUrl(),
            List.of(System.getProperty("retrace.app.kafka.classpath")),
            OwnKafkaApp.class.getName(),
            "-Dapp.kafka.bootstrap=" + stack.bootstrapServers(),
            "-Dapp.kafka.topic=" + appTopic)) {
      assertThat(app.post("/orders", "own-1", "{\"product\":1,\"qty\":1}").statusCode())
          .isEqualTo(201);
      // Delivered while the application runs: on a loaded machine the agent's Kafka client may
      // still be starting when the application stops, and shutdown waits only 5 s for it.
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () ->
                  assertThat(stack.readToEnd(Topics.recording(recording, 3)))
                      .map(ConsumerRecord::value)
                      .anyMatch(
                          e ->
                              "own-1".equals(e.getSessionId())
                                  && e.getKind() == EventKind.HTTP_SERVER));
      app.stop();
      assertThat(app.output()).contains("app kafka-clients 3.9.1");
    }
    assertThat(
            stack.readToEnd(
                appTopic,
                org.apache.kafka.common.serialization.Serdes.String(),
                org.apache.kafka.common.serialization.Serdes.String(),
                false))
        .map(ConsumerRecord::value)
        .containsExactly("sent by the application's own kafka-clients");
  }
}
