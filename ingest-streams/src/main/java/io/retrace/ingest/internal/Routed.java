package io.retrace.ingest.internal;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RecordingInfo;
import io.retrace.schemas.event.SessionSummary;

/**
 * What a processor of the topology hands on, so that one processor can feed several outputs and the
 * topology routes by type. Never serialized: it only passes between nodes of one sub-topology.
 */
public sealed interface Routed {
  /**
   * A valid, redacted event for {@code retrace.events}, keyed {@code recordingId|sessionId}; {@code
   * encoded} is its value there when the raw record's bytes already are that, else null.
   */
  record Event(RecordedEvent event, byte[] encoded) implements Routed {}

  /** A record for {@code retrace.dlq}; the reason is in the record's headers. */
  record DeadLetter(byte[] key, byte[] value) implements Routed {}

  /** Observations of a recording for the catalog, keyed by recording id. */
  record CatalogDelta(RecordingInfo delta) implements Routed {}

  /** A catalog entry as someone wrote it to {@code retrace.recordings}. */
  record CatalogEntry(RecordingInfo entry) implements Routed {}

  /** A session summary for {@code retrace.sessions}, keyed {@code recordingId|sessionId}. */
  record Summary(SessionSummary summary) implements Routed {}
}
