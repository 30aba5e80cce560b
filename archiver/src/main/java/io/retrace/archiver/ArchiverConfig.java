package io.retrace.archiver;

import io.retrace.schemas.config.Config;
import io.retrace.schemas.config.ConfigSources;
import io.retrace.schemas.config.ConfigSpec;
import io.retrace.schemas.config.Setting;
import io.retrace.schemas.topic.Topics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the archiver is configured with, loaded once and validated as a whole. Each key is
 * declared once in {@link #SPEC} with its default and doc; {@code ArchiverMain --help} prints them.
 */
public record ArchiverConfig(
    String bootstrapServers,
    String schemaRegistryUrl,
    URI archiveUri,
    String groupId,
    String groupInstanceId,
    Map<String, String> tableTopics,
    String dlqTopic,
    long rotationRecords,
    long rotationBytes,
    Duration rotationInterval,
    Duration rotationRecordTime,
    int maxOpenWriters,
    long maxBufferedBytes,
    int writerThreads,
    Compression compression,
    int compressionLevel,
    int maxPollRecords,
    Duration retryBackoffInitial,
    Duration retryBackoffMax,
    S3Settings s3,
    EncryptionSettings encryption,
    RetentionSettings retention,
    int metricsPort) {

  /** Parquet codecs the archiver writes; all of them are read by DuckDB, Trino and Spark. */
  public enum Compression {
    UNCOMPRESSED,
    SNAPPY,
    GZIP,
    ZSTD,
    LZ4_RAW
  }

  /** Server-side encryption the S3 store applies on write. */
  public enum SseAlgorithm {
    NONE,
    SSE_S3,
    SSE_KMS
  }

  /** How to reach an S3-compatible store for {@code s3a://} archive URIs. */
  public record S3Settings(
      String endpoint,
      String region,
      boolean pathStyle,
      String credentialsProvider,
      String accessKey,
      String secretKey,
      SseAlgorithm sseAlgorithm,
      String sseKmsKey,
      int maxAttempts) {}

  /**
   * Parquet modular encryption: which columns are sensitive, which master keys protect them.
   *
   * @param keyFile a properties file {@code <keyId>=<base64 128/192/256-bit key>} read by the local
   *     KMS client
   */
  public record EncryptionSettings(
      boolean enabled,
      Path keyFile,
      String footerKeyId,
      String columnKeyId,
      boolean plaintextFooter,
      List<String> columns) {}

  /**
   * When archived recordings are deleted.
   *
   * @param services per-service retention in days, overriding {@code defaultDays}
   */
  public record RetentionSettings(int defaultDays, Map<String, Integer> services, String actor) {
    /** The retention of {@code service} in days. */
    public int daysFor(String service) {
      return services.getOrDefault(service, defaultDays);
    }
  }

  public static final ConfigSpec SPEC = new ConfigSpec("archiver");

  static final Setting<String> BOOTSTRAP =
      SPEC.requiredString("bootstrap.servers", "Kafka bootstrap servers, host:port,...");
  static final Setting<String> REGISTRY =
      SPEC.requiredString("schema.registry.url", "Schema registry URL");
  static final Setting<URI> ARCHIVE =
      SPEC.define(
          new Setting<>(
              "archive.uri",
              null,
              "Archive root: file:///path or s3a://bucket/prefix",
              ArchiverConfig::parseArchiveUri,
              true));
  static final Setting<String> GROUP =
      SPEC.string("group.id", "retrace-archiver", "Consumer group; add instances to scale out");
  static final Setting<String> GROUP_INSTANCE =
      SPEC.string(
          "group.instance.id",
          "",
          "Static group membership id, unique per instance (e.g. the pod name): a restarted"
              + " instance gets its partitions back at once instead of after the session timeout");
  static final Setting<String> EVENTS_TOPIC =
      SPEC.string("topic.events", Topics.EVENTS.name(), "Topic archived into the events table");
  static final Setting<String> SESSIONS_TOPIC =
      SPEC.string(
          "topic.sessions", Topics.SESSIONS.name(), "Topic archived into the sessions table");
  static final Setting<String> RECORDINGS_TOPIC =
      SPEC.string(
          "topic.recordings",
          Topics.RECORDINGS.name(),
          "Topic archived into the recordings table; also the retention catalog");
  static final Setting<String> AUDIT_TOPIC =
      SPEC.string(
          "topic.audit",
          Topics.AUDIT.name(),
          "Topic archived into the audit table; retention writes deletions here");
  static final Setting<String> DLQ_TOPIC =
      SPEC.string(
          "topic.dlq", Topics.DLQ.name(), "Where records that cannot be read are dead-lettered");
  static final Setting<Integer> ROTATION_RECORDS =
      SPEC.integer(
          "rotation.records", 500_000, 1, Integer.MAX_VALUE, "Records per file before rotating");
  static final Setting<Long> ROTATION_BYTES =
      SPEC.bytes("rotation.bytes", 256L << 20, "Input (Avro) bytes per file before rotating");
  static final Setting<Duration> ROTATION_INTERVAL =
      SPEC.duration(
          "rotation.interval",
          Duration.ofMinutes(10),
          "Wall-clock time a file stays open at most; bounds how late data becomes visible");
  static final Setting<Duration> ROTATION_RECORD_TIME =
      SPEC.duration(
          "rotation.record.time",
          Duration.ofHours(1),
          "Span of record (event) time one file covers at most");
  static final Setting<Integer> MAX_OPEN_WRITERS =
      SPEC.integer(
          "max.open.writers", 256, 1, 100_000, "Open files at most; the largest is closed first");
  static final Setting<Long> MAX_BUFFERED_BYTES =
      SPEC.bytes(
          "max.buffered.bytes",
          128L << 20,
          "Parquet buffers held in memory by open files at most; the largest file is closed first");
  static final Setting<Integer> WRITER_THREADS =
      SPEC.integer(
          "writer.threads",
          2,
          0,
          64,
          "Threads encoding Parquet, each for a share of the Kafka partitions; 0 encodes on the"
              + " consumer thread");
  static final Setting<Compression> COMPRESSION =
      SPEC.enumeration("compression", Compression.class, Compression.ZSTD, "Parquet codec");
  static final Setting<Integer> COMPRESSION_LEVEL =
      SPEC.integer(
          "compression.level",
          3,
          1,
          22,
          "ZSTD level, from 1 (fastest) to 22 (smallest); the other codecs have none");
  static final Setting<Integer> MAX_POLL_RECORDS =
      SPEC.integer("max.poll.records", 2000, 1, 100_000, "Records per consumer poll");
  static final Setting<Duration> RETRY_INITIAL =
      SPEC.duration(
          "retry.backoff.initial",
          Duration.ofMillis(500),
          "First wait after a retriable storage failure");
  static final Setting<Duration> RETRY_MAX =
      SPEC.duration(
          "retry.backoff.max", Duration.ofSeconds(30), "Longest wait between storage retries");
  static final Setting<String> S3_ENDPOINT =
      SPEC.string("s3.endpoint", "", "S3 endpoint URL; empty for AWS");
  static final Setting<String> S3_REGION = SPEC.string("s3.region", "us-east-1", "S3 region");
  static final Setting<Boolean> S3_PATH_STYLE =
      SPEC.bool("s3.path.style", false, "Path-style bucket addressing (MinIO, s3proxy, Ceph)");
  static final Setting<String> S3_CREDENTIALS =
      SPEC.string(
          "s3.credentials.provider",
          "",
          "AWS credentials provider class; empty: static keys when given, else the default chain");
  static final Setting<String> S3_ACCESS_KEY =
      SPEC.string("s3.access.key", "", "Static access key");
  static final Setting<String> S3_SECRET_KEY =
      SPEC.string("s3.secret.key", "", "Static secret key");
  static final Setting<SseAlgorithm> S3_SSE =
      SPEC.enumeration(
          "s3.sse.algorithm", SseAlgorithm.class, SseAlgorithm.NONE, "Server-side encryption");
  static final Setting<String> S3_SSE_KEY =
      SPEC.string("s3.sse.kms.key", "", "KMS key id or ARN for sse-kms");
  static final Setting<Integer> S3_MAX_ATTEMPTS =
      SPEC.integer(
          "s3.max.attempts",
          3,
          1,
          100,
          "Attempts of one S3 request inside the client before the archiver's own retry");
  static final Setting<Boolean> ENCRYPTION =
      SPEC.bool("encryption.enabled", false, "Encrypt the sensitive columns (Parquet modular)");
  static final Setting<String> ENCRYPTION_KEY_FILE =
      SPEC.string("encryption.key.file", "", "Local KMS key file: keyId=base64 key per line");
  static final Setting<String> ENCRYPTION_FOOTER_KEY =
      SPEC.string("encryption.footer.key", "footer", "Master key id for the footer");
  static final Setting<String> ENCRYPTION_COLUMN_KEY =
      SPEC.string("encryption.column.key", "columns", "Master key id for the sensitive columns");
  static final Setting<Boolean> ENCRYPTION_PLAINTEXT_FOOTER =
      SPEC.bool(
          "encryption.plaintext.footer",
          true,
          "Keep the footer readable so non-sensitive columns stay queryable without keys");
  static final Setting<List<String>> ENCRYPTION_COLUMNS =
      SPEC.list(
          "encryption.columns",
          List.of(
              "event.payload.member0.requestHeaders",
              "event.payload.member0.requestBody",
              "event.payload.member0.responseHeaders",
              "event.payload.member0.responseBody",
              "event.payload.member1.parameters",
              "event.payload.member1.resultSet"),
          "Sensitive columns (dotted paths; a group covers its leaves)");
  static final Setting<Integer> RETENTION_DAYS =
      SPEC.integer("retention.default.days", 30, 1, 36_500, "Days an archived recording is kept");
  static final Setting<Map<String, Integer>> RETENTION_SERVICES =
      SPEC.custom(
          "retention.services",
          Map.of(),
          "Per-service retention days, e.g. orders=90,payments=7",
          ArchiverConfig::parseServiceDays);
  static final Setting<String> RETENTION_ACTOR =
      SPEC.string("retention.actor", "retrace-archiver", "Actor named in deletion audit events");
  static final Setting<Integer> METRICS_PORT =
      SPEC.integer(
          "metrics.port", -1, -1, 65535, "Port of /metrics and /health; 0 any free, -1 off");

  /** Loads and validates; every problem is reported in one {@code ConfigException}. */
  public static ArchiverConfig load(ConfigSources sources) {
    Config c = SPEC.load(sources);
    Map<String, String> topics = new LinkedHashMap<>();
    topics.put(c.get(EVENTS_TOPIC), "events");
    topics.put(c.get(SESSIONS_TOPIC), "sessions");
    topics.put(c.get(RECORDINGS_TOPIC), "recordings");
    topics.put(c.get(AUDIT_TOPIC), "audit");
    String keyFile = c.get(ENCRYPTION_KEY_FILE);
    return new ArchiverConfig(
        c.get(BOOTSTRAP),
        c.get(REGISTRY),
        c.get(ARCHIVE),
        c.get(GROUP),
        c.get(GROUP_INSTANCE),
        Map.copyOf(topics),
        c.get(DLQ_TOPIC),
        c.get(ROTATION_RECORDS),
        c.get(ROTATION_BYTES),
        c.get(ROTATION_INTERVAL),
        c.get(ROTATION_RECORD_TIME),
        c.get(MAX_OPEN_WRITERS),
        c.get(MAX_BUFFERED_BYTES),
        c.get(WRITER_THREADS),
        c.get(COMPRESSION),
        c.get(COMPRESSION_LEVEL),
        c.get(MAX_POLL_RECORDS),
        c.get(RETRY_INITIAL),
        c.get(RETRY_MAX),
        new S3Settings(
            c.get(S3_ENDPOINT),
            c.get(S3_REGION),
            c.get(S3_PATH_STYLE),
            c.get(S3_CREDENTIALS),
            c.get(S3_ACCESS_KEY),
            c.get(S3_SECRET_KEY),
            c.get(S3_SSE),
            c.get(S3_SSE_KEY),
            c.get(S3_MAX_ATTEMPTS)),
        new EncryptionSettings(
            c.get(ENCRYPTION),
            keyFile.isEmpty() ? null : Path.of(keyFile),
            c.get(ENCRYPTION_FOOTER_KEY),
            c.get(ENCRYPTION_COLUMN_KEY),
            c.get(ENCRYPTION_PLAINTEXT_FOOTER),
            c.get(ENCRYPTION_COLUMNS)),
        new RetentionSettings(
            c.get(RETENTION_DAYS), c.get(RETENTION_SERVICES), c.get(RETENTION_ACTOR)),
        c.get(METRICS_PORT));
  }

  /** Explicit key/values only; for the embedded stage and tests. */
  public static ArchiverConfig of(Map<String, String> values) {
    return load(ConfigSources.of(values));
  }

  /** The table a topic is archived into, or null when the topic is not archived. */
  public String tableOf(String topic) {
    return tableTopics.get(topic);
  }

  /** The topic archived into {@code table}. */
  public String topicOf(String table) {
    return tableTopics.entrySet().stream()
        .filter(e -> e.getValue().equals(table))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow();
  }

  static URI parseArchiveUri(String s) {
    URI uri = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("file") && !scheme.equals("s3a")) {
      throw new IllegalArgumentException("use file:///path or s3a://bucket/prefix");
    }
    if (scheme.equals("s3a") && (uri.getHost() == null || uri.getHost().isEmpty())) {
      throw new IllegalArgumentException("an s3a URI needs a bucket: s3a://bucket/prefix");
    }
    if (scheme.equals("file") && (uri.getPath() == null || uri.getPath().isEmpty())) {
      throw new IllegalArgumentException("a file URI needs an absolute path: file:///path");
    }
    return uri;
  }

  static Map<String, Integer> parseServiceDays(String s) {
    Map<String, Integer> days = new LinkedHashMap<>();
    for (String entry : s.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] kv = entry.split("=", 2);
      try {
        int d = Integer.parseInt(kv.length == 2 ? kv[1].trim() : "");
        if (d < 1) {
          throw new NumberFormatException();
        }
        days.put(kv[0].trim(), d);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "'" + entry.trim() + "' is not service=days with days >= 1");
      }
    }
    return Map.copyOf(days);
  }
}
