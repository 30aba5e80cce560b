package io.retrace.ingest;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.retrace.ingest.internal.HmacKeys;
import io.retrace.ingest.internal.HttpEndpoint;
import io.retrace.ingest.internal.IngestMetrics;
import io.retrace.ingest.internal.RedactionHolder;
import io.retrace.ingest.internal.StreamsRunner;
import io.retrace.ingest.internal.StreamsSettings;
import io.retrace.schemas.registry.RegistryConfig;
import io.retrace.schemas.registry.RestSchemaRegistryClient;
import io.retrace.schemas.registry.SchemaRegistryClient;
import io.retrace.schemas.topic.Topic;
import io.retrace.schemas.topic.TopicAdmin;
import io.retrace.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest app as a library: {@link #start} creates the output topics if needed, loads the
 * redaction policy (watching it for changes), starts Kafka Streams and the /metrics + /health
 * server; {@link #close} stops them. Used by {@link IngestMain} and by the embedded stack.
 */
public final class IngestService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestService.class);

  /** How often the recording topics are listed, so that a new one is read within ~2 s. */
  private static final Duration TOPIC_POLL_INTERVAL = Duration.ofMillis(250);

  /** How long a Kafka Streams client may take to commit and stop. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final StreamsRunner streams;
  private final RedactionHolder redaction;
  private final HttpEndpoint http;
  private final Deque<AutoCloseable> resources;

  private IngestService(
      StreamsRunner streams,
      RedactionHolder redaction,
      HttpEndpoint http,
      Deque<AutoCloseable> resources) {
    this.streams = streams;
    this.redaction = redaction;
    this.http = http;
    this.resources = resources;
  }

  /**
   * Starts the app on {@link IngestConfig#topics()}. Returns once Kafka Streams is started (not yet
   * RUNNING: see {@link #state()}).
   *
   * @throws io.retrace.redaction.PolicyException when the policy file is invalid
   */
  public static IngestService start(IngestConfig config) throws Exception {
    IngestTopics topics = config.topics();
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      ensureTopics(config, topics);
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      resources.push(meters::close);
      IngestMetrics metrics = new IngestMetrics(meters);
      byte[] key = HmacKeys.resolve(config.hmacKey(), config.hmacKeyFile(), config.stateDir());
      RedactionHolder redaction =
          RedactionHolder.start(config.policyFile(), key, config.policyCheckInterval(), metrics);
      resources.push(redaction);
      SchemaRegistryClient registry =
          new RestSchemaRegistryClient(RegistryConfig.from(config.serdeConfig()));
      resources.push(registry);

      Properties settings =
          StreamsSettings.of(config, topics, metrics, StreamsSettings.instanceId(config));
      Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()));
      resources.push(admin);
      StreamsRunner streams =
          new StreamsRunner(
              () -> {
                Topology topology =
                    IngestTopology.build(config, topics, redaction, registry, meters);
                log.debug("Ingest topology:\n{}", topology.describe());
                return new KafkaStreams(topology, settings);
              },
              admin,
              topics.source(),
              TOPIC_POLL_INTERVAL,
              meters,
              metrics,
              CLOSE_TIMEOUT);
      HttpEndpoint http = null;
      if (config.metricsPort() >= 0) {
        http = HttpEndpoint.start(config.metricsPort(), meters, streams::state);
        resources.push(http);
        log.info("Ingest metrics and health on port {}", http.port());
      }
      streams.start();
      log.info(
          "Ingest started: application {} reading {} on {}",
          config.applicationId(),
          topics.source(),
          config.bootstrapServers());
      return new IngestService(streams, redaction, http, resources);
    } catch (Exception | Error e) {
      closeAll(resources, e);
      throw e;
    }
  }

  /** Kafka Streams' state: RUNNING once the app processes records. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The port of /metrics and /health, or -1 when no server runs. */
  public int metricsPort() {
    return http == null ? -1 : http.port();
  }

  /** The hash of the redaction policy in force. */
  public String policyHash() {
    return redaction.policyHash();
  }

  @Override
  public void close() {
    close(CLOSE_TIMEOUT);
  }

  /** Stops Kafka Streams (committing what was processed), the watcher and the HTTP server. */
  public void close(Duration timeout) {
    boolean stopped = streams.close(timeout);
    if (!stopped) {
      log.warn("Kafka Streams did not stop within {}", timeout);
    }
    RuntimeException failure = new IllegalStateException("Stopping ingest failed");
    closeAll(resources, failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  private static void ensureTopics(IngestConfig config, IngestTopics topics)
      throws InterruptedException {
    List<Topic<?, ?>> outputs =
        List.of(
            renamed(Topics.EVENTS, topics.events()),
            renamed(Topics.SESSIONS, topics.sessions()),
            renamed(Topics.RECORDINGS, topics.recordings()),
            renamed(Topics.DLQ, topics.dlq()));
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
      TopicAdmin.ensure(admin, outputs, (short) config.replicationFactor());
    }
  }

  private static <K, V> Topic<K, V> renamed(Topic<K, V> template, String name) {
    return new Topic<>(name, template.keySerde(), template::valueSerde, template.spec());
  }

  private static void closeAll(Deque<AutoCloseable> resources, Throwable failures) {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        failures.addSuppressed(e);
      }
    }
  }
}
