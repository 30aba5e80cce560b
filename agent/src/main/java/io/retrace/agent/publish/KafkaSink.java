package io.retrace.agent.publish;

import io.retrace.agent.AgentContext;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.TopicAdmin;
import io.retrace.schemas.topic.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends events to {@code retrace.rec.<recording>} keyed by session id, with an idempotent acks=all
 * producer. While the broker is unreachable, events go to the {@link Spool} in order; once a probe
 * reaches the broker again, the spool drains first and live sending resumes after it. Values are
 * written by {@link EventSerializer}: the bytes of the schemas module's {@code AvroSerializer}, at
 * about a quarter of its cost.
 */
public final class KafkaSink implements EventSink {
  private static final Logger log = Logger.getLogger(KafkaSink.class.getName());
  private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final KafkaProducer<String, RecordedEvent> producer;
  private final Admin admin;
  private final Spool spool;
  private final int partitions;
  private final AgentMetrics metrics;
  private final Set<String> knownTopics = new HashSet<>();
  private final ConcurrentLinkedQueue<RecordedEvent> failed = new ConcurrentLinkedQueue<>();
  private String lastRecording;
  private String lastTopic;
  private boolean spooling;
  private long nextProbe;

  /**
   * @param deliveryTimeout how long the producer keeps retrying a record before it goes to the
   *     spool; an outage shorter than this costs nothing but latency
   */
  public KafkaSink(
      String bootstrap,
      String registryUrl,
      Spool spool,
      int partitions,
      Duration deliveryTimeout,
      AgentMetrics metrics) {
    Map<String, Object> config = producerConfig(bootstrap, registryUrl, deliveryTimeout);
    EventSerializer values = new EventSerializer();
    values.configure(config, false);
    try (AgentContext ignored = AgentContext.enter()) {
      this.producer = new KafkaProducer<>(config, new StringSerializer(), values);
      this.admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                  3_000,
                  AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                  5_000,
                  AdminClientConfig.CLIENT_ID_CONFIG,
                  "retrace-agent-admin"));
    }
    this.spool = spool;
    this.partitions = partitions;
    this.metrics = metrics;
  }

  /**
   * The producer settings of the sink: idempotent, acks=all, lz4, large batches, short blocking.
   * Public so that a benchmark's plain-producer baseline runs with exactly these.
   */
  public static Map<String, Object> producerConfig(
      String bootstrap, String registryUrl, Duration deliveryTimeout) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    // The broker's cost is mostly per request: large batches, and requests that carry a full batch
    // of every partition (512 KB x partitions), raised events/s by ~15-20 % over 256 KB batches in
    // 1 MB requests. A batch closes at about 512 KB compressed, half the broker's default limit.
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 32L << 20);
    // Short waits: an unreachable broker sends events to the spool quickly, not after minutes.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
    long delivery = deliveryTimeout.toMillis();
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
    // Kafka requires delivery.timeout >= linger + request.timeout.
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(5_000, delivery - 100));
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "retrace-agent");
    config.put("schema.registry.url", registryUrl);
    return config;
  }

  @Override
  public void write(List<RecordedEvent> events) throws IOException {
    List<RecordedEvent> retry = new ArrayList<>();
    for (RecordedEvent e; (e = failed.poll()) != null; ) {
      retry.add(e);
    }
    if (!retry.isEmpty()) {
      enterSpooling("sends failed: " + retry.size() + " events");
      toSpool(retry);
    }
    if (spooling && !tryLeaveSpooling()) {
      toSpool(events);
      return;
    }
    for (int i = 0; i < events.size(); i++) {
      try {
        send(events.get(i));
      } catch (RuntimeException unreachable) {
        enterSpooling(unreachable.toString());
        toSpool(events.subList(i, events.size()));
        return;
      }
    }
  }

  private void send(RecordedEvent event) {
    String topic = topicFor(event.getRecordingId());
    producer.send(
        new ProducerRecord<>(topic, event.getSessionId(), event),
        (metadata, error) -> {
          if (error == null) {
            metrics.sent.increment();
          } else {
            metrics.sendErrors.increment();
            failed.add(event);
          }
        });
  }

  private String topicFor(String recordingId) {
    // One recording at a time: the last topic answers nearly every event without building a Topic.
    if (recordingId.equals(lastRecording)) {
      return lastTopic;
    }
    Topic<String, RecordedEvent> topic = Topics.recording(recordingId, partitions);
    if (knownTopics.add(topic.name())) {
      try {
        TopicAdmin.ensure(admin, List.of(topic), (short) 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        knownTopics.remove(topic.name());
        throw e;
      }
    }
    lastRecording = recordingId;
    lastTopic = topic.name();
    return lastTopic;
  }

  private void enterSpooling(String why) {
    if (!spooling) {
      log.log(Level.WARNING, "Retrace: broker unreachable ({0}); spooling events to disk", why);
      spooling = true;
      nextProbe = System.nanoTime() + PROBE_INTERVAL_NANOS;
    }
  }

  private boolean tryLeaveSpooling() throws IOException {
    if (System.nanoTime() < nextProbe) {
      return false;
    }
    nextProbe = System.nanoTime() + PROBE_INTERVAL_NANOS;
    try {
      admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
    } catch (Exception stillDown) {
      return false;
    }
    if (spool != null) {
      long drained =
          spool.drain(
              events -> {
                events.forEach(this::send);
                producer.flush();
              });
      log.log(Level.INFO, "Retrace: broker reachable again; drained {0} spooled events", drained);
    }
    spooling = !failed.isEmpty();
    return !spooling;
  }

  private void toSpool(List<RecordedEvent> events) throws IOException {
    if (spool == null) {
      metrics.dropped.add(events.size());
      return;
    }
    spool.append(events);
    metrics.spooled.add(events.size());
  }

  @Override
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() throws IOException {
    // Last chance for what failed or waits in the spool: if the broker answers now, send it;
    // otherwise it stays on disk and the next start of the agent drains it.
    producer.flush();
    write(List.of()); // failed sends move to the spool
    nextProbe = 0;
    write(List.of()); // and the spool drains now if the broker answers
    producer.close(Duration.ofSeconds(10));
    admin.close(Duration.ofSeconds(2));
  }
}
