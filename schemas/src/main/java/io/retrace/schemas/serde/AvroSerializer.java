package io.retrace.schemas.serde;

import io.retrace.schemas.registry.Compatibility;
import io.retrace.schemas.registry.RegistryConfig;
import io.retrace.schemas.registry.RestSchemaRegistryClient;
import io.retrace.schemas.registry.SchemaRegistryClient;
import io.retrace.schemas.registry.SchemaRegistryException;
import io.retrace.schemas.registry.SchemaVersion;
import io.retrace.schemas.registry.internal.BoundedCache;
import io.retrace.schemas.serde.WireFormatException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Avro records (generated classes or GenericRecord) in the Confluent wire format: magic
 * byte, the writer schema's registry id, Avro binary. The schema is registered (or looked up, or
 * the subject's latest version used, see {@link SerdeConfig}) once per topic and schema; after that
 * a record costs one cache lookup, the encoding into a per-thread buffer, and the returned array.
 *
 * <p>Kafka can create it by class name ({@code value.serializer=}this class) and configure it with
 * the keys of {@link SerdeConfig} and {@link RegistryConfig}. Thread-safe.
 */
public final class AvroSerializer<T> implements Serializer<T> {
  private static final Logger log = LoggerFactory.getLogger(AvroSerializer.class);

  private static final int INITIAL_BUFFER = 1024;

  /** A thread's buffer grown beyond this is dropped after use instead of being kept for reuse. */
  private static final int MAX_RETAINED_BUFFER = 1 << 20;

  private static final int MAX_TOPICS = 1000;
  private static final int MAX_SCHEMAS_PER_TOPIC = 100;

  /**
   * Keyed by topic, then by {@link #writerKey}, so that a hit needs neither a subject string nor a
   * key object.
   */
  private final BoundedCache<String, BoundedCache<Object, Target>> targets =
      new BoundedCache<>(MAX_TOPICS);

  private final BoundedCache<Object, DatumWriter<Object>> writers =
      new BoundedCache<>(RestSchemaRegistryClient.MAX_CACHED);

  private final ThreadLocal<Output> outputs = ThreadLocal.withInitial(Output::new);

  private SchemaRegistryClient client;
  private boolean ownsClient;
  private SerdeConfig config;

  /** How one schema is written on one topic: the id in the header and the body's encoding. */
  private record Target(int id, Encoding encoding) {}

  @FunctionalInterface
  private interface Encoding {
    void write(Object datum, Encoder out) throws IOException;
  }

  private static final class Output {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(INITIAL_BUFFER);
    final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
  }

  /** For Kafka, which calls {@link #configure} next and thereby creates a registry client. */
  public AvroSerializer() {}

  /** A value serializer with default settings over {@code client}. */
  public AvroSerializer(SchemaRegistryClient client) {
    this(client, Map.of(), false);
  }

  /**
   * A serializer over {@code client}, configured with the keys of {@link SerdeConfig}; the client
   * stays the caller's to close.
   */
  public AvroSerializer(SchemaRegistryClient client, Map<String, ?> configs, boolean isKey) {
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
    if (config.autoRegisterSchemas() && config.useLatestVersion()) {
      log.warn(
          "{}=true has no effect while {}=true; schemas are registered as written",
          SerdeConfig.USE_LATEST_VERSION,
          SerdeConfig.AUTO_REGISTER_SCHEMAS);
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (config == null) {
      throw new IllegalStateException("AvroSerializer used before configure()");
    }
    if (!(data instanceof GenericContainer container)) {
      throw new WireFormatException(
          Reason.SERIALIZATION_FAILED,
          topic,
          "expected an Avro record (SpecificRecord or GenericRecord), got "
              + data.getClass().getName(),
          null);
    }
    Schema schema = container.getSchema();
    Object key = writerKey(data, schema);
    BoundedCache<Object, Target> topicTargets =
        targets.get(topic, t -> new BoundedCache<>(MAX_SCHEMAS_PER_TOPIC));
    Target target = topicTargets.get(key);
    if (target == null) {
      target = target(topic, schema, key);
      topicTargets.put(key, target);
    }
    Output output = outputs.get();
    try {
      output.bytes.reset();
      WireFormat.writeHeader(output.bytes, target.id());
      target.encoding().write(data, output.encoder);
      output.encoder.flush();
      byte[] framed = output.bytes.toByteArray();
      if (framed.length > MAX_RETAINED_BUFFER) {
        outputs.remove();
      }
      return framed;
    } catch (IOException | RuntimeException e) {
      // The encoder may hold part of the failed record; a fresh one keeps it out of the next.
      outputs.remove();
      throw new WireFormatException(
          Reason.SERIALIZATION_FAILED,
          topic,
          "cannot write " + schema.getFullName() + " (schema id " + target.id() + "): " + e,
          e);
    }
  }

  /** Closes the registry client if this serializer created it. */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  private Target target(String topic, Schema schema, Object key) {
    String subject;
    try {
      subject = config.subjectNameStrategy().subject(topic, config.isKey(), schema);
    } catch (IllegalArgumentException e) {
      throw new WireFormatException(Reason.SERIALIZATION_FAILED, topic, e.getMessage(), e);
    }
    try {
      if (config.autoRegisterSchemas()) {
        return new Target(client.register(subject, schema), writer(key, schema)::write);
      }
      if (!config.useLatestVersion()) {
        return new Target(client.lookup(subject, schema).id(), writer(key, schema)::write);
      }
      SchemaVersion latest = client.getLatest(subject);
      return new Target(
          latest.id(),
          latest.schema().equals(schema)
              ? writer(key, schema)::write
              : converting(topic, schema, writer(key, schema), latest));
    } catch (SchemaRegistryException e) {
      throw WireFormatException.fromRegistry(
          topic,
          (config.autoRegisterSchemas() ? "cannot register " : "cannot look up ")
              + schema.getFullName()
              + " under subject "
              + subject,
          e);
    }
  }

  /**
   * Generated classes are told apart by class, which also fixes their schema; generic records by
   * schema.
   */
  private static Object writerKey(Object datum, Schema schema) {
    return datum instanceof SpecificRecord ? datum.getClass() : schema;
  }

  private DatumWriter<Object> writer(Object key, Schema schema) {
    // A generated class brings its own model, with its logical-type conversions (e.g. Instant);
    // a generic record holds raw values. Neither needs Avro to load a class by name.
    return writers.get(
        key,
        k ->
            k instanceof Class<?> type
                ? new SpecificDatumWriter<>(schema, SpecificData.getForClass(type))
                : new GenericDatumWriter<>(schema, GenericData.get()));
  }

  /**
   * Writes a record whose own schema differs from the subject's latest version: its positions need
   * not match the latest schema's, so it is resolved into the latest schema by name, with defaults
   * for fields it lacks. Costs an extra encode and decode; only use.latest.version with an outdated
   * class takes this path.
   */
  private Encoding converting(
      String topic, Schema own, DatumWriter<Object> ownWriter, SchemaVersion latest) {
    List<String> problems = Compatibility.readerWriterIncompatibilities(latest.schema(), own);
    if (!problems.isEmpty()) {
      throw new WireFormatException(
          Reason.INCOMPATIBLE_SCHEMA,
          topic,
          "a "
              + own.getFullName()
              + " cannot be written as the latest schema of subject "
              + latest.subject()
              + " (version "
              + latest.version()
              + ", id "
              + latest.id()
              + "): "
              + String.join("; ", problems),
          null);
    }
    GenericDatumReader<Object> toLatest =
        new GenericDatumReader<>(own, latest.schema(), GenericData.get());
    GenericDatumWriter<Object> latestWriter =
        new GenericDatumWriter<>(latest.schema(), GenericData.get());
    return (datum, out) -> {
      ByteArrayOutputStream scratch = new ByteArrayOutputStream(INITIAL_BUFFER);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(scratch, null);
      ownWriter.write(datum, encoder);
      Object resolved =
          toLatest.read(null, DecoderFactory.get().binaryDecoder(scratch.toByteArray(), null));
      latestWriter.write(resolved, out);
    };
  }
}
