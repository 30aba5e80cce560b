package io.retrace.ingest;

import io.retrace.schemas.config.Config;
import io.retrace.schemas.config.ConfigSources;
import io.retrace.schemas.config.ConfigSpec;
import io.retrace.schemas.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The ingest app's configuration: one immutable record, every key declared once in {@link #SPEC}
 * with its default and doc. Load it with {@link #load(ConfigSources)}; keys are given without the
 * {@code retrace.} prefix (a {@code -Dretrace.session.gap=10s} system property, or {@code
 * RETRACE_SESSION_GAP} in the environment).
 *
 * @param policyFile the redaction policy YAML, or null for the built-in defaults
 * @param hmacKeyFile a file holding the HMAC key of the policy's hash action, or null
 * @param hmacKey the HMAC key itself, or null; when neither is given a random key is generated and
 *     kept under {@code stateDir}
 * @param metricsPort the /metrics and /health port; 0 picks a free one, -1 runs no server
 */
public record IngestConfig(
    String bootstrapServers,
    String schemaRegistryUrl,
    String applicationId,
    Path stateDir,
    Duration sessionGap,
    Duration sessionGrace,
    int standbyReplicas,
    int replicationFactor,
    Path policyFile,
    Duration policyCheckInterval,
    Path hmacKeyFile,
    String hmacKey,
    boolean dlqKeepUndecodable,
    Duration agentIdle,
    Duration recordingIdle,
    Duration traceRetention,
    int metricsPort,
    Duration commitInterval,
    int streamThreads,
    Duration consumerSessionTimeout,
    String topicsPrefix) {

  /** Every key of the ingest app. */
  public static final ConfigSpec SPEC = new ConfigSpec("ingest");

  private static final Setting<String> BOOTSTRAP_SERVERS =
      SPEC.requiredString("bootstrap.servers", "Kafka bootstrap servers, host:port[,host:port]");
  private static final Setting<String> SCHEMA_REGISTRY_URL =
      SPEC.requiredString("schema.registry.url", "Schema registry base URL(s), comma-separated");
  private static final Setting<String> APPLICATION_ID =
      SPEC.string(
          "application.id",
          "retrace-ingest",
          "Kafka Streams application id: consumer group, prefix of internal topics");
  private static final Setting<String> STATE_DIR =
      SPEC.string(
          "state.dir",
          System.getProperty("java.io.tmpdir") + "/retrace-ingest",
          "Local state stores (RocksDB) and the generated HMAC key");
  private static final Setting<Duration> SESSION_GAP =
      SPEC.duration(
          "session.gap", Duration.ofSeconds(30), "Inactivity that closes a session window");
  private static final Setting<Duration> SESSION_GRACE =
      SPEC.duration(
          "session.grace",
          Duration.ofSeconds(60),
          "How long after a session closes late events still update its summary");
  private static final Setting<Integer> STANDBY_REPLICAS =
      SPEC.integer("standby.replicas", 0, 0, 10, "Kafka Streams num.standby.replicas");
  private static final Setting<Integer> REPLICATION_FACTOR =
      SPEC.integer(
          "replication.factor",
          1,
          -1,
          32,
          "Replication factor of internal topics; -1 uses the broker default");
  private static final Setting<String> POLICY_FILE =
      SPEC.string(
          "policy.file", "", "Redaction policy YAML; empty uses the built-in default policy");
  private static final Setting<Duration> POLICY_CHECK_INTERVAL =
      SPEC.duration(
          "policy.check.interval",
          Duration.ofSeconds(2),
          "How often the policy file is checked for changes");
  private static final Setting<String> HMAC_KEY_FILE =
      SPEC.string("hmac.key.file", "", "File holding the secret key of the hash action");
  private static final Setting<String> HMAC_KEY =
      SPEC.string(
          "hmac.key",
          "",
          "The secret key of the hash action; when neither this nor hmac.key.file is set, a"
              + " random key is generated once and kept under state.dir");
  private static final Setting<Boolean> DLQ_KEEP_UNDECODABLE =
      SPEC.bool(
          "dlq.keep.undecodable",
          false,
          "Keep the original bytes of undecodable records in retrace.dlq; they cannot be"
              + " redacted, so by default only the reason headers are kept");
  private static final Setting<Duration> AGENT_IDLE =
      SPEC.duration(
          "agent.idle",
          Duration.ofHours(1),
          "An agent not seen for this long is forgotten by the sequence check");
  private static final Setting<Duration> RECORDING_IDLE =
      SPEC.duration(
          "recording.idle",
          Duration.ofMinutes(30),
          "A recording without events for this long is marked ENDED in the catalog");
  private static final Setting<Duration> TRACE_RETENTION =
      SPEC.duration(
          "trace.retention",
          Duration.ofHours(1),
          "How long sessions are kept for linking by trace id after their last update");
  private static final Setting<Integer> METRICS_PORT =
      SPEC.integer(
          "metrics.port", 9464, -1, 65535, "Port of /metrics and /health; 0 = any, -1 = none");
  private static final Setting<Duration> COMMIT_INTERVAL =
      SPEC.duration(
          "commit.interval",
          Duration.ofMillis(200),
          "Kafka Streams commit interval: the end-to-end latency floor under exactly-once; each"
              + " commit is a transaction, so shorter costs throughput");
  private static final Setting<Integer> STREAM_THREADS =
      SPEC.integer("stream.threads", 1, 1, 64, "Kafka Streams num.stream.threads");

  private static final Setting<Duration> CONSUMER_SESSION_TIMEOUT =
      SPEC.duration(
          "consumer.session.timeout",
          Duration.ofSeconds(10),
          "How long the group waits for a silent instance (or a replaced stream thread) before"
              + " giving its partitions to others");
  private static final Setting<String> TOPICS_PREFIX =
      SPEC.string(
          "topics.prefix",
          "",
          "Empty for DESIGN.md's topics (retrace.rec.*, retrace.events, ...); P reads P.rec.* and"
              + " writes P.events, P.sessions, P.recordings, P.dlq");

  /**
   * Loads and validates the configuration.
   *
   * @throws io.retrace.schemas.config.ConfigException listing every problem at once
   */
  public static IngestConfig load(ConfigSources sources) {
    Config c = SPEC.load(sources);
    return new IngestConfig(
        c.get(BOOTSTRAP_SERVERS),
        c.get(SCHEMA_REGISTRY_URL),
        c.get(APPLICATION_ID),
        Path.of(c.get(STATE_DIR)),
        c.get(SESSION_GAP),
        c.get(SESSION_GRACE),
        c.get(STANDBY_REPLICAS),
        c.get(REPLICATION_FACTOR),
        optionalPath(c.get(POLICY_FILE)),
        c.get(POLICY_CHECK_INTERVAL),
        optionalPath(c.get(HMAC_KEY_FILE)),
        emptyToNull(c.get(HMAC_KEY)),
        c.get(DLQ_KEEP_UNDECODABLE),
        c.get(AGENT_IDLE),
        c.get(RECORDING_IDLE),
        c.get(TRACE_RETENTION),
        c.get(METRICS_PORT),
        c.get(COMMIT_INTERVAL),
        c.get(STREAM_THREADS),
        c.get(CONSUMER_SESSION_TIMEOUT),
        c.get(TOPICS_PREFIX));
  }

  /** Explicit values only, the rest defaults: for embedding (the stack) and tests. */
  public static IngestConfig of(Map<String, String> values) {
    return load(ConfigSources.of(values));
  }

  /** The topics this configuration reads and writes. */
  public IngestTopics topics() {
    return topicsPrefix.isEmpty() ? IngestTopics.standard() : IngestTopics.prefixed(topicsPrefix);
  }

  /** The serde settings of the schema registry connection. */
  public Map<String, Object> serdeConfig() {
    return Map.of("schema.registry.url", schemaRegistryUrl);
  }

  private static Path optionalPath(String value) {
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  private static String emptyToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
