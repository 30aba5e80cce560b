package io.retrace.bench.agent;

import io.retrace.agent.publish.AgentMetrics;
import io.retrace.agent.publish.EventBuffer;
import io.retrace.agent.publish.KafkaSink;
import io.retrace.agent.publish.Publisher;
import io.retrace.agent.publish.Spool;
import io.retrace.redaction.RedactionPolicy;
import io.retrace.redaction.Redactor;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.serde.AvroSerializer;
import io.retrace.schemas.topic.TopicAdmin;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.kafka.EmbeddedKafka;
import io.retrace.stack.registry.SchemaRegistryServer;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The agent's publisher (buffer → publisher thread → Kafka sink) against a plain KafkaProducer loop
 * sending the same ~500-byte events with the same producer settings, on one in-JVM broker in one
 * run; once without and once with redaction at the source.
 *
 * <p>Run: {@code bench/run --main io.retrace.bench.agent.PublisherThroughput [events]}
 */
public final class PublisherThroughput {
  /** A typical order body, so that events average about 500 bytes on the wire. */
  private static final String ORDER_JSON =
      "{\"customer\":{\"id\":\"c-1042\",\"tier\":\"gold\",\"country\":\"DE\"},"
          + "\"items\":[{\"sku\":\"espresso-beans-1kg\",\"qty\":2,\"unit\":24.90},"
          + "{\"sku\":\"milk-frother\",\"qty\":1,\"unit\":39.00},"
          + "{\"sku\":\"cups-set-6\",\"qty\":1,\"unit\":18.50}],"
          + "\"shipping\":{\"method\":\"express\",\"address\":\"Hauptstrasse 5, 10115 Berlin\"},"
          + "\"coupon\":\"WINTER26\",\"notes\":\"ring twice, leave at the door if nobody answers\","
          + "\"channel\":\"web\",\"currency\":\"EUR\",\"locale\":\"de-DE\"}";

  private PublisherThroughput() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Path dir = Files.createTempDirectory("retrace-bench-publisher");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), "127.0.0.1", 0, Map.of());
        SchemaRegistryServer registry =
            SchemaRegistryServer.start(kafka.bootstrapServers(), "127.0.0.1", 0);
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      List<RecordedEvent> events = events(n);
      long bytes = 0;
      AvroSerializer<RecordedEvent> sizer = new AvroSerializer<>();
      sizer.configure(Map.of("schema.registry.url", registry.url()), false);
      for (int i = 0; i < 1000; i++) {
        bytes += sizer.serialize("size", events.get(i)).length;
      }
      System.out.printf(Locale.ROOT, "%d events, ~%d bytes each%n", n, bytes / 1000);

      TopicAdmin.ensure(
          admin,
          List.of(
              Topics.recording("plain", 3),
              Topics.recording("agent", 3),
              Topics.recording("agent-redacted", 3)),
          (short) 1);
      // A first pass warms the JIT and the broker for both paths; only the second counts.
      plain(kafka.bootstrapServers(), registry.url(), retarget(events.subList(0, n / 4), "plain"));
      double plain = plain(kafka.bootstrapServers(), registry.url(), retarget(events, "plain"));
      double agent =
          agent(
              kafka.bootstrapServers(),
              registry.url(),
              retarget(events, "agent"),
              dir,
              UnaryOperator.identity());
      Redactor redactor =
          Redactor.create(
              RedactionPolicy.defaults(),
              "bench-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8),
              "agent");
      double redacted =
          agent(
              kafka.bootstrapServers(),
              registry.url(),
              retarget(events, "agent-redacted"),
              dir,
              redactor::redact);
      System.out.printf(Locale.ROOT, "plain KafkaProducer loop:     %,.0f events/s%n", plain);
      System.out.printf(
          Locale.ROOT,
          "agent publisher:              %,.0f events/s (%.2f of plain)%n",
          agent,
          agent / plain);
      System.out.printf(
          Locale.ROOT,
          "agent publisher + redaction:  %,.0f events/s (%.2f of plain)%n",
          redacted,
          redacted / plain);
    }
  }

  private static double plain(String bootstrap, String registry, List<RecordedEvent> events)
      throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put("schema.registry.url", registry);
    AvroSerializer<RecordedEvent> values = new AvroSerializer<>();
    values.configure(config, false);
    try (KafkaProducer<String, RecordedEvent> producer =
        new KafkaProducer<>(config, new StringSerializer(), values)) {
      long start = System.nanoTime();
      for (RecordedEvent e : events) {
        producer.send(
            new ProducerRecord<>("retrace.rec." + e.getRecordingId(), e.getSessionId(), e));
      }
      producer.flush();
      return events.size() / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static double agent(
      String bootstrap,
      String registry,
      List<RecordedEvent> events,
      Path dir,
      UnaryOperator<RecordedEvent> transform)
      throws Exception {
    EventBuffer buffer = new EventBuffer(events.size() + 1024);
    AgentMetrics metrics = new AgentMetrics(buffer);
    events.forEach(buffer::offer);
    long start = System.nanoTime();
    Publisher publisher =
        new Publisher(
            buffer,
            () ->
                new KafkaSink(
                    bootstrap,
                    registry,
                    new Spool(Files.createTempDirectory(dir, "spool"), 1L << 30),
                    3,
                    Duration.ofSeconds(30),
                    metrics),
            () -> {},
            (session, dropped) -> {
              throw new IllegalStateException("no drops expected");
            },
            () -> transform,
            metrics);
    publisher.start();
    while (metrics.getSent() < events.size()) {
      Thread.sleep(5);
    }
    double rate = events.size() / ((System.nanoTime() - start) / 1e9);
    publisher.close(10_000);
    return rate;
  }

  /** Sessions of 6 events: an inbound call, HTTP and JDBC calls, values, with realistic bodies. */
  private static List<RecordedEvent> events(int n) {
    List<RecordedEvent> events = new ArrayList<>(n);
    for (int s = 0; events.size() < n; s++) {
      EventBuilder b = Events.event().recording("bench").session("session-" + s);
      RecordedEvent inbound = b.httpServer("POST", "http://orders.local/orders?customer=" + s, 201);
      ((io.retrace.schemas.event.HttpExchange) inbound.getPayload())
          .setRequestBody(EventBuilder.json(ORDER_JSON));
      ((io.retrace.schemas.event.HttpExchange) inbound.getPayload())
          .setResponseBody(EventBuilder.json(ORDER_JSON));
      events.add(inbound);
      events.add(b.httpClient("GET", "http://pricing.local/quote?product=1&qty=2", 200));
      events.add(
          b.jdbcQuery(
              "select name, price from product where id = ?",
              List.of("name", "price"),
              List.of(List.of("espresso", "2.50"))));
      events.add(
          b.jdbcUpdate(
              "insert into orders values (?, ?, ?, ?, ?)",
              List.of("id-" + s, 1, 2, "5.00", "2026-11-28T10:15:30Z"),
              1));
      events.add(b.uuid(java.util.UUID.randomUUID()));
      for (int i = 0; i < 1 && events.size() < n; i++) {
        events.add(
            b.value(
                io.retrace.schemas.event.ValueSource.INSTANT_NOW,
                "java.time.Clock#instant",
                1_764_000_000_000_000_000L + i));
      }
    }
    return events.subList(0, n);
  }

  private static List<RecordedEvent> retarget(List<RecordedEvent> events, String recording) {
    List<RecordedEvent> out = new ArrayList<>(events.size());
    for (RecordedEvent e : events) {
      RecordedEvent copy = RecordedEvent.newBuilder(e).setRecordingId(recording).build();
      out.add(copy);
    }
    return out;
  }
}
