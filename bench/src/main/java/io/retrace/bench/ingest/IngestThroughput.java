package io.retrace.bench.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retrace.ingest.IngestConfig;
import io.retrace.ingest.IngestService;
import io.retrace.ingest.IngestTopics;
import io.retrace.ingest.internal.IngestMetrics;
import io.retrace.ingest.internal.StreamsSettings;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.TopicAdmin;
import io.retrace.schemas.topic.TopicSpec;
import io.retrace.schemas.topic.Topics;
import io.retrace.stack.EmbeddedStack;
import io.retrace.stack.StackConfig;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Throughput of the full ingest topology under exactly_once_v2 against a pass-through topology
 * (bytes in, bytes out, the same Kafka Streams settings) on the same in-JVM broker and the same
 * pre-loaded raw records, with the process's CPU time per event of each; then the p99 latency raw
 * topic → events (read_committed) at half the measured rate.
 *
 * <p>{@code bench/run --main io.retrace.bench.ingest.IngestThroughput [events]} (default 400000;
 * rates are of the second half).
 */
public final class IngestThroughput {
  private static final int PARTITIONS = 4;

  private IngestThroughput() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
    Path data = Files.createTempDirectory("ingest-bench");
    try (EmbeddedStack stack =
        EmbeddedStack.start(new StackConfig(data, "127.0.0.1", 0, 0), List.of())) {
      Map<String, Object> serde = Map.of("schema.registry.url", stack.registryUrl());
      IngestTopics passTopics = IngestTopics.prefixed("pass");
      IngestTopics fullTopics = IngestTopics.prefixed("full");
      preload(stack, serde, List.of(passTopics.raw("bench"), fullTopics.raw("bench")), events);

      Run pass = passThrough(stack, passTopics, data, events);
      Run full = fullTopology(stack, serde, fullTopics, data, events);
      System.out.printf(
          Locale.ROOT,
          "events=%d pass-through=%.0f ev/s (cpu %.1f us/ev) full=%.0f ev/s (cpu %.1f us/ev)"
              + " ratio(full/pass)=%.2f cpu-ratio(pass/full)=%.2f%n",
          events,
          pass.rate(),
          pass.cpuMicrosPerEvent(),
          full.rate(),
          full.cpuMicrosPerEvent(),
          full.rate() / pass.rate(),
          pass.cpuMicrosPerEvent() / full.cpuMicrosPerEvent());
    }
  }

  private static void preload(
      EmbeddedStack stack, Map<String, Object> serde, List<String> topics, int events)
      throws Exception {
    try (Admin admin = BenchClients.admin(stack)) {
      List<Topic<?, ?>> raw = new ArrayList<>();
      for (String t : topics) {
        raw.add(Topic.avro(t, RecordedEvent.class, new TopicSpec(PARTITIONS, Map.of())));
      }
      TopicAdmin.ensure(admin, raw, (short) 1);
    }
    Topic<String, RecordedEvent> template = Topics.recording("bench", 1);
    try (KafkaProducer<String, RecordedEvent> producer =
        new KafkaProducer<>(
            BenchClients.producerConfig(stack),
            Serdes.String().serializer(),
            template.valueSerde(serde).serializer())) {
      for (String topic : topics) {
        EventBuilder agent = Events.event().recording("bench").at(Instant.now());
        for (int i = 0; i < events; i++) {
          String session = "s" + (i / 8);
          RecordedEvent e =
              agent.session(session).httpServer("GET", "/orders/" + i + "?expand=items", 200);
          producer.send(new ProducerRecord<>(topic, session, e));
        }
      }
    }
  }

  /**
   * Events/s over the second half of the pre-loaded events (from half of the input offsets
   * committed to all of them: the first half warms up the JIT and the app, whose start and first
   * compilations would otherwise be most of a short run), and the process's CPU time per event over
   * the same span (every thread: app, clients, the in-JVM broker, GC, JIT), which other load on the
   * machine disturbs less than the rate.
   */
  private record Run(double rate, double cpuMicrosPerEvent) {
    /** Waits for the app's group to commit every input offset, measuring the second half. */
    static Run measure(EmbeddedStack stack, String group, long events) throws Exception {
      awaitCommitted(stack, group, events / 2);
      long startNanos = System.nanoTime();
      long startCpu = processCpuNanos();
      awaitCommitted(stack, group, events);
      long measured = events - events / 2;
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      return new Run(measured / seconds, (processCpuNanos() - startCpu) / 1e3 / measured);
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Bytes in, bytes out, with the Kafka Streams settings the ingest app runs with (exactly_once_v2,
   * its commit interval and client settings), so that the ratio is the topology's cost alone.
   */
  private static Run passThrough(EmbeddedStack stack, IngestTopics topics, Path data, int events)
      throws Exception {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(topics.source(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(topics.events(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    IngestConfig config =
        IngestConfig.of(BenchClients.ingestSettings(stack, data, "bench-pass", "pass"));
    Properties props =
        StreamsSettings.of(
            config,
            topics,
            new IngestMetrics(new SimpleMeterRegistry()),
            "bench-" + System.nanoTime());
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      streams.start();
      return Run.measure(stack, "bench-pass", events);
    }
  }

  private static Run fullTopology(
      EmbeddedStack stack, Map<String, Object> serde, IngestTopics topics, Path data, int events)
      throws Exception {
    IngestConfig config =
        IngestConfig.of(BenchClients.ingestSettings(stack, data, "bench-full", "full"));
    try (IngestService service = IngestService.start(config)) {
      Run run = Run.measure(stack, "bench-full", events);
      latency(stack, serde, topics, service, run.rate() / 2);
      return run;
    }
  }

  /** p99 of (time read from events, read_committed) − (time produced), at {@code rate} ev/s. */
  private static void latency(
      EmbeddedStack stack,
      Map<String, Object> serde,
      IngestTopics topics,
      IngestService service,
      double rate)
      throws Exception {
    Topic<String, RecordedEvent> template = Topics.recording("bench", 1);
    Map<String, Object> consumerConfig = new HashMap<>();
    consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-latency");
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    int total = (int) (rate * 20);
    try (KafkaConsumer<String, RecordedEvent> consumer =
            new KafkaConsumer<>(
                consumerConfig,
                Serdes.String().deserializer(),
                template.valueSerde(serde).deserializer());
        KafkaProducer<String, RecordedEvent> producer =
            new KafkaProducer<>(
                BenchClients.producerConfig(stack),
                Serdes.String().serializer(),
                template.valueSerde(serde).serializer())) {
      consumer.subscribe(List.of(topics.events()));
      while (consumer.assignment().isEmpty()) {
        consumer.poll(Duration.ofMillis(100));
      }
      Thread reader =
          new Thread(
              () -> {
                while (latencies.size() < total) {
                  for (ConsumerRecord<String, RecordedEvent> r :
                      consumer.poll(Duration.ofMillis(100))) {
                    long sent = r.value().getMonotonicNanos();
                    if (sent > 0) {
                      latencies.add(System.nanoTime() - sent);
                    }
                  }
                }
              });
      EventBuilder agent = Events.event().recording("bench").agent("latency-agent");
      long begin = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = begin + (long) (i * 1e9 / rate);
        // Sleeps rather than spins: a spinning sender would take one of the two cores from the
        // app it measures. The sender falls behind only by timer slack, caught up in a burst.
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        String session = "l" + (i / 8);
        RecordedEvent e =
            agent.session(session).at(Instant.now()).httpServer("GET", "/l/" + i, 200);
        e.setMonotonicNanos(System.nanoTime());
        producer.send(new ProducerRecord<>(topics.raw("bench"), session, e));
        if (i == 0) {
          reader.start();
        }
      }
      reader.join(Duration.ofSeconds(60).toMillis());
      reader.interrupt();
    }
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    long p50 = sorted.get(sorted.size() / 2);
    long p99 = sorted.get((int) (sorted.size() * 0.99));
    System.out.printf(
        Locale.ROOT,
        "latency at %.0f ev/s (%d events, state %s): p50=%.0f ms p99=%.0f ms%n",
        rate,
        sorted.size(),
        service.state(),
        p50 / 1e6,
        p99 / 1e6);
  }

  private static void awaitCommitted(EmbeddedStack stack, String group, long events)
      throws Exception {
    try (Admin admin = BenchClients.admin(stack)) {
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long committed =
            offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().contains(".rec."))
                .mapToLong(e -> e.getValue() == null ? 0 : e.getValue().offset())
                .sum();
        if (committed >= events) {
          return;
        }
        Thread.sleep(50);
      }
    }
  }
}
