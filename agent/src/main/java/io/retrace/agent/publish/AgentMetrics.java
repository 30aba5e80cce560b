package io.retrace.agent.publish;

import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's counters, read over JMX ({@code io.retrace:type=Agent}) and the admin endpoint.
 * Buffer figures come from the live {@link EventBuffer}.
 */
public final class AgentMetrics implements AgentMetricsMBean {
  final LongAdder sent = new LongAdder();
  final LongAdder sendErrors = new LongAdder();
  final LongAdder spooled = new LongAdder();

  /** Events lost after capture: spool full, or no spool configured while the broker was down. */
  final LongAdder dropped = new LongAdder();

  private final EventBuffer buffer;

  public AgentMetrics(EventBuffer buffer) {
    this.buffer = buffer;
  }

  @Override
  public long getCaptured() {
    return buffer.offered();
  }

  @Override
  public long getDropped() {
    return buffer.dropped() + dropped.sum();
  }

  @Override
  public long getSent() {
    return sent.sum();
  }

  @Override
  public long getSendErrors() {
    return sendErrors.sum();
  }

  @Override
  public long getSpooled() {
    return spooled.sum();
  }

  @Override
  public double getBufferFill() {
    return (double) buffer.size() / buffer.capacity();
  }

  /** Prometheus text format, for the admin endpoint's /metrics. */
  public String prometheus() {
    return "# TYPE retrace_agent_captured_total counter\nretrace_agent_captured_total "
        + getCaptured()
        + "\n# TYPE retrace_agent_dropped_total counter\nretrace_agent_dropped_total "
        + getDropped()
        + "\n# TYPE retrace_agent_sent_total counter\nretrace_agent_sent_total "
        + getSent()
        + "\n# TYPE retrace_agent_send_errors_total counter\nretrace_agent_send_errors_total "
        + getSendErrors()
        + "\n# TYPE retrace_agent_spooled_total counter\nretrace_agent_spooled_total "
        + getSpooled()
        + "\n# TYPE retrace_agent_buffer_fill gauge\nretrace_agent_buffer_fill "
        + getBufferFill()
        + "\n";
  }
}
