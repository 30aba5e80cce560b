package io.retrace.ingest.internal;

import io.retrace.schemas.event.SessionSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stamps each session summary coming out of the session windows with the time it was emitted, and
 * tells the catalog when a session is seen for the first time. Remembers sessions (key to last-seen
 * wall time) for {@code remember}, which must outlast a session's gap and grace, so that a session
 * split in two windows is counted once.
 */
public final class SessionStageProcessor
    implements Processor<String, SessionSummary, String, Routed> {
  public static final String SEEN_STORE = "sessions-seen";
  public static final String PENDING_STORE = "session-catalog-pending";

  private final Duration remember;
  private ProcessorContext<String, Routed> context;
  private KeyValueStore<String, Long> seen;
  private PendingDeltas pending;

  public SessionStageProcessor(Duration remember) {
    this.remember = remember;
  }

  @Override
  public void init(ProcessorContext<String, Routed> context) {
    this.context = context;
    this.seen = context.getStateStore(SEEN_STORE);
    this.pending = PendingDeltas.start(context, PENDING_STORE);
    context.schedule(
        Duration.ofSeconds(Math.max(1, remember.toSeconds() / 10)),
        PunctuationType.WALL_CLOCK_TIME,
        this::forget);
  }

  @Override
  public void process(Record<String, SessionSummary> record) {
    long now = context.currentSystemTimeMs();
    SessionSummary summary = Sessionizer.copy(record.value());
    summary.setUpdatedMicros(Instant.ofEpochMilli(now));
    if (seen.get(record.key()) == null) {
      pending.add(
          CatalogUpdater.sessionStarted(summary.getRecordingId(), summary.getStartMicros()));
    }
    seen.put(record.key(), now);
    context.forward(record.withValue((Routed) new Routed.Summary(summary)));
  }

  private void forget(long now) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = seen.all()) {
      it.forEachRemaining(
          kv -> {
            if (now - kv.value > remember.toMillis()) {
              old.add(kv.key);
            }
          });
    }
    old.forEach(seen::delete);
  }
}
