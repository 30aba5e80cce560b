package io.retrace.agent.capture;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Decides the session of an inbound request: the correlation header if present, else the W3C {@code
 * traceparent}'s trace and parent ids, else a generated id; and whether it is sampled.
 */
public final class SessionIds {
  private final String correlationHeader;
  private final double defaultSampleRate;

  /** The active capture's scope; null when the capture has no scope of its own. */
  private volatile Scope scope;

  /** What a break-glass capture narrows recording to: these correlation ids, this rate. */
  public record Scope(java.util.Set<String> correlationIds, double sampleRate) {}

  private final String prefix;
  private final AtomicLong generated = new AtomicLong();

  public SessionIds(String correlationHeader, double sampleRate, String agentId) {
    this.correlationHeader = correlationHeader;
    this.defaultSampleRate = sampleRate;
    this.prefix = "s-" + agentId.substring(0, Math.min(8, agentId.length())) + "-";
  }

  /**
   * The context for an inbound request whose headers {@code header} reads, or null if unsampled.
   */
  SessionContext inbound(UnaryOperator<String> header) {
    String requestId = header.apply(correlationHeader);
    String traceparent = header.apply("traceparent");
    String traceId = null;
    String spanId = null;
    if (traceparent != null) {
      String[] parts = traceparent.trim().split("-");
      if (parts.length >= 3 && parts[1].length() == 32 && parts[2].length() == 16) {
        traceId = parts[1];
        spanId = parts[2];
      }
    }
    String session =
        requestId != null && !requestId.isBlank()
            ? requestId.trim()
            : traceId != null ? traceId + "-" + spanId : prefix + generated.incrementAndGet();
    Scope current = scope;
    if (current != null
        && !current.correlationIds().isEmpty()
        && !current.correlationIds().contains(session)) {
      return null;
    }
    if (!sampled(session, current == null ? defaultSampleRate : current.sampleRate())) {
      return null;
    }
    return new SessionContext(session, traceId, spanId, requestId, 0);
  }

  /** Narrows recording to {@code scope} (null: back to the agent's own settings). */
  public void scope(Scope scope) {
    this.scope = scope;
  }

  /** Whether work outside any session may be recorded: not while a capture names its sessions. */
  boolean recordsBackground() {
    Scope current = scope;
    return current == null || current.correlationIds().isEmpty();
  }

  /** Deterministic per session id, so every service sharing the id samples alike. */
  static boolean sampled(String session, double sampleRate) {
    if (sampleRate >= 1.0) {
      return true;
    }
    return (session.hashCode() & 0x7fffffff) / (double) Integer.MAX_VALUE < sampleRate;
  }
}
