package io.retrace.schemas.serde;

import io.retrace.schemas.registry.RegistryConfig;
import io.retrace.schemas.registry.RestSchemaRegistryClient;
import io.retrace.schemas.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * An {@link AvroSerializer} and {@link AvroDeserializer} sharing one registry client, for Kafka
 * Streams and for code that needs both directions of one topic. The factories pin the reading mode
 * (a generated class, or GenericRecord) so that a later {@link #configure} cannot change it.
 */
public final class AvroSerde<T> implements Serde<T> {
  /** Settings chosen by a factory, laid over whatever {@link #configure} is given. */
  private final Map<String, Object> pinned;

  private SchemaRegistryClient client;
  private boolean ownsClient;
  private AvroSerializer<T> serializer;
  private AvroDeserializer<T> deserializer;

  /** For Kafka Streams, which calls {@link #configure} next and thereby creates a client. */
  public AvroSerde() {
    this.pinned = Map.of();
  }

  /** A value serde with default settings over {@code client}. */
  public AvroSerde(SchemaRegistryClient client) {
    this(client, Map.of(), false);
  }

  /** A serde over {@code client}, which stays the caller's to close. */
  public AvroSerde(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
    this(Objects.requireNonNull(client, "client"), Map.of(), configs, isKey);
  }

  private AvroSerde(
      SchemaRegistryClient client,
      Map<String, Object> pinned,
      Map<String, ?> configs,
      boolean isKey) {
    this.client = client;
    this.pinned = pinned;
    configure(configs, isKey);
  }

  /**
   * A serde of a generated class with its own registry client, closed with the serde.
   *
   * @param configs the keys of {@link SerdeConfig} and {@link RegistryConfig}
   */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      Class<T> type, Map<String, ?> configs, boolean isKey) {
    return new AvroSerde<>(null, pinnedType(type, isKey), configs, isKey);
  }

  /** A serde of a generated class over {@code client}, which stays the caller's to close. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      Class<T> type, SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
    return new AvroSerde<>(
        Objects.requireNonNull(client, "client"), pinnedType(type, isKey), configs, isKey);
  }

  /**
   * A serde that reads every record as a GenericRecord of its writer schema, with its own registry
   * client, closed with the serde.
   */
  public static AvroSerde<GenericRecord> generic(Map<String, ?> configs, boolean isKey) {
    return new AvroSerde<>(null, Map.of(SerdeConfig.SPECIFIC_AVRO_READER, false), configs, isKey);
  }

  /** A GenericRecord serde over {@code client}, which stays the caller's to close. */
  public static AvroSerde<GenericRecord> generic(
      SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
    return new AvroSerde<>(
        Objects.requireNonNull(client, "client"),
        Map.of(SerdeConfig.SPECIFIC_AVRO_READER, false),
        configs,
        isKey);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Map<String, Object> merged = new HashMap<>(configs);
    merged.putAll(pinned);
    if (client == null) {
      client = new RestSchemaRegistryClient(RegistryConfig.from(merged));
      ownsClient = true;
    }
    serializer = new AvroSerializer<>(client, merged, isKey);
    deserializer = new AvroDeserializer<>(client, merged, isKey);
  }

  @Override
  public AvroSerializer<T> serializer() {
    if (serializer == null) {
      throw new IllegalStateException("AvroSerde used before configure()");
    }
    return serializer;
  }

  @Override
  public AvroDeserializer<T> deserializer() {
    if (deserializer == null) {
      throw new IllegalStateException("AvroSerde used before configure()");
    }
    return deserializer;
  }

  /** Closes the registry client if this serde created it. */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  private static Map<String, Object> pinnedType(Class<?> type, boolean isKey) {
    return Map.of(
        isKey ? SerdeConfig.SPECIFIC_AVRO_KEY_TYPE : SerdeConfig.SPECIFIC_AVRO_VALUE_TYPE,
        Objects.requireNonNull(type, "type"));
  }
}
