package io.retrace.agent;

import io.retrace.agent.publish.FileSink;
import io.retrace.schemas.config.Config;
import io.retrace.schemas.config.ConfigSources;
import io.retrace.schemas.config.ConfigSpec;
import io.retrace.schemas.config.Setting;
import io.retrace.schemas.topic.RecordingIds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the agent can be told, from {@code -javaagent:retrace-agent.jar=k=v,...}, then {@code
 * -Dretrace.k=v}, then {@code RETRACE_K=v} (DESIGN.md, "Agent options").
 */
public record AgentConfig(
    String service,
    String version,
    Mode mode,
    String bootstrap,
    String registry,
    String recording,
    Path out,
    FileSink.Compression outCodec,
    boolean control,
    String controlKey,
    int adminPort,
    String adminToken,
    String correlationHeader,
    double sampleRate,
    int bufferEvents,
    Path spoolDir,
    long spoolMaxBytes,
    Duration deliveryTimeout,
    String replaySource,
    int topicPartitions,
    Duration maxWindow,
    int bodyMaxBytes,
    int jdbcMaxRows,
    List<String> captureMethods,
    boolean redaction,
    Path redactionPolicy,
    String redactionKey,
    String host,
    String pod,
    String region,
    String environment) {

  /** What the agent does with intercepted calls. */
  public enum Mode {
    RECORD,
    REPLAY,
    OFF
  }

  private static final ConfigSpec SPEC = new ConfigSpec("agent");
  private static final Setting<String> SERVICE =
      SPEC.string("service", "unknown-service", "Name of the recorded service.");
  private static final Setting<String> VERSION =
      SPEC.string("version", "", "Version or build id of the recorded service.");
  private static final Setting<Mode> MODE =
      SPEC.enumeration("mode", Mode.class, Mode.RECORD, "record, replay or off.");
  private static final Setting<String> BOOTSTRAP =
      SPEC.string("bootstrap", "", "Kafka bootstrap servers; empty with out= for file-only use.");
  private static final Setting<String> REGISTRY =
      SPEC.string("registry", "", "Schema registry URL (Confluent API).");
  private static final Setting<String> RECORDING =
      SPEC.custom(
          "recording",
          "",
          "Record from start-up into this recording id.",
          s -> s.isEmpty() ? s : RecordingIds.requireValid(s));
  private static final Setting<String> OUT =
      SPEC.string("out", "", "Write events to this Avro container file instead of Kafka.");
  private static final Setting<FileSink.Compression> OUT_CODEC =
      SPEC.enumeration(
          "out.codec",
          FileSink.Compression.class,
          FileSink.Compression.ZSTANDARD,
          "Compression of the out= file: zstandard, or deflate (read by every Avro reader).");
  private static final Setting<Boolean> CONTROL =
      SPEC.bool("control", false, "Follow signed capture commands on retrace.control.");
  private static final Setting<String> CONTROL_KEY =
      SPEC.custom(
          "control.key",
          "",
          "Shared HMAC key (16+ characters) that capture commands must be signed with.",
          s -> {
            if (s.length() < io.retrace.schemas.control.CommandSigner.MIN_KEY_BYTES) {
              throw new IllegalArgumentException("must have at least 16 characters");
            }
            return s;
          });
  private static final Setting<Integer> ADMIN_PORT =
      SPEC.integer("admin.port", -1, -1, 65535, "Loopback admin endpoint port; -1 disables it.");
  private static final Setting<String> ADMIN_TOKEN =
      SPEC.string("admin.token", "", "Bearer token the admin endpoint requires.");
  private static final Setting<String> CORRELATION_HEADER =
      SPEC.string("correlation.header", "X-Request-Id", "Inbound header holding the session id.");
  private static final Setting<Double> SAMPLE_RATE =
      SPEC.decimal("sample.rate", 1.0, 0.0, 1.0, "Fraction of sessions recorded.");
  private static final Setting<Integer> BUFFER_EVENTS =
      SPEC.integer(
          "buffer.events", 16_384, 16, 1 << 22, "Capacity of the capture buffer, in events.");
  private static final Setting<String> SPOOL_DIR =
      SPEC.string("spool.dir", "", "Where events wait while the broker is unreachable.");
  private static final Setting<Long> SPOOL_MAX_BYTES =
      SPEC.bytes(
          "spool.max.bytes", 256L << 20, "Bound of the spool; the oldest is dropped past it.");
  private static final Setting<Duration> DELIVERY_TIMEOUT =
      SPEC.custom(
          "delivery.timeout",
          Duration.ofSeconds(15),
          "How long sends retry before events go to the spool (at least 1s).",
          s -> {
            Duration d = io.retrace.schemas.config.ConfigSpec.parseDuration(s);
            if (d.toMillis() < 1_000) {
              throw new IllegalArgumentException(s + " is shorter than 1s");
            }
            return d;
          });
  private static final Setting<String> REPLAY_SOURCE =
      SPEC.string("replay.source", "", "Recording file the replay mode answers from.");
  private static final Setting<Integer> TOPIC_PARTITIONS =
      SPEC.integer("topic.partitions", 3, 1, 1024, "Partitions of a new recording topic.");
  private static final Setting<Duration> MAX_WINDOW =
      SPEC.duration(
          "max.window", Duration.ofMinutes(10), "Longest capture window a trigger may ask.");
  private static final Setting<Integer> BODY_MAX_BYTES =
      SPEC.integer("body.max.bytes", 64 * 1024, 0, 16 << 20, "Bodies are cut at this size.");
  private static final Setting<Integer> JDBC_MAX_ROWS =
      SPEC.integer("jdbc.max.rows", 1000, 0, 1_000_000, "Result rows copied per statement.");
  private static final Setting<List<String>> CAPTURE_METHODS =
      SPEC.list("capture.methods", List.of(), "Methods to record, as com.acme.Class#method,...");
  private static final Setting<Boolean> REDACTION =
      SPEC.bool("redaction", true, "Redact secrets and PII at the source, before events leave.");
  private static final Setting<String> REDACTION_POLICY =
      SPEC.string("redaction.policy", "", "Redaction policy YAML; empty: the built-in policy.");
  private static final Setting<String> REDACTION_KEY =
      SPEC.custom(
          "redaction.key",
          "",
          "Deployment secret (16+ characters) for hash actions; empty: a random per-agent key.",
          s -> {
            if (s.length() < 16) {
              throw new IllegalArgumentException("must have at least 16 characters");
            }
            return s;
          });
  private static final Setting<String> HOST =
      SPEC.string("host", "", "Host name (default: local).");
  private static final Setting<String> POD =
      SPEC.string("pod", "", "Pod name (default: $POD_NAME).");
  private static final Setting<String> REGION = SPEC.string("region", "", "Region tag.");
  private static final Setting<String> ENVIRONMENT =
      SPEC.string("environment", "", "Environment tag, e.g. prod.");

  /** Loads from agent arguments, system properties and the environment, in that precedence. */
  public static AgentConfig load(String agentArgs, Map<String, String> env) {
    Config c =
        SPEC.load(
            ConfigSources.builder()
                .explicit("agent arguments", parseArgs(agentArgs))
                .systemProperties()
                .environment(env)
                .build());
    return new AgentConfig(
        c.get(SERVICE),
        c.get(VERSION),
        c.get(MODE),
        c.get(BOOTSTRAP),
        c.get(REGISTRY),
        c.get(RECORDING),
        c.get(OUT).isEmpty() ? null : Path.of(c.get(OUT)),
        c.get(OUT_CODEC),
        c.get(CONTROL),
        c.get(CONTROL_KEY),
        c.get(ADMIN_PORT),
        c.get(ADMIN_TOKEN),
        c.get(CORRELATION_HEADER),
        c.get(SAMPLE_RATE),
        c.get(BUFFER_EVENTS),
        c.get(SPOOL_DIR).isEmpty() ? null : Path.of(c.get(SPOOL_DIR)),
        c.get(SPOOL_MAX_BYTES),
        c.get(DELIVERY_TIMEOUT),
        c.get(REPLAY_SOURCE),
        c.get(TOPIC_PARTITIONS),
        c.get(MAX_WINDOW),
        c.get(BODY_MAX_BYTES),
        c.get(JDBC_MAX_ROWS),
        c.get(CAPTURE_METHODS),
        c.get(REDACTION),
        c.get(REDACTION_POLICY).isEmpty() ? null : Path.of(c.get(REDACTION_POLICY)),
        c.get(REDACTION_KEY),
        hostName(c.get(HOST), env),
        firstNonEmpty(c.get(POD), env.get("POD_NAME"), ""),
        c.get(REGION),
        c.get(ENVIRONMENT));
  }

  /** Every option with its default, for docs and error messages. */
  public static String describe() {
    return SPEC.describe();
  }

  /**
   * Splits {@code k=v,k=v}. A segment without {@code =} continues the previous value, so list
   * values keep their commas: {@code capture.methods=a#b,c#d,service=x}.
   */
  static Map<String, String> parseArgs(String args) {
    Map<String, String> values = new LinkedHashMap<>();
    if (args == null || args.isBlank()) {
      return values;
    }
    List<String> keys = new ArrayList<>();
    for (String segment : args.split(",")) {
      int eq = segment.indexOf('=');
      if (eq > 0) {
        String key = segment.substring(0, eq).trim();
        values.put(key, segment.substring(eq + 1).trim());
        keys.add(key);
      } else if (!keys.isEmpty()) {
        String last = keys.get(keys.size() - 1);
        values.put(last, values.get(last) + "," + segment.trim());
      } else if (!segment.isBlank()) {
        values.put(segment.trim(), "");
      }
    }
    return values;
  }

  private static String firstNonEmpty(String... candidates) {
    for (String c : candidates) {
      if (c != null && !c.isEmpty()) {
        return c;
      }
    }
    return "";
  }

  /** The host name given, if any; else {@link #host()} resolves the local one when asked. */
  private static String hostName(String configured, Map<String, String> env) {
    return firstNonEmpty(configured, env.get("HOSTNAME"));
  }

  /**
   * The host name: {@code host=}, else {@code $HOSTNAME}, else the local host's name, looked up on
   * first use rather than in premain (the lookup loads the JDK's name service, ~15 ms of start-up).
   */
  @Override
  public String host() {
    return host.isEmpty() ? LocalHost.NAME : host;
  }

  /** The local host's name, or empty when it cannot be resolved. */
  private static final class LocalHost {
    static final String NAME = lookUp();

    private static String lookUp() {
      try {
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        return "";
      }
    }
  }
}
