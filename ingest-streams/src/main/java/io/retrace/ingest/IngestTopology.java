package io.retrace.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.retrace.ingest.internal.CatalogProcessor;
import io.retrace.ingest.internal.IngestMetrics;
import io.retrace.ingest.internal.ObjectCacheStore;
import io.retrace.ingest.internal.RawEventProcessor;
import io.retrace.ingest.internal.Routed;
import io.retrace.ingest.internal.SessionEventDeserializer;
import io.retrace.ingest.internal.SessionStageProcessor;
import io.retrace.ingest.internal.SessionWindowProcessor;
import io.retrace.ingest.internal.StateSerdes;
import io.retrace.ingest.internal.TraceLinkProcessor;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.SessionSummary;
import io.retrace.schemas.registry.SchemaRegistryClient;
import io.retrace.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The ingest topology, separate from any running app so that tests drive it with
 * TopologyTestDriver:
 *
 * <ol>
 *   <li>raw recording topics (by pattern) → decode → redact → validate → {@code retrace.events}
 *       keyed {@code recordingId|sessionId}, or {@code retrace.dlq} with reason headers;
 *   <li>{@code retrace.events} → session windows → {@link SessionSummary} → trace linking (a
 *       repartition by trace id) → {@code retrace.sessions};
 *   <li>catalog observations of both, plus {@code retrace.recordings} itself → {@code
 *       retrace.recordings} (one partition, like the topic).
 * </ol>
 */
public final class IngestTopology {
  /** Values each processor store keeps as objects per task (agents, recordings, sessions). */
  static final int CACHED_KEYS = 10_000;

  /**
   * Trace groups kept as objects per task: a group holds up to {@link
   * io.retrace.ingest.internal.TraceLinker#MAX_SESSIONS_PER_TRACE} summaries.
   */
  static final int CACHED_TRACES = 1_000;

  private IngestTopology() {}

  /**
   * @param redaction applied to every decoded event before anything else looks at it; the app
   *     passes its reloadable redactor, tests may pass the real one or a stand-in
   * @param registry the schema registry client of the Avro topics (not of internal state)
   */
  public static Topology build(
      IngestConfig config,
      IngestTopics topics,
      UnaryOperator<RecordedEvent> redaction,
      SchemaRegistryClient registry,
      MeterRegistry meters) {
    IngestMetrics metrics = new IngestMetrics(meters);
    Map<String, Object> serdeConfig = config.serdeConfig();
    Serde<RecordedEvent> eventSerde =
        AvroSerde.specific(RecordedEvent.class, registry, serdeConfig, false);
    Serde<SessionSummary> summarySerde =
        AvroSerde.specific(SessionSummary.class, registry, serdeConfig, false);
    Serde<RecordingInfo> infoSerde =
        AvroSerde.specific(RecordingInfo.class, registry, serdeConfig, false);
    Serde<String> strings = Serdes.String();

    StreamsBuilder builder = new StreamsBuilder();
    // The processors' own stores keep objects between commits: a hot key (an agent, a recording,
    // a session) costs a map lookup per event and one changelog write per commit.
    builder.addStateStore(
        ObjectCacheStore.builder(
            SessionWindowProcessor.STORE, strings, StateSerdes.sessionWindows(), CACHED_KEYS));
    builder.addStateStore(
        ObjectCacheStore.builder(
            RawEventProcessor.AGENTS_STORE, strings, StateSerdes.agentPosition(), CACHED_KEYS));
    builder.addStateStore(
        ObjectCacheStore.builder(
            RawEventProcessor.PENDING_STORE, strings, StateSerdes.recordingInfo(), CACHED_KEYS));
    builder.addStateStore(
        ObjectCacheStore.builder(
            SessionStageProcessor.SEEN_STORE, strings, Serdes.Long(), CACHED_KEYS));
    builder.addStateStore(
        ObjectCacheStore.builder(
            SessionStageProcessor.PENDING_STORE,
            strings,
            StateSerdes.recordingInfo(),
            CACHED_KEYS));
    builder.addStateStore(
        ObjectCacheStore.builder(
            TraceLinkProcessor.TRACES_STORE, strings, StateSerdes.summaries(), CACHED_TRACES));
    builder.addStateStore(
        ObjectCacheStore.builder(
            CatalogProcessor.CATALOG_STORE, strings, StateSerdes.recordingInfo(), CACHED_KEYS));

    // 1. Raw records: decode, redact, validate; route events, dead letters, catalog deltas.
    Map<String, KStream<String, Routed>> raw =
        builder.stream(
                topics.source(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-recordings"))
            .process(
                () ->
                    new RawEventProcessor(
                        topics,
                        eventSerde.deserializer(),
                        eventSerde.serializer(),
                        redaction,
                        config.dlqKeepUndecodable(),
                        config.agentIdle(),
                        metrics),
                Named.as("decode-redact-validate"),
                RawEventProcessor.AGENTS_STORE,
                RawEventProcessor.PENDING_STORE)
            .split(Named.as("raw-"))
            .branch((k, v) -> v instanceof Routed.Event, Branched.as("events"))
            .branch((k, v) -> v instanceof Routed.DeadLetter, Branched.as("dlq"))
            .defaultBranch(Branched.as("catalog"));
    raw.get("raw-events")
        .mapValues(v -> (Routed.Event) v, Named.as("event"))
        .to(topics.events(), Produced.with(strings, eventValues(eventSerde)).withName("to-events"));
    raw.get("raw-dlq")
        .map(
            (k, v) -> {
              Routed.DeadLetter letter = (Routed.DeadLetter) v;
              return KeyValue.pair(letter.key(), letter.value());
            },
            Named.as("dead-letter"))
        .to(topics.dlq(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("to-dlq"));

    // 2. Sessions: one session lives in one partition of retrace.events, in capture order.
    Duration remember = config.sessionGap().plus(config.sessionGrace()).multipliedBy(2);
    Map<String, KStream<String, Routed>> sessions =
        builder.stream(
                topics.events(),
                Consumed.with(
                        strings,
                        Serdes.serdeFrom(
                            eventSerde.serializer(),
                            new SessionEventDeserializer(registry, eventSerde.deserializer())))
                    .withName("session-events"))
            .process(
                () ->
                    new SessionWindowProcessor(config.sessionGap(), config.sessionGrace(), metrics),
                Named.as("sessionize"),
                SessionWindowProcessor.STORE)
            .process(
                () -> new SessionStageProcessor(remember),
                Named.as("session-stage"),
                SessionStageProcessor.SEEN_STORE,
                SessionStageProcessor.PENDING_STORE)
            .split(Named.as("session-"))
            .branch((k, v) -> v instanceof Routed.Summary, Branched.as("summaries"))
            .defaultBranch(Branched.as("catalog"));

    Map<String, KStream<String, SessionSummary>> summaries =
        sessions
            .get("session-summaries")
            .mapValues(v -> ((Routed.Summary) v).summary(), Named.as("summary"))
            .split(Named.as("trace-"))
            .branch((k, s) -> s.getTraceId() != null, Branched.as("linked"))
            .defaultBranch(Branched.as("alone"));
    summaries
        .get("trace-alone")
        .to(topics.sessions(), Produced.with(strings, summarySerde).withName("to-sessions"));
    summaries
        .get("trace-linked")
        .selectKey((k, s) -> s.getTraceId(), Named.as("by-trace-id"))
        .repartition(Repartitioned.with(strings, StateSerdes.summary()).withName("trace-links"))
        .process(
            () -> new TraceLinkProcessor(config.traceRetention()),
            Named.as("link-traces"),
            TraceLinkProcessor.TRACES_STORE)
        .to(topics.sessions(), Produced.with(strings, summarySerde).withName("to-sessions-linked"));

    // 3. Catalog: deltas from both stages, funnelled into the single partition of the catalog.
    KStream<String, Routed> deltas =
        raw.get("raw-catalog")
            .merge(sessions.get("session-catalog"), Named.as("catalog-deltas"))
            .mapValues(v -> ((Routed.CatalogDelta) v).delta(), Named.as("delta"))
            .repartition(
                Repartitioned.with(strings, StateSerdes.recordingInfo())
                    .withName("catalog")
                    .withNumberOfPartitions(1))
            .mapValues(d -> (Routed) new Routed.CatalogDelta(d), Named.as("as-delta"));
    builder.stream(
            topics.recordings(), Consumed.with(strings, infoSerde).withName("catalog-entries"))
        .mapValues(e -> (Routed) new Routed.CatalogEntry(e), Named.as("as-entry"))
        .merge(deltas, Named.as("catalog-inputs"))
        .process(
            () -> new CatalogProcessor(config.recordingIdle()),
            Named.as("catalog-update"),
            CatalogProcessor.CATALOG_STORE)
        .to(topics.recordings(), Produced.with(strings, infoSerde).withName("to-recordings"));

    return builder.build();
  }

  /** Writes an event's bytes as they came when they can be kept, else encodes it. */
  private static Serde<Routed.Event> eventValues(Serde<RecordedEvent> eventSerde) {
    Serializer<RecordedEvent> serializer = eventSerde.serializer();
    Deserializer<RecordedEvent> deserializer = eventSerde.deserializer();
    return Serdes.serdeFrom(
        (topic, e) -> e.encoded() != null ? e.encoded() : serializer.serialize(topic, e.event()),
        (topic, bytes) -> new Routed.Event(deserializer.deserialize(topic, bytes), bytes));
  }
}
