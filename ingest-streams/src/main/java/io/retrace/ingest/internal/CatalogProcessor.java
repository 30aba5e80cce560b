package io.retrace.ingest.internal;

import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.RecordingStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps {@code retrace.recordings} up to date with {@link CatalogUpdater}: applies observation
 * deltas and entries others wrote to the topic, and emits an entry only when its content changed,
 * so this app's own writes, read back from the topic, end there. Marks idle recordings ENDED.
 *
 * <p>The store holds one entry per recording; ENDED and DELETED ones are forgotten {@link #FORGET}
 * after their last update (the compacted topic keeps them).
 */
public final class CatalogProcessor implements Processor<String, Routed, String, RecordingInfo> {
  public static final String CATALOG_STORE = "catalog";

  /** How long an ended recording stays in the store after its last update. */
  static final Duration FORGET = Duration.ofDays(2);

  private final Duration idle;
  private ProcessorContext<String, RecordingInfo> context;
  private KeyValueStore<String, RecordingInfo> catalog;

  public CatalogProcessor(Duration idle) {
    this.idle = idle;
  }

  @Override
  public void init(ProcessorContext<String, RecordingInfo> context) {
    this.context = context;
    this.catalog = context.getStateStore(CATALOG_STORE);
    Duration every = idle.dividedBy(4);
    if (every.compareTo(Duration.ofSeconds(1)) < 0) {
      every = Duration.ofSeconds(1);
    } else if (every.compareTo(Duration.ofSeconds(30)) > 0) {
      every = Duration.ofSeconds(30);
    }
    context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::endIdle);
  }

  @Override
  public void process(Record<String, Routed> record) {
    String recordingId = record.key();
    if (recordingId == null || record.value() == null) {
      return;
    }
    RecordingInfo current = catalog.get(recordingId);
    RecordingInfo next;
    if (record.value() instanceof Routed.CatalogDelta delta) {
      next =
          CatalogUpdater.apply(
              current, delta.delta(), Instant.ofEpochMilli(context.currentSystemTimeMs()));
    } else if (record.value() instanceof Routed.CatalogEntry entry) {
      next = CatalogUpdater.applyExternal(current, entry.entry());
      if (current == null) {
        // Already in the topic as it is: remember it, nothing to write.
        catalog.put(recordingId, next);
        return;
      }
    } else {
      return;
    }
    if (!CatalogUpdater.sameContent(current, next)) {
      catalog.put(recordingId, next);
      context.forward(new Record<>(recordingId, next, record.timestamp()));
    }
  }

  private void endIdle(long nowMillis) {
    Instant now = Instant.ofEpochMilli(nowMillis);
    List<KeyValue<String, RecordingInfo>> entries = new ArrayList<>();
    try (KeyValueIterator<String, RecordingInfo> it = catalog.all()) {
      it.forEachRemaining(entries::add);
    }
    for (KeyValue<String, RecordingInfo> kv : entries) {
      RecordingInfo ended = CatalogUpdater.endIfIdle(kv.value, now, idle);
      if (ended != null) {
        catalog.put(kv.key, ended);
        context.forward(new Record<>(kv.key, ended, nowMillis));
      } else if ((kv.value.getStatus() == RecordingStatus.ENDED
              || kv.value.getStatus() == RecordingStatus.DELETED)
          && kv.value.getUpdatedMicros().plus(FORGET).isBefore(now)) {
        catalog.delete(kv.key);
      }
    }
  }
}
