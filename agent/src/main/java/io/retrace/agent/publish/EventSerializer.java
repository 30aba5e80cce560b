package io.retrace.agent.publish;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.registry.SchemaRegistryClient;
import io.retrace.schemas.serde.AvroSerializer;
import io.retrace.schemas.serde.SerdeConfig;
import io.retrace.schemas.serde.WireFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Kafka sink's value serializer: the bytes {@link AvroSerializer} writes (magic byte, schema
 * id, Avro body), with the body written by {@link EventEncoder} instead of the datum writer's
 * generic walk, which was the largest part of the publisher thread's own work.
 *
 * <p>The header is the serializer's own: the first event on a topic goes through {@link
 * AvroSerializer}, which registers or looks up the schema as it always did, and its header (magic
 * byte and schema id) frames the topic's later events. An event {@link EventEncoder} declines, or
 * cannot write, goes through {@link AvroSerializer} too, which writes it or throws what it always
 * threw. With {@code use.latest.version} and no auto-registration, where that serializer may
 * rewrite a body into the subject's latest schema, every event goes through it.
 *
 * <p>Memory: one {@link ArrayEncoder}, reused, whose array grows to the largest event and is
 * dropped after an event larger than 1 MiB; each event's bytes are copied out into an array of
 * their exact size, which the producer copies into its batch. Only the publisher thread sends in
 * steady state; the methods are synchronized because a sink closed after the publisher thread
 * missed its join deadline may send from the closing thread.
 */
public final class EventSerializer implements Serializer<RecordedEvent> {
  private final SchemaRegistryClient client;
  private AvroSerializer<RecordedEvent> avro;
  private boolean direct;
  private final ArrayEncoder encoder = new ArrayEncoder();
  private final EventEncoder eventEncoder = new EventEncoder();

  /** The topic whose header is known, and that header. */
  private String headerTopic;

  private byte[] header;

  /** For Kafka, which calls {@link #configure} next; the registry client is created then. */
  public EventSerializer() {
    this.client = null;
  }

  /**
   * A value serializer over {@code client}, configured with the keys of {@link SerdeConfig}; the
   * client stays the caller's to close.
   */
  public EventSerializer(SchemaRegistryClient client, Map<String, ?> configs) {
    this.client = client;
    configure(configs, false);
  }

  @Override
  public synchronized void configure(Map<String, ?> configs, boolean isKey) {
    avro = client == null ? new AvroSerializer<>() : new AvroSerializer<>(client);
    avro.configure(configs, isKey);
    SerdeConfig config = SerdeConfig.parse(configs, isKey);
    direct = config.autoRegisterSchemas() || !config.useLatestVersion();
    headerTopic = null;
  }

  @Override
  public synchronized byte[] serialize(String topic, RecordedEvent event) {
    if (event == null || !direct) {
      return avro.serialize(topic, event);
    }
    if (!topic.equals(headerTopic)) {
      byte[] framed = avro.serialize(topic, event);
      header = Arrays.copyOf(framed, WireFormat.HEADER_SIZE);
      headerTopic = topic;
      return framed;
    }
    try {
      encoder.writeFixed(header, 0, header.length);
      if (eventEncoder.write(event, encoder)) {
        return encoder.toByteArray();
      }
    } catch (IOException | RuntimeException e) {
      // Written by AvroSerializer below instead, which reports what is wrong with the event.
    } finally {
      encoder.reset();
    }
    return avro.serialize(topic, event);
  }

  /** Closes the registry client if this serializer created it. */
  @Override
  public synchronized void close() {
    avro.close();
  }
}
