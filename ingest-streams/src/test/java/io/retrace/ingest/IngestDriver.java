package io.retrace.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.retrace.ingest.internal.IngestMetrics;
import io.retrace.ingest.internal.StreamsSettings;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.SessionSummary;
import io.retrace.schemas.registry.InMemorySchemaRegistryClient;
import io.retrace.schemas.serde.AvroSerde;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The ingest topology on a TopologyTestDriver with an in-memory registry: raw input per recording,
 * and readers of every output topic. Wall-clock time starts at {@link #START} and moves only when a
 * test advances it.
 */
final class IngestDriver implements AutoCloseable {
  static final Instant START = Instant.parse("2026-11-28T10:00:00Z");

  final IngestConfig config;
  final IngestTopics topics = IngestTopics.standard();
  final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final TopologyTestDriver driver;
  final AvroSerde<RecordedEvent> eventSerde;
  final AvroSerde<SessionSummary> summarySerde;
  final AvroSerde<RecordingInfo> infoSerde;
  private final TestOutputTopic<String, RecordedEvent> events;
  private final TestOutputTopic<String, SessionSummary> sessions;
  private final TestOutputTopic<String, RecordingInfo> recordings;
  private final TestOutputTopic<byte[], byte[]> dlq;

  IngestDriver(Path stateDir, UnaryOperator<RecordedEvent> redaction, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "unused:9092");
    values.put("schema.registry.url", "http://unused");
    values.put("state.dir", stateDir.toString());
    values.put("session.gap", "30s");
    values.put("session.grace", "60s");
    values.putAll(extra);
    config = IngestConfig.of(values);
    Map<String, Object> serdeConfig = config.serdeConfig();
    eventSerde = AvroSerde.specific(RecordedEvent.class, registry, serdeConfig, false);
    summarySerde = AvroSerde.specific(SessionSummary.class, registry, serdeConfig, false);
    infoSerde = AvroSerde.specific(RecordingInfo.class, registry, serdeConfig, false);
    Properties props = StreamsSettings.of(config, topics, new IngestMetrics(meters), "test-driver");
    driver =
        new TopologyTestDriver(
            IngestTopology.build(config, topics, redaction, registry, meters), props, START);
    events =
        driver.createOutputTopic(
            topics.events(), Serdes.String().deserializer(), eventSerde.deserializer());
    sessions =
        driver.createOutputTopic(
            topics.sessions(), Serdes.String().deserializer(), summarySerde.deserializer());
    recordings =
        driver.createOutputTopic(
            topics.recordings(), Serdes.String().deserializer(), infoSerde.deserializer());
    dlq =
        driver.createOutputTopic(
            topics.dlq(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
  }

  /** Raw bytes into a recording's raw topic. */
  TestInputTopic<byte[], byte[]> raw(String recordingId) {
    return driver.createInputTopic(
        topics.raw(recordingId), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
  }

  /** Events into their recording's raw topic, keyed by session id like an agent does. */
  void send(RecordedEvent... batch) {
    for (RecordedEvent event : batch) {
      sendTo(event.getRecordingId(), event);
    }
  }

  void sendTo(String recordingId, RecordedEvent event) {
    byte[] key = event.getSessionId() == null ? null : event.getSessionId().getBytes();
    raw(recordingId)
        .pipeInput(
            new TestRecord<>(
                key,
                eventSerde.serializer().serialize(topics.raw(recordingId), event),
                event.getWallTimeMicros()));
  }

  /** An entry written to the catalog topic by someone else. */
  void catalogEntry(RecordingInfo info) {
    driver
        .createInputTopic(topics.recordings(), Serdes.String().serializer(), infoSerde.serializer())
        .pipeInput(info.getRecordingId(), info);
  }

  void advanceWallClock(Duration by) {
    driver.advanceWallClockTime(by);
  }

  List<KeyValue<String, RecordedEvent>> events() {
    return events.readKeyValuesToList();
  }

  /** Every summary emitted, in order. */
  List<KeyValue<String, SessionSummary>> sessionUpdates() {
    return sessions.readKeyValuesToList();
  }

  /** The latest summary per key, as a compacted topic would keep them. */
  Map<String, SessionSummary> latestSessions() {
    Map<String, SessionSummary> latest = new LinkedHashMap<>();
    for (KeyValue<String, SessionSummary> kv : sessions.readKeyValuesToList()) {
      latest.put(kv.key, kv.value);
    }
    return latest;
  }

  /** The latest catalog entry per recording. */
  Map<String, RecordingInfo> latestRecordings() {
    Map<String, RecordingInfo> latest = new LinkedHashMap<>();
    for (KeyValue<String, RecordingInfo> kv : recordings.readKeyValuesToList()) {
      latest.put(kv.key, kv.value);
    }
    return latest;
  }

  List<TestRecord<byte[], byte[]>> deadLetters() {
    return dlq.readRecordsToList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
