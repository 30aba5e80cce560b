package io.retrace.ingest.internal;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.SessionSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session windows over {@code retrace.events}, with the semantics of Kafka Streams' {@code
 * SessionWindows.ofInactivityGapAndGrace(gap, grace)} aggregation: an event joins (and merges) the
 * windows of its key that end no earlier than {@code gap} before it and start no later than {@code
 * gap} after it; an event whose resulting window ends before stream time minus grace minus gap is
 * dropped as late. Each window's {@link SessionSummary} is grown with {@link Sessionizer}.
 *
 * <p>Unlike the DSL's windowed store, which goes through its serialized record cache and a RocksDB
 * range read for every event, a key's windows are kept as objects in an {@link ObjectCacheStore}:
 * one map lookup per event, one write per changed key per commit. Updates are emitted like the
 * DSL's cached aggregation emits them: once per changed window per commit (and on eviction), keyed
 * by the session key, timestamped with the window's end.
 *
 * <p>State: per key, its windows until the last of them ended {@code 2 × gap + grace} before stream
 * time (after that no accepted event can reach them), swept every half of that by wall clock.
 */
public final class SessionWindowProcessor
    implements Processor<String, RecordedEvent, String, SessionSummary> {
  public static final String STORE = "session-windows";

  private static final Logger log = LoggerFactory.getLogger(SessionWindowProcessor.class);

  private final long gap;
  private final long grace;
  private final long retention;
  private final IngestMetrics metrics;

  private InternalProcessorContext<String, SessionSummary> context;
  private ProcessorNode<?, ?, ?, ?> node;
  private ObjectCacheStore<String, SessionWindows> store;
  // Like the DSL's, per task and from the records seen since the task started.
  private long observedStreamTime = -1;

  public SessionWindowProcessor(Duration gap, Duration grace, IngestMetrics metrics) {
    this.gap = gap.toMillis();
    this.grace = grace.toMillis();
    this.retention = 2 * this.gap + this.grace;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, SessionSummary> context) {
    // Updates leave at commit, from the store's write-down, where Kafka Streams' own cached
    // aggregations emit theirs; forwarding there needs the node and record context set by hand.
    this.context = (InternalProcessorContext<String, SessionSummary>) context;
    this.node = this.context.currentNode();
    this.store = ObjectCacheStore.of(context, STORE);
    store.onWriteDown(this::emit);
    context.schedule(
        Duration.ofMillis(Math.max(1000, retention / 2)),
        PunctuationType.WALL_CLOCK_TIME,
        now -> forgetClosed());
  }

  @Override
  public void process(Record<String, RecordedEvent> record) {
    String key = record.key();
    if (key == null) {
      log.warn("Skipping an event without a session key");
      return;
    }
    long timestamp = record.timestamp();
    observedStreamTime = Math.max(observedStreamTime, timestamp);
    long closeTime = observedStreamTime - grace - gap;

    SessionWindows sessions = store.get(key);
    if (sessions == null) {
      sessions = SessionWindows.empty();
    }
    long start = timestamp;
    long end = timestamp;
    SessionSummary summary = null;
    List<SessionWindows.Window> merged = new ArrayList<>(1);
    for (SessionWindows.Window w : sessions.windows) {
      if (w.end >= timestamp - gap && w.start <= timestamp + gap) {
        merged.add(w);
        summary = Sessionizer.merge(summary, w.summary);
        start = Math.min(start, w.start);
        end = Math.max(end, w.end);
      }
    }
    if (end < closeTime) {
      metrics.lateEvent();
      log.debug(
          "Dropping a late event of {}: window [{},{}] closed at stream time {}",
          key,
          start,
          end,
          observedStreamTime);
      return;
    }
    sessions.windows.removeAll(merged);
    SessionWindows.Window window =
        new SessionWindows.Window(start, end, Sessionizer.add(summary, record.value()));
    window.changed = true;
    RecordMetadata source = context.recordMetadata().orElse(null);
    if (source != null) {
      window.topic = source.topic();
      window.partition = source.partition();
      window.offset = source.offset();
    }
    window.headers = record.headers();
    sessions.windows.removeIf(w -> w.end < observedStreamTime - retention);
    sessions.insert(window);
    store.put(key, sessions);
  }

  /** Forwards the windows of {@code key} that changed since they were last emitted. */
  private void emit(String key, SessionWindows sessions) {
    for (SessionWindows.Window w : sessions.windows) {
      if (!w.changed) {
        continue;
      }
      w.changed = false;
      ProcessorNode<?, ?, ?, ?> previousNode = context.currentNode();
      ProcessorRecordContext previousContext = context.recordContext();
      context.setCurrentNode(node);
      context.setRecordContext(
          new ProcessorRecordContext(w.end, w.offset, w.partition, w.topic, w.headers));
      try {
        context.forward(new Record<>(key, w.summary, w.end, w.headers));
      } finally {
        context.setRecordContext(previousContext);
        context.setCurrentNode(previousNode);
      }
    }
  }

  private void forgetClosed() {
    if (observedStreamTime < 0) {
      return;
    }
    long forgetBefore = observedStreamTime - retention;
    List<String> closed = new ArrayList<>();
    try (KeyValueIterator<String, SessionWindows> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, SessionWindows> kv = it.next();
        if (kv.value.lastEnd() < forgetBefore) {
          closed.add(kv.key);
        }
      }
    }
    closed.forEach(store::delete);
  }
}
