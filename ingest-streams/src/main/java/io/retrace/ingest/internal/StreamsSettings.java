package io.retrace.ingest.internal;

import io.retrace.ingest.IngestConfig;
import io.retrace.ingest.IngestTopics;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams settings of the app, from its {@link IngestConfig}. */
public final class StreamsSettings {
  /**
   * Pattern subscriptions see new topics only when metadata is refreshed (default every 5 min); a
   * new recording topic must be picked up within about 2 s.
   */
  static final int METADATA_MAX_AGE_MS = 1000;

  /** Producer batch size per partition (the default is 16 KB, about 50 events). */
  static final int PRODUCER_BATCH_BYTES = 256 * 1024;

  private StreamsSettings() {}

  public static Properties of(IngestConfig config, IngestTopics topics, IngestMetrics metrics) {
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
    props.put(ErrorHandlers.METRICS, metrics);
    props.put(ErrorHandlers.DLQ_TOPIC, topics.dlq());
    props.put(ErrorHandlers.KEEP_UNDECODABLE, Boolean.toString(config.dlqKeepUndecodable()));
    return props;
  }
}
