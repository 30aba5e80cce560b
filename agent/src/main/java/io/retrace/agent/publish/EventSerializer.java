package io.retrace.agent.publish;

import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.registry.SchemaRegistryClient;
import io.retrace.schemas.serde.AvroSerializer;
import io.retrace.schemas.serde.SerdeConfig;
import io.retrace.schemas.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Kafka sink's value serializer: the bytes {@link AvroSerializer} writes (magic byte, schema
 * id, Avro body), with the body written by {@link EventEncoder} instead of the datum writer's
 * generic walk, which was the largest part of the publisher thread's own work.
 *
 * <p>The schema id is the serializer's own: the first event on a topic goes through {@link
 * AvroSerializer}, which registers or looks up the schema as it always did, and the id in its
 * header frames the topic's later events. An event {@link EventEncoder} declines, or cannot write,
 * goes through {@link AvroSerializer} too, which writes it or throws what it always threw. With
 * {@code use.latest.version} and no auto-registration, where that serializer may rewrite a body
 * into the subject's latest schema, every event goes through it.
 *
 * <p>Memory: one buffer, reused, that grows to the largest event and is dropped after an event
 * larger than {@value #MAX_RETAINED_BUFFER} bytes; each event's bytes are then copied into an array
 * of their exact size, which the producer copies into its batch. Only the publisher thread sends in
 * steady state; the methods are synchronized because a sink closed after the publisher thread
 * missed its join deadline may send from the closing thread.
 */
public final class EventSerializer implements Serializer<RecordedEvent> {
  private static final int INITIAL_BUFFER = 4096;
  private static final int MAX_RETAINED_BUFFER = 1 << 20;

  private final SchemaRegistryClient client;
  private AvroSerializer<RecordedEvent> avro;
  private boolean direct;
  private Buffer buffer = new Buffer();
  private BinaryEncoder encoder;

  /** The topic whose schema id is known, and that id. */
  private String idTopic;

  private int id;

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
    idTopic = null;
  }

  @Override
  public synchronized byte[] serialize(String topic, RecordedEvent event) {
    if (event == null || !direct) {
      return avro.serialize(topic, event);
    }
    if (!topic.equals(idTopic)) {
      byte[] framed = avro.serialize(topic, event);
      id = WireFormat.schemaId(framed);
      idTopic = topic;
      return framed;
    }
    buffer.reset();
    WireFormat.writeHeader(buffer, id);
    if (encoder == null) {
      encoder = EncoderFactory.get().binaryEncoder(buffer, null);
    }
    boolean written;
    try {
      written = EventEncoder.write(event, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      // The datum writer below reports what is wrong with the event, as it always did.
      written = false;
    }
    if (!written) {
      // The encoder may hold part of the event: a fresh one keeps it out of the next.
      encoder = null;
      return avro.serialize(topic, event);
    }
    byte[] framed = buffer.toByteArray();
    if (buffer.capacity() > MAX_RETAINED_BUFFER) {
      buffer = new Buffer();
      encoder = null;
    }
    return framed;
  }

  /** Closes the registry client if this serializer created it. */
  @Override
  public synchronized void close() {
    avro.close();
  }

  /** A byte array stream that tells how much it holds on to. */
  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(INITIAL_BUFFER);
    }

    int capacity() {
      return buf.length;
    }
  }
}
