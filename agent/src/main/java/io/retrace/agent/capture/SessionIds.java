package io.retrace.agent.capture;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Decides the session of an inbound request: the correlation header if present, else the W3C {@code
 * traceparent}'s trace and parent ids, else a generated id; and whether it is sampled.
 */
public final class SessionIds {
  private final String correlationHeader;
  private final double sampleRate;
  private final String prefix;
  private final AtomicLong generated = new AtomicLong();

  public SessionIds(String correlationHeader, double sampleRate, String agentId) {
    this.correlationHeader = correlationHeader;
    this.sampleRate = sampleRate;
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
    if (!sampled(session)) {
      return null;
    }
    return new SessionContext(session, traceId, spanId, requestId, 0);
  }

  /** Deterministic per session id, so every service sharing the id samples alike. */
  boolean sampled(String session) {
    if (sampleRate >= 1.0) {
      return true;
    }
    return (session.hashCode() & 0x7fffffff) / (double) Integer.MAX_VALUE < sampleRate;
  }
}
