package io.retrace.schemas.serde;

import io.retrace.schemas.registry.Compatibility;
import io.retrace.schemas.registry.RegistryConfig;
import io.retrace.schemas.registry.RestSchemaRegistryClient;
import io.retrace.schemas.registry.SchemaRegistryClient;
import io.retrace.schemas.registry.SchemaRegistryException;
import io.retrace.schemas.registry.internal.BoundedCache;
import io.retrace.schemas.serde.WireFormatException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in the Confluent wire format: fetches the writer schema by the id in the header and
 * resolves the Avro body into the reader schema, which is the configured generated class, or the
 * generated class named like the writer schema, or else the writer schema itself as a GenericRecord
 * (see {@link SerdeConfig}). Every failure is a {@link WireFormatException} with a reason.
 *
 * <p>Kafka can create it by class name and configure it with the keys of {@link SerdeConfig} and
 * {@link RegistryConfig}. Thread-safe.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {
  /**
   * Readers by writer schema id. The reader schema is a function of the writer schema within one
   * deserializer, so the id alone is the (writer, reader) key; incompatible pairs are cached too,
   * so that a stream of bad records does not check them again.
   */
  private final BoundedCache<Integer, Reader> readers =
      new BoundedCache<>(RestSchemaRegistryClient.MAX_CACHED);

  private SchemaRegistryClient client;
  private boolean ownsClient;
  private SerdeConfig config;

  /** A resolving reader, or why the writer schema cannot be read. */
  private record Reader(DatumReader<?> datumReader, String incompatibility) {}

  /** For Kafka, which calls {@link #configure} next and thereby creates a registry client. */
  public AvroDeserializer() {}

  /** A value deserializer with default settings over {@code client}. */
  public AvroDeserializer(SchemaRegistryClient client) {
    this(client, Map.of(), false);
  }

  /**
   * A deserializer over {@code client}, configured with the keys of {@link SerdeConfig}; the client
   * stays the caller's to close.
   */
  public AvroDeserializer(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
    this.client = Objects.requireNonNull(client, "client");
    configure(configs, isKey);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    config = SerdeConfig.parse(configs, isKey);
    if (client == null) {
      client = new RestSchemaRegistryClient(RegistryConfig.from(configs));
      ownsClient = true;
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : decode(topic, data, 0, data.length);
  }

  @Override
  public T deserialize(String topic, Headers headers, byte[] data) {
    return deserialize(topic, data);
  }

  @Override
  public T deserialize(String topic, Headers headers, ByteBuffer data) {
    if (data == null) {
      return null;
    }
    if (data.hasArray()) {
      return decode(topic, data.array(), data.arrayOffset() + data.position(), data.remaining());
    }
    byte[] copy = new byte[data.remaining()];
    data.duplicate().get(copy);
    return decode(topic, copy, 0, copy.length);
  }

  /**
   * Decodes the key or the value of {@code record}, whichever this deserializer is for, with the
   * partition and offset in any {@link WireFormatException}: for consumers and dead-letter handlers
   * that hold raw records.
   */
  public T deserialize(ConsumerRecord<byte[], byte[]> record) {
    try {
      return deserialize(
          record.topic(), record.headers(), config().isKey() ? record.key() : record.value());
    } catch (WireFormatException e) {
      throw e.at(record.partition(), record.offset());
    }
  }

  /** Closes the registry client if this deserializer created it. */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  private T decode(String topic, byte[] data, int offset, int length) {
    config();
    int id = WireFormat.schemaId(topic, data, offset, length);
    Reader reader = readers.get(id);
    if (reader == null) {
      reader = reader(topic, id);
      readers.put(id, reader);
    }
    if (reader.incompatibility() != null) {
      throw new WireFormatException(
          Reason.INCOMPATIBLE_SCHEMA, topic, reader.incompatibility(), null);
    }
    int bodyLength = length - WireFormat.HEADER_SIZE;
    BinaryDecoder decoder =
        DecoderFactory.get().binaryDecoder(data, offset + WireFormat.HEADER_SIZE, bodyLength, null);
    Object value;
    boolean trailing;
    try {
      value = reader.datumReader().read(null, decoder);
      trailing = !decoder.isEnd();
    } catch (EOFException e) {
      throw new WireFormatException(
          Reason.TRUNCATED,
          topic,
          "the " + bodyLength + "-byte Avro body of schema id " + id + " ends early",
          e);
    } catch (IOException | RuntimeException e) {
      throw new WireFormatException(
          Reason.INVALID_DATA,
          topic,
          "cannot decode the Avro body of schema id " + id + ": " + e,
          e);
    }
    if (trailing) {
      throw new WireFormatException(
          Reason.INVALID_DATA,
          topic,
          "bytes left over after the Avro body of schema id " + id,
          null);
    }
    @SuppressWarnings("unchecked")
    T typed = (T) value;
    return typed;
  }

  private Reader reader(String topic, int id) {
    Schema writer;
    try {
      writer = client.getById(id);
    } catch (SchemaRegistryException e) {
      throw WireFormatException.fromRegistry(topic, "cannot fetch schema id " + id, e);
    }
    Class<?> type = config.specificType();
    if (type == null && config.specificAvroReader()) {
      type = generatedClass(writer);
    }
    if (type == null) {
      return new Reader(new GenericDatumReader<>(writer, writer, GenericData.get()), null);
    }
    SpecificData model = SpecificData.getForClass(type);
    Schema reader = model.getSchema(type);
    List<String> problems = Compatibility.readerWriterIncompatibilities(reader, writer);
    if (!problems.isEmpty()) {
      return new Reader(
          null,
          "writer schema id "
              + id
              + " ("
              + writer.getFullName()
              + ") cannot be read as "
              + reader.getFullName()
              + ": "
              + String.join("; ", problems));
    }
    return new Reader(new SpecificDatumReader<>(writer, reader, model), null);
  }

  private static Class<?> generatedClass(Schema writer) {
    if (writer.getType() != Schema.Type.RECORD) {
      return null;
    }
    try {
      Class<?> type = SpecificData.get().getClass(writer);
      return type != null && SpecificRecord.class.isAssignableFrom(type) ? type : null;
    } catch (SecurityException e) {
      // A class of that name exists but Avro does not trust it (it was not generated by Avro).
      return null;
    }
  }

  private SerdeConfig config() {
    if (config == null) {
      throw new IllegalStateException("AvroDeserializer used before configure()");
    }
    return config;
  }
}
