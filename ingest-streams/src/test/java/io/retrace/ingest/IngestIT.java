package io.retrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.RecordingStatus;
import io.retrace.schemas.event.SessionSummary;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.TopicSpec;
import io.retrace.schemas.topic.Topics;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The app on the shared in-JVM broker: new topics, catalog, handlers' DLQ, metrics and health. */
@ExtendWith(RetraceStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestIT {
  private static final Logger log = LoggerFactory.getLogger(IngestIT.class);

  private TestStack stack;
  private IngestService service;
  private IngestTopics topics;

  @BeforeAll
  void start(TestStack stack) throws Exception {
    this.stack = stack;
    String prefix = stack.uniqueName("ingest-it");
    Path stateDir = Files.createTempDirectory("ingest-it");
    service = IngestService.start(config(stack, stateDir, prefix, Map.of()));
    topics = IngestTopics.prefixed(prefix);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> service.state() == KafkaStreams.State.RUNNING);
  }

  @AfterAll
  void stop() {
    service.close();
  }

  /** Config of an app on {@code prefix}'s topics, on the shared stack. */
  static IngestConfig config(
      TestStack stack, Path stateDir, String prefix, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", stack.bootstrapServers());
    values.put("schema.registry.url", stack.registryUrl());
    values.put("application.id", prefix);
    values.put("state.dir", stateDir.toString());
    values.put("topics.prefix", prefix);
    values.put("metrics.port", "0");
    values.put("hmac.key", "integration-test-key");
    values.putAll(extra);
    return IngestConfig.of(values);
  }

  /** A raw recording topic of {@code topics}, created now. */
  static Topic<String, RecordedEvent> rawTopic(TestStack stack, IngestTopics topics, String id) {
    Topic<String, RecordedEvent> topic =
        Topic.avro(topics.raw(id), RecordedEvent.class, new TopicSpec(2, Map.of()));
    stack.createTopic(topic);
    return topic;
  }

  static List<ConsumerRecord<String, RecordedEvent>> committedEvents(
      TestStack stack, IngestTopics topics) {
    return stack.readToEnd(
        topics.events(), Serdes.String(), Topics.EVENTS.valueSerde(stack.serdeConfig()), true);
  }

  @Test
  void aRecordingTopicCreatedWhileRunningIsPickedUpAndCatalogued() {
    long created = System.nanoTime();
    Topic<String, RecordedEvent> raw = rawTopic(stack, topics, "late-topic");
    EventBuilder s1 = Events.event().recording("late-topic").session("s1").service("orders");
    EventBuilder s2 =
        Events.event().recording("late-topic").session("s2").service("billing").agent("agent-2");
    try (KafkaProducer<String, RecordedEvent> producer = stack.producer(raw)) {
      for (int i = 0; i < 5; i++) {
        RecordedEvent a = s1.httpServer("GET", "/orders/" + i, 200);
        RecordedEvent b = s2.jdbcQuery("select 1", List.of("x"), List.of());
        producer.send(new ProducerRecord<>(raw.name(), a.getSessionId(), a));
        producer.send(new ProducerRecord<>(raw.name(), b.getSessionId(), b));
      }
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(committedEvents(stack, topics))
                    .filteredOn(r -> r.value().getRecordingId().equals("late-topic"))
                    .extracting(ConsumerRecord::key)
                    .containsOnly("late-topic|s1", "late-topic|s2")
                    .hasSize(10));
    // Reported, not asserted (timing under load): docs/ingest.md quotes it.
    log.info(
        "Events of a recording topic created while running committed after {} ms",
        (System.nanoTime() - created) / 1_000_000);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              RecordingInfo info = latestRecording("late-topic");
              assertThat(info).isNotNull();
              assertThat(info.getEventCount()).isEqualTo(10);
              assertThat(info.getSessionCount()).isEqualTo(2);
              assertThat(info.getServices()).containsExactly("billing", "orders");
              assertThat(info.getStatus()).isEqualTo(RecordingStatus.ACTIVE);
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        stack.readToEnd(
                            topics.sessions(),
                            Serdes.String(),
                            Topics.SESSIONS.valueSerde(stack.serdeConfig()),
                            true))
                    .extracting(ConsumerRecord::value)
                    .filteredOn(s -> s.getRecordingId().equals("late-topic"))
                    .extracting(SessionSummary::getSessionId, SessionSummary::getEventCount)
                    .contains(
                        org.assertj.core.groups.Tuple.tuple("s1", 5L),
                        org.assertj.core.groups.Tuple.tuple("s2", 5L)));
  }

  @Test
  void anUndecodableRecordInEventsIsDeadLetteredByTheHandlerAndTheAppKeepsRunning() {
    stack.createTopic(topics.events(), 6);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            stack.producerConfig(),
            Serdes.ByteArray().serializer(),
            Serdes.ByteArray().serializer())) {
      producer.send(
          new ProducerRecord<>(
              topics.events(),
              "x|y".getBytes(StandardCharsets.UTF_8),
              "not avro".getBytes(StandardCharsets.UTF_8)));
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        stack.readToEnd(topics.dlq(), Serdes.ByteArray(), Serdes.ByteArray(), true))
                    .anySatisfy(
                        r -> {
                          assertThat(header(r, DlqHeaders.SOURCE_TOPIC)).isEqualTo(topics.events());
                          assertThat(header(r, DlqHeaders.REASON)).isEqualTo("UNKNOWN_MAGIC_BYTE");
                          assertThat(r.value()).isNull();
                        }));
    assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
  }

  @Test
  void healthAndMetricsAreServed() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + service.metricsPort();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("RUNNING");
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("retrace_ingest_records_in_total", "kafka_stream_");
  }

  private RecordingInfo latestRecording(String recordingId) {
    RecordingInfo latest = null;
    for (ConsumerRecord<String, RecordingInfo> r :
        stack.readToEnd(
            topics.recordings(),
            Serdes.String(),
            Topics.RECORDINGS.valueSerde(stack.serdeConfig()),
            true)) {
      if (recordingId.equals(r.key())) {
        latest = r.value();
      }
    }
    return latest;
  }

  static String header(ConsumerRecord<?, ?> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
