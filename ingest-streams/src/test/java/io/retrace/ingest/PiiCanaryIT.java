package io.retrace.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.TopicSpec;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import io.retrace.testkit.RetraceStackExtension;
import io.retrace.testkit.TestStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Known secrets planted in headers, URLs, bodies, SQL parameters and result rows, run through the
 * app with the built-in default policy: not one of them may appear in the bytes of the events,
 * sessions or DLQ topics — including events rejected to the DLQ and records that cannot be decoded.
 */
@ExtendWith(RetraceStackExtension.class)
class PiiCanaryIT {
  private static final List<String> CANARIES =
      List.of(
          "CanaryBearer7f3aQ9zK2mX",
          "CanaryCookie5Ld8sW",
          "CanaryApiKey93jdK2",
          "CanaryQueryPw4411",
          "CanaryJsonPw8812",
          "CanaryFormPw7723",
          "4111111111111111",
          "CanaryColumnPw6654",
          "CanaryParamToken9931",
          "CanaryRawBytes2207");

  @TempDir Path stateDir;

  @Test
  void noCanaryReachesEventsSessionsOrTheDlq(TestStack stack) throws Exception {
    String prefix = stack.uniqueName("ingest-canary");
    IngestTopics topics = IngestTopics.prefixed(prefix);
    Topic<String, RecordedEvent> raw =
        Topic.avro(topics.raw("canary"), RecordedEvent.class, new TopicSpec(1, Map.of()));
    stack.createTopic(raw);
    List<RecordedEvent> corpus = corpus();
    try (IngestService service =
        IngestService.start(IngestIT.config(stack, stateDir, prefix, Map.of()))) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> service.state() == KafkaStreams.State.RUNNING);
      try (KafkaProducer<String, RecordedEvent> producer = stack.producer(raw)) {
        for (RecordedEvent event : corpus) {
          producer.send(new ProducerRecord<>(raw.name(), event.getSessionId(), event));
        }
      }
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              stack.producerConfig(),
              Serdes.ByteArray().serializer(),
              Serdes.ByteArray().serializer())) {
        producer.send(
            new ProducerRecord<>(
                raw.name(),
                null,
                ("\u0000\u0000\u0000\u0000\u0001CanaryRawBytes2207")
                    .getBytes(StandardCharsets.ISO_8859_1)));
      }

      int valid = corpus.size() - 1;
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(IngestIT.committedEvents(stack, topics)).hasSize(valid);
                assertThat(bytes(stack, topics.dlq())).hasSize(2);
                assertThat(bytes(stack, topics.sessions())).isNotEmpty();
              });
    }

    List<byte[]> written = new ArrayList<>();
    written.addAll(bytes(stack, topics.events()));
    written.addAll(bytes(stack, topics.sessions()));
    written.addAll(bytes(stack, topics.dlq()));
    for (byte[] value : written) {
      String text = new String(value, StandardCharsets.ISO_8859_1);
      for (String canary : CANARIES) {
        assertThat(text).as("bytes written by ingest").doesNotContain(canary);
      }
    }
  }

  /** Keys and values of every record of {@code topic}, as raw bytes. */
  private static List<byte[]> bytes(TestStack stack, String topic) {
    List<byte[]> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        stack.readToEnd(topic, Serdes.ByteArray(), Serdes.ByteArray(), true)) {
      if (r.key() != null) {
        out.add(r.key());
      }
      if (r.value() != null) {
        out.add(r.value());
      }
    }
    return out;
  }

  private static List<RecordedEvent> corpus() {
    EventBuilder s1 = Events.event().recording("canary").session("s1").service("shop");
    RecordedEvent login = s1.httpServer("POST", "/login?user=bob&password=CanaryQueryPw4411", 200);
    HttpExchange http = (HttpExchange) login.getPayload();
    List<Header> headers = new ArrayList<>(http.getRequestHeaders());
    headers.add(new Header("Authorization", "Bearer CanaryBearer7f3aQ9zK2mX"));
    headers.add(new Header("Cookie", "session=CanaryCookie5Ld8sW"));
    headers.add(new Header("X-Api-Key", "CanaryApiKey93jdK2"));
    http.setRequestHeaders(headers);
    http.setRequestBody(
        EventBuilder.json(
            "{\"user\":\"bob\",\"password\":\"CanaryJsonPw8812\","
                + "\"card\":{\"number\":\"4111111111111111\"}}"));
    RecordedEvent form = s1.httpClient("POST", "http://auth.internal/token", 200);
    ((HttpExchange) form.getPayload())
        .setRequestBody(
            io.retrace.schemas.event.Body.newBuilder()
                .setBytes(
                    java.nio.ByteBuffer.wrap(
                        "grant_type=password&password=CanaryFormPw7723"
                            .getBytes(StandardCharsets.UTF_8)))
                .setContentType("application/x-www-form-urlencoded")
                .build());
    RecordedEvent query =
        s1.jdbcQuery(
            "select name, password from users where id = 7",
            List.of("name", "password"),
            List.of(Arrays.asList("bob", "CanaryColumnPw6654")));
    RecordedEvent update =
        s1.jdbcUpdate(
            "update sessions set token = ? where user = ?",
            List.of("Bearer CanaryParamToken9931", "bob"),
            1);
    // Valid but on the wrong recording's topic: goes to the DLQ, which must hold it redacted.
    RecordedEvent misplaced =
        Events.event()
            .recording("other-recording")
            .session("s2")
            .agent("agent-9")
            .httpServer("GET", "/x?token=CanaryParamToken9931", 200);
    HttpExchange misplacedHttp = (HttpExchange) misplaced.getPayload();
    misplacedHttp.setRequestHeaders(
        List.of(new Header("Authorization", "Bearer CanaryBearer7f3aQ9zK2mX")));
    return List.of(login, form, query, update, misplaced);
  }
}
