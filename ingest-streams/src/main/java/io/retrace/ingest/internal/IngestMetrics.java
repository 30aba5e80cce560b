package io.retrace.ingest.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The app's own counters (Kafka Streams' client metrics are bound separately). Meter names are
 * {@code retrace.ingest.*}; the Prometheus endpoint renders them as {@code retrace_ingest_*}.
 */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final Counter eventsIn;
  private final Counter eventsOut;
  private final Counter lateEvents;
  private final Counter clientRestarts;

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.eventsIn = registry.counter("retrace.ingest.records.in");
    this.eventsOut = registry.counter("retrace.ingest.events.out");
    this.lateEvents = registry.counter("retrace.ingest.sessions.late");
    this.clientRestarts = registry.counter("retrace.ingest.streams.restarts");
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A raw record was read from a recording topic. */
  public void recordIn() {
    eventsIn.increment();
  }

  /** An event passed every check and went to {@code retrace.events}. */
  public void eventOut() {
    eventsOut.increment();
  }

  /** An event arrived after its session window had closed (later than gap + grace). */
  public void lateEvent() {
    lateEvents.increment();
  }

  /** A new Kafka Streams client replaced one that failed on a new recording topic. */
  public void clientRestarted() {
    clientRestarts.increment();
  }

  /** A record went to the DLQ; {@code reason} is one of a fixed set of names. */
  public void deadLettered(String reason) {
    registry.counter("retrace.ingest.dlq", "reason", reason).increment();
  }

  /** A Kafka Streams error handler let a record pass; {@code where} names the handler. */
  public void handlerError(String where, String type) {
    registry.counter("retrace.ingest.handler.errors", "handler", where, "type", type).increment();
  }

  /** A policy reload was tried. */
  public void policyReload(boolean ok) {
    registry
        .counter("retrace.ingest.policy.reloads", "outcome", ok ? "ok" : "rejected")
        .increment();
  }
}
