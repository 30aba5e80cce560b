package io.retrace.ingest.internal;

import io.retrace.schemas.event.SessionSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs {@link TraceLinker} over summaries keyed by trace id, keeping each trace's sessions in a
 * store (at most {@link TraceLinker#MAX_SESSIONS_PER_TRACE} per trace, dropped {@code retention}
 * after the trace's last update), and emits summaries keyed {@code recordingId|sessionId} again.
 */
public final class TraceLinkProcessor
    implements Processor<String, SessionSummary, String, SessionSummary> {
  public static final String TRACES_STORE = "trace-sessions";

  private final Duration retention;
  private ProcessorContext<String, SessionSummary> context;
  private KeyValueStore<String, List<SessionSummary>> traces;

  public TraceLinkProcessor(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<String, SessionSummary> context) {
    this.context = context;
    this.traces = context.getStateStore(TRACES_STORE);
    context.schedule(
        Duration.ofSeconds(Math.max(1, retention.toSeconds() / 10)),
        PunctuationType.WALL_CLOCK_TIME,
        this::forget);
  }

  @Override
  public void process(Record<String, SessionSummary> record) {
    List<SessionSummary> group = traces.get(record.key());
    TraceLinker.Result result =
        TraceLinker.update(group == null ? List.of() : group, record.value());
    traces.put(record.key(), result.group());
    for (SessionSummary summary : result.emit()) {
      context.forward(
          record
              .withKey(Sessionizer.key(summary.getRecordingId(), summary.getSessionId()))
              .withValue(summary));
    }
  }

  private void forget(long now) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, List<SessionSummary>> it = traces.all()) {
      it.forEachRemaining(
          kv -> {
            long last =
                kv.value.stream()
                    .mapToLong(s -> s.getUpdatedMicros().toEpochMilli())
                    .max()
                    .orElse(0);
            if (now - last > retention.toMillis()) {
              old.add(kv.key);
            }
          });
    }
    old.forEach(traces::delete);
  }
}
