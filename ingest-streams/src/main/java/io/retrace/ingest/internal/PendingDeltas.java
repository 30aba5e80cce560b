package io.retrace.ingest.internal;

import io.retrace.schemas.event.RecordingInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Catalog observations collected per recording in a state store and handed on once per {@link
 * #FLUSH}, so the single-partition catalog sees a few deltas per second instead of one per event.
 * Holds at most one delta per recording seen since the last flush.
 */
final class PendingDeltas {
  /** How often pending observations are handed on. */
  static final Duration FLUSH = Duration.ofSeconds(1);

  private final KeyValueStore<String, RecordingInfo> store;

  private PendingDeltas(KeyValueStore<String, RecordingInfo> store) {
    this.store = store;
  }

  /** Uses {@code storeName} and schedules the flush on {@code context}. */
  static PendingDeltas start(ProcessorContext<String, Routed> context, String storeName) {
    PendingDeltas pending = new PendingDeltas(context.getStateStore(storeName));
    context.schedule(FLUSH, PunctuationType.WALL_CLOCK_TIME, now -> pending.flush(context, now));
    return pending;
  }

  void add(RecordingInfo delta) {
    String recordingId = delta.getRecordingId();
    RecordingInfo pending = store.get(recordingId);
    // The store's value is this processor's own: extended in place, not copied per event.
    store.put(recordingId, pending == null ? delta : CatalogUpdater.addTo(pending, delta));
  }

  private void flush(ProcessorContext<String, Routed> context, long now) {
    List<KeyValue<String, RecordingInfo>> flushed = new ArrayList<>();
    try (KeyValueIterator<String, RecordingInfo> it = store.all()) {
      it.forEachRemaining(flushed::add);
    }
    for (KeyValue<String, RecordingInfo> entry : flushed) {
      store.delete(entry.key);
      context.forward(new Record<>(entry.key, (Routed) new Routed.CatalogDelta(entry.value), now));
    }
  }
}
