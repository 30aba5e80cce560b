package io.retrace.agent.publish;

import io.retrace.schemas.event.RecordedEvent;
import java.util.List;

/** Where the publisher thread puts events: Kafka, or a file. Called from one thread only. */
public interface EventSink extends AutoCloseable {
  void write(List<RecordedEvent> events) throws Exception;

  /** Makes everything written so far durable (or handed to the broker). */
  void flush() throws Exception;

  @Override
  void close() throws Exception;
}
