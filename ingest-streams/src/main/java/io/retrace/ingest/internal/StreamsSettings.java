package io.retrace.ingest.internal;

import io.retrace.ingest.IngestConfig;
import io.retrace.ingest.IngestTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams settings of the app, from its {@link IngestConfig}. */
public final class StreamsSettings {
  /**
   * Pattern subscriptions see new topics only when metadata is refreshed (default every 5 min). A
   * backstop: {@link StreamsRunner} lists the topics every 250 ms and restarts the client cleanly
   * on a new one, before Kafka Streams sees it and fails a thread.
   */
  static final int METADATA_MAX_AGE_MS = 5000;

  /** How long a restore fetch waits for data on the broker (the default is 500 ms). */
  static final int RESTORE_FETCH_MAX_WAIT_MS = 50;

  /** Producer batch size per partition (the default is 16 KB, about 50 events). */
  static final int PRODUCER_BATCH_BYTES = 256 * 1024;

  private StreamsSettings() {}

  /**
   * The app's settings; {@code instanceId} makes its consumers static group members (see {@link
   * #instanceId}).
   */
  public static Properties of(
      IngestConfig config, IngestTopics topics, IngestMetrics metrics, String instanceId) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().resolve("streams").toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    props.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG),
        METADATA_MAX_AGE_MS);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // A new client (StreamsRunner, on a new recording topic) checks every store's changelog before
    // its tasks run; with the default 500 ms a fetch of a changelog with nothing to restore waits
    // that long on the broker, several times over.
    props.put(
        StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
        RESTORE_FETCH_MAX_WAIT_MS);
    // Kafka Streams appends each thread's index. A client that restarts (after a crash, a deploy,
    // or a new recording topic: StreamsRunner) takes its partitions back at once instead of
    // waiting for the old members' sessions to expire.
    props.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
    // Tasks never wait for one input to catch up with another: the inputs of one task (the
    // partitions of several recordings; the catalog's own topic and its deltas) are independent.
    // With the default (0) Kafka Streams 4.4 also formats a log message for every check.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    // Fewer, larger produce requests: most of the broker's work per record is per request.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        (int) config.consumerSessionTimeout().toMillis());
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        ErrorHandlers.Deserialization.class);
    props.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ErrorHandlers.Production.class);
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ErrorHandlers.Processing.class);
    // The topology has no global stores; without this Kafka Streams 4.4 warns at every start that
    // the handler is off for them (5.0 turns it on by default).
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(ErrorHandlers.METRICS, metrics);
    props.put(ErrorHandlers.DLQ_TOPIC, topics.dlq());
    props.put(ErrorHandlers.KEEP_UNDECODABLE, Boolean.toString(config.dlqKeepUndecodable()));
    return props;
  }

  /**
   * This app instance's static group member id: {@code <application.id>-<random>}, made once and
   * kept in {@code <state.dir>/instance-id}. The state dir belongs to one running instance (Kafka
   * Streams locks it), so two instances never share an id, and a restarted one keeps its own.
   */
  public static String instanceId(IngestConfig config) throws IOException {
    Path file = config.stateDir().resolve("instance-id");
    if (Files.exists(file)) {
      String id = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!id.isEmpty()) {
        return id;
      }
    }
    String id = config.applicationId() + "-" + UUID.randomUUID();
    Files.createDirectories(config.stateDir());
    Path temp = Files.createTempFile(config.stateDir(), "instance-id", ".tmp");
    Files.writeString(temp, id + "\n", StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return id;
  }
}
