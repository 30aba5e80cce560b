package io.retrace.ingest.internal;

import io.retrace.ingest.DlqHeaders;
import io.retrace.schemas.serde.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams error handlers of the app. Bad input never stops it: each handler logs, counts,
 * and lets processing go on, writing a DLQ record with the reason headers (and the original bytes
 * only when {@code dlq.keep.undecodable} allows, since they could not be redacted). A registry
 * outage is the exception: it fails the task, to be retried.
 *
 * <p>Kafka Streams creates the handlers by class name; they find the metrics and the DLQ settings
 * in the config under the {@code retrace.ingest.*} keys that the app sets.
 */
public final class ErrorHandlers {
  /** Config key of the {@link IngestMetrics} instance. */
  public static final String METRICS = "retrace.ingest.metrics";

  /** Config key of the DLQ topic name. */
  public static final String DLQ_TOPIC = "retrace.ingest.dlq.topic";

  /** Config key of {@code dlq.keep.undecodable}. */
  public static final String KEEP_UNDECODABLE = "retrace.ingest.dlq.keep.undecodable";

  private static final Logger log = LoggerFactory.getLogger(ErrorHandlers.class);

  private ErrorHandlers() {}

  /** What every handler takes from the config. */
  private abstract static class Base {
    IngestMetrics metrics;
    String dlqTopic;
    boolean keepUndecodable;

    public void configure(Map<String, ?> configs) {
      metrics = (IngestMetrics) configs.get(METRICS);
      dlqTopic = (String) configs.get(DLQ_TOPIC);
      keepUndecodable = Boolean.parseBoolean(String.valueOf(configs.get(KEEP_UNDECODABLE)));
    }

    void count(String handler, Exception e) {
      if (metrics != null) {
        metrics.handlerError(handler, e.getClass().getSimpleName());
      }
    }

    List<ProducerRecord<byte[], byte[]>> deadLetter(
        ErrorHandlerContext context, String reason, String detail, byte[] key, byte[] value) {
      if (dlqTopic == null) {
        return List.of();
      }
      if (metrics != null) {
        metrics.deadLettered(reason);
      }
      Headers headers =
          context.headers() == null
              ? new RecordHeaders()
              : new RecordHeaders(context.headers().toArray());
      add(headers, DlqHeaders.REASON, reason);
      add(headers, DlqHeaders.DETAIL, detail == null ? "" : detail);
      add(headers, DlqHeaders.SOURCE_TOPIC, String.valueOf(context.topic()));
      add(headers, DlqHeaders.SOURCE_PARTITION, Integer.toString(context.partition()));
      add(headers, DlqHeaders.SOURCE_OFFSET, Long.toString(context.offset()));
      byte[] kept = keepUndecodable ? value : null;
      add(headers, DlqHeaders.VALUE, kept == null ? "none" : "original");
      return List.of(new ProducerRecord<>(dlqTopic, null, key, kept, headers));
    }

    private static void add(Headers headers, String name, String value) {
      headers.remove(name);
      headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A record of an Avro topic the app reads (events, recordings) that cannot be decoded. */
  public static final class Deserialization extends Base
      implements DeserializationExceptionHandler {
    @Override
    public Response handleError(
        ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
      if (exception instanceof WireFormatException wire && wire.reason().retriable()) {
        return Response.fail();
      }
      count("deserialization", exception);
      String reason =
          exception instanceof WireFormatException wire
              ? wire.reason().name()
              : WireFormatException.Reason.INVALID_DATA.name();
      log.warn(
          "Skipping an undecodable record at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          exception.getMessage());
      return Response.resume(
          deadLetter(context, reason, exception.getMessage(), record.key(), record.value()));
    }
  }

  /** A record the producer could not write: too large, or not serializable. */
  public static final class Production extends Base implements ProductionExceptionHandler {
    @Override
    public Response handleError(
        ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
      count("production", exception);
      log.warn(
          "Could not write a record to {}; skipping it: {}", record.topic(), exception.toString());
      return Response.resume();
    }

    @Override
    public Response handleSerializationError(
        ErrorHandlerContext context,
        ProducerRecord record,
        Exception exception,
        SerializationExceptionOrigin origin) {
      if (exception instanceof WireFormatException wire && wire.reason().retriable()) {
        return Response.fail();
      }
      count("serialization", exception);
      log.warn(
          "Could not serialize the {} of a record for {}; skipping it: {}",
          origin,
          record.topic(),
          exception.toString());
      return Response.resume();
    }
  }

  /** An unexpected failure inside a processor: a bug must not stop ingest for everyone. */
  public static final class Processing extends Base implements ProcessingExceptionHandler {
    @Override
    public Response handleError(
        ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      if (exception instanceof WireFormatException wire && wire.reason().retriable()) {
        return Response.fail();
      }
      count("processing", exception);
      log.error(
          "Processing failed in {} at {}-{}@{}; skipping the record",
          context.processorNodeId(),
          context.topic(),
          context.partition(),
          context.offset(),
          exception);
      return Response.resume(
          deadLetter(
              context,
              DlqHeaders.PROCESSING_FAILED,
              exception.getClass().getName(),
              context.sourceRawKey(),
              null));
    }
  }
}
