package io.retrace.schemas.topic;

import io.retrace.schemas.serde.AvroSerde;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A topic as code sees it: its name, how keys and values are (de)serialized, and how it is created.
 * Every producer, consumer and topology takes its serdes from here, so a topic cannot be written in
 * one format and read in another.
 *
 * @param valueSerde builds the value serde from the serde config (schema registry URL and auth)
 */
public record Topic<K, V>(
    String name, Serde<K> keySerde, Function<Map<String, ?>, Serde<V>> valueSerde, TopicSpec spec) {

  /** A topic with string keys and Avro values in the Confluent wire format. */
  public static <V extends SpecificRecord> Topic<String, V> avro(
      String name, Class<V> valueType, TopicSpec spec) {
    return new Topic<>(
        name, Serdes.String(), config -> AvroSerde.specific(valueType, config, false), spec);
  }

  /** A topic whose values are opaque bytes (e.g. the DLQ keeps records exactly as they came). */
  public static Topic<byte[], byte[]> bytes(String name, TopicSpec spec) {
    return new Topic<>(name, Serdes.ByteArray(), config -> Serdes.ByteArray(), spec);
  }

  /** A topic with string keys and values (e.g. JSON documents). */
  public static Topic<String, String> strings(String name, TopicSpec spec) {
    return new Topic<>(name, Serdes.String(), config -> Serdes.String(), spec);
  }

  /** The value serde for this topic, configured with the registry settings in {@code config}. */
  public Serde<V> valueSerde(Map<String, ?> config) {
    return valueSerde.apply(config);
  }
}
