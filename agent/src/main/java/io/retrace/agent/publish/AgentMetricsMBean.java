package io.retrace.agent.publish;

/** JMX view of {@link AgentMetrics}. */
public interface AgentMetricsMBean {
  long getCaptured();

  long getDropped();

  long getSent();

  long getSendErrors();

  long getSpooled();

  double getBufferFill();
}
