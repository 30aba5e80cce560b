package io.retrace.bench.ingest;

import io.retrace.ingest.IngestConfig;
import io.retrace.ingest.IngestService;
import io.retrace.ingest.IngestTopics;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.TopicAdmin;
import io.retrace.schemas.topic.TopicSpec;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.EmbeddedStack;
import io.retrace.stack.StackConfig;
import io.retrace.testkit.Events;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;

/**
 * How soon the running ingest app reads a recording topic created after it started: from the call
 * that creates the topic to its first event read from {@code events} (read_committed), with the
 * topic's creation and the event's acknowledged send timed on the way. The producer and the reader
 * are open before the clock starts, so what is timed is the broker and the app, not client set-up.
 *
 * <p>{@code bench/run --main io.retrace.bench.ingest.TopicPickup [rounds]} (default 9).
 */
public final class TopicPickup {
  private TopicPickup() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    Path data = Files.createTempDirectory("ingest-pickup");
    IngestTopics topics = IngestTopics.prefixed("pick");
    try (EmbeddedStack stack =
            EmbeddedStack.start(new StackConfig(data, "127.0.0.1", 0, 0), List.of());
        Admin admin = BenchClients.admin(stack);
        IngestService service =
            IngestService.start(
                IngestConfig.of(BenchClients.ingestSettings(stack, data, "bench-pick", "pick")))) {
      Map<String, Object> serde = Map.of("schema.registry.url", stack.registryUrl());
      Topic<String, RecordedEvent> template = Topics.recording("pickup", 1);
      Map<String, CompletableFuture<Long>> firstRead = new ConcurrentHashMap<>();
      try (KafkaProducer<String, RecordedEvent> producer =
          new KafkaProducer<>(
              BenchClients.producerConfig(stack),
              Serdes.String().serializer(),
              template.valueSerde(serde).serializer())) {
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = reader(stack, serde, topics, firstRead, reading);
        reader.start();
        // A recording that already flows, as in a running deployment; also warms every path.
        pickup(admin, producer, topics, "warm", firstRead, service);
        List<Long> total = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          Times t = pickup(admin, producer, topics, "pick-" + round, firstRead, service);
          total.add(t.readMillis());
          System.out.printf(
              Locale.ROOT,
              "round %d: created %d ms, sent %d ms, read from events %d ms%n",
              round,
              t.createdMillis(),
              t.sentMillis(),
              t.readMillis());
        }
        reading.set(false);
        reader.join();
        Collections.sort(total);
        System.out.printf(
            Locale.ROOT,
            "new recording topic to its first event in events (read_committed), %d rounds:"
                + " median %d ms, min %d ms, max %d ms%n",
            rounds,
            total.get(total.size() / 2),
            total.get(0),
            total.get(total.size() - 1));
      }
    }
  }

  /** Milliseconds from the create call to: the topic created, the event acknowledged, read. */
  private record Times(long createdMillis, long sentMillis, long readMillis) {}

  private static Times pickup(
      Admin admin,
      KafkaProducer<String, RecordedEvent> producer,
      IngestTopics topics,
      String recording,
      Map<String, CompletableFuture<Long>> firstRead,
      IngestService service)
      throws Exception {
    // Each round starts from a running app, as a new recording would meet it. Polled (the service
    // has no state listener), before the timed span starts.
    while (service.state() != KafkaStreams.State.RUNNING) {
      Thread.sleep(50);
    }
    Topic<String, RecordedEvent> raw =
        Topic.avro(topics.raw(recording), RecordedEvent.class, new TopicSpec(2, Map.of()));
    long start = System.nanoTime();
    TopicAdmin.ensure(admin, List.of(raw), (short) 1);
    long created = System.nanoTime();
    RecordedEvent event =
        Events.event().recording(recording).session("s1").httpServer("GET", "/orders/1", 200);
    producer.send(new ProducerRecord<>(raw.name(), event.getSessionId(), event)).get();
    long sent = System.nanoTime();
    long read = firstRead.computeIfAbsent(recording, r -> new CompletableFuture<>()).get();
    return new Times(
        (created - start) / 1_000_000, (sent - start) / 1_000_000, (read - start) / 1_000_000);
  }

  /** Notes when each recording's first event is read from {@code events}. */
  private static Thread reader(
      EmbeddedStack stack,
      Map<String, Object> serde,
      IngestTopics topics,
      Map<String, CompletableFuture<Long>> firstRead,
      AtomicBoolean reading) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-pickup");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<String, RecordedEvent> consumer =
        new KafkaConsumer<>(
            config,
            Serdes.String().deserializer(),
            Topics.recording("pickup", 1).valueSerde(serde).deserializer());
    consumer.subscribe(List.of(topics.events()));
    return new Thread(
        () -> {
          try (consumer) {
            while (reading.get()) {
              for (ConsumerRecord<String, RecordedEvent> r : consumer.poll(Duration.ofMillis(20))) {
                long now = System.nanoTime();
                firstRead
                    .computeIfAbsent(
                        r.value().getRecordingId().toString(), id -> new CompletableFuture<>())
                    .complete(now);
              }
            }
          }
        },
        "pickup-reader");
  }
}
