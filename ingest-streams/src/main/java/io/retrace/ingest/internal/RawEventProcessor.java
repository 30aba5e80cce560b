package io.retrace.ingest.internal;

import io.retrace.ingest.DlqHeaders;
import io.retrace.ingest.IngestTopics;
import io.retrace.ingest.internal.EventValidator.Violation;
import io.retrace.ingest.internal.StateSerdes.AgentPosition;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.serde.WireFormat;
import io.retrace.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The first step of ingest, per raw record: decode, redact, validate, then hand on the event (keyed
 * by its session) or a dead letter, and collect catalog observations that are flushed once per
 * {@link PendingDeltas#FLUSH} rather than once per event.
 *
 * <p>State: the last sequence per (topic, agent) of this task's partition, forgotten after {@code
 * agentIdle}; pending catalog deltas, one per recording seen since the last flush.
 */
public final class RawEventProcessor implements Processor<byte[], byte[], String, Routed> {
  public static final String AGENTS_STORE = "agent-positions";
  public static final String PENDING_STORE = "catalog-pending";

  private static final Logger log = LoggerFactory.getLogger(RawEventProcessor.class);

  /** Writer schema ids remembered; there are a few per deployment, one per agent version. */
  private static final int MAX_SCHEMA_IDS = 64;

  private final IngestTopics topics;
  private final Deserializer<RecordedEvent> deserializer;
  private final Serializer<RecordedEvent> serializer;
  private final UnaryOperator<RecordedEvent> redaction;
  private final boolean keepUndecodable;
  private final Duration agentIdle;
  private final IngestMetrics metrics;

  /** Per writer schema id of raw values: whether retrace.events is written with the same. */
  private final Map<Integer, Boolean> sameSchema = new HashMap<>();

  private ProcessorContext<String, Routed> context;
  private KeyValueStore<String, AgentPosition> agents;
  private PendingDeltas pending;

  public RawEventProcessor(
      IngestTopics topics,
      Deserializer<RecordedEvent> deserializer,
      Serializer<RecordedEvent> serializer,
      UnaryOperator<RecordedEvent> redaction,
      boolean keepUndecodable,
      Duration agentIdle,
      IngestMetrics metrics) {
    this.topics = topics;
    this.deserializer = deserializer;
    this.serializer = serializer;
    this.redaction = redaction;
    this.keepUndecodable = keepUndecodable;
    this.agentIdle = agentIdle;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Routed> context) {
    this.context = context;
    this.agents = context.getStateStore(AGENTS_STORE);
    this.pending = PendingDeltas.start(context, PENDING_STORE);
    Duration evictEvery =
        agentIdle.dividedBy(10).compareTo(Duration.ofSeconds(1)) < 0
            ? Duration.ofSeconds(1)
            : agentIdle.dividedBy(10);
    context.schedule(evictEvery, PunctuationType.WALL_CLOCK_TIME, this::forgetIdleAgents);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    metrics.recordIn();
    RecordMetadata source = context.recordMetadata().orElseThrow();
    String topic = source.topic();
    if (record.value() == null) {
      deadLetter(record, source, DlqHeaders.NULL_VALUE, "the record has no value", null, null);
      return;
    }
    RecordedEvent event;
    try {
      event = deserializer.deserialize(topic, record.headers(), record.value());
    } catch (WireFormatException e) {
      if (e.reason().retriable()) {
        // The registry is down, not the record bad: fail the task so it is retried from the last
        // commit instead of dead-lettering good records.
        throw e;
      }
      deadLetter(
          record,
          source,
          e.reason().name(),
          e.detail(),
          keepUndecodable ? record.value() : null,
          "original");
      return;
    }
    RecordedEvent redacted;
    try {
      redacted = redaction.apply(event);
    } catch (RuntimeException e) {
      log.warn(
          "Redaction failed on an event of {}; dropped to the DLQ without its value", topic, e);
      deadLetter(record, source, DlqHeaders.REDACTION_FAILED, e.getClass().getName(), null, null);
      return;
    }
    Violation violation = EventValidator.validate(redacted, topics.recordingIdOf(topic));
    if (violation == null) {
      violation = checkSequence(topic, redacted);
    }
    if (violation != null) {
      deadLetter(
          record,
          source,
          violation.reason(),
          violation.detail(),
          encode(topic, redacted),
          "redacted-event");
      return;
    }
    RecordedEvent sessioned = Sessionizer.withSession(redacted);
    String recordingId = sessioned.getRecordingId();
    pending.add(CatalogUpdater.delta(sessioned));
    metrics.eventOut();
    byte[] encoded = sessioned == event ? unchangedValue(record.value(), sessioned) : null;
    context.forward(
        record
            .withKey(Sessionizer.key(recordingId, sessioned.getSessionId()))
            .withValue((Routed) new Routed.Event(sessioned, encoded)));
  }

  /**
   * The raw value itself when it was written with the schema that {@code retrace.events} is written
   * with: the event passed unchanged, so encoding it again would give the same record. Whether a
   * writer schema id is that one is learned once, by encoding the first event that has it.
   */
  private byte[] unchangedValue(byte[] raw, RecordedEvent event) {
    int id = WireFormat.schemaId(raw);
    Boolean same = sameSchema.get(id);
    if (same != null) {
      return same ? raw : null;
    }
    byte[] encoded = serializer.serialize(topics.events(), event);
    if (sameSchema.size() >= MAX_SCHEMA_IDS) {
      sameSchema.clear();
    }
    sameSchema.put(id, WireFormat.schemaId(encoded) == id);
    return encoded;
  }

  private Violation checkSequence(String topic, RecordedEvent event) {
    String agentKey = topic + '|' + event.getOrigin().getAgentId();
    AgentPosition last = agents.get(agentKey);
    Violation violation =
        EventValidator.checkSequence(
            last == null ? null : last.lastSequence(), event.getSequence());
    if (violation == null) {
      long highest =
          last == null ? event.getSequence() : Math.max(last.lastSequence(), event.getSequence());
      agents.put(agentKey, new AgentPosition(highest, context.currentSystemTimeMs()));
    }
    return violation;
  }

  private byte[] encode(String topic, RecordedEvent redacted) {
    try {
      return serializer.serialize(topics.events(), redacted);
    } catch (RuntimeException e) {
      log.warn(
          "Cannot encode a rejected event of {} for the DLQ; keeping its headers only", topic, e);
      return null;
    }
  }

  private void deadLetter(
      Record<byte[], byte[]> record,
      RecordMetadata source,
      String reason,
      String detail,
      byte[] value,
      String valueKind) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    put(headers, DlqHeaders.REASON, reason);
    put(headers, DlqHeaders.DETAIL, detail == null ? "" : detail);
    put(headers, DlqHeaders.SOURCE_TOPIC, source.topic());
    put(headers, DlqHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
    put(headers, DlqHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
    put(headers, DlqHeaders.VALUE, value == null ? "none" : valueKind);
    metrics.deadLettered(reason);
    try (MDC.MDCCloseable ignored =
        MDC.putCloseable("recordingId", topics.recordingIdOf(source.topic()))) {
      log.debug(
          "Dead-lettered {}-{}@{}: {} {}",
          source.topic(),
          source.partition(),
          source.offset(),
          reason,
          detail);
    }
    context.forward(
        new Record<String, Routed>(
            null, new Routed.DeadLetter(record.key(), value), record.timestamp(), headers));
  }

  private static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private void forgetIdleAgents(long now) {
    List<String> idle = new ArrayList<>();
    try (KeyValueIterator<String, AgentPosition> it = agents.all()) {
      it.forEachRemaining(
          kv -> {
            if (now - kv.value.lastSeenMillis() > agentIdle.toMillis()) {
              idle.add(kv.key);
            }
          });
    }
    idle.forEach(agents::delete);
  }
}
