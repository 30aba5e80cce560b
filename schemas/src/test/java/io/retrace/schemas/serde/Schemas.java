package io.retrace.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retrace.schemas.event.RecordedEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/** Variants of the RecordedEvent schema and conversions, for evolution and error tests. */
final class Schemas {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Schemas() {}

  /** RecordedEvent as an earlier release might have had it: without fields that have defaults. */
  static Schema olderRecordedEvent() {
    return edit(
        RecordedEvent.getClassSchema(),
        root -> {
          removeFields(root, Set.of("redactions", "redactionPolicy", "attributes"));
          for (JsonNode field : root.get("fields")) {
            if (field.get("name").asText().equals("origin")) {
              removeFields((ObjectNode) field.get("type"), Set.of("pid"));
            }
          }
        });
  }

  /** RecordedEvent with one more top-level field. */
  static Schema recordedEventWith(String fieldJson) {
    return edit(
        RecordedEvent.getClassSchema(),
        root -> ((ArrayNode) root.get("fields")).add(parse(fieldJson)));
  }

  /** The event re-read as a GenericRecord of {@code schema}, by Avro schema resolution. */
  static GenericRecord asGeneric(RecordedEvent event, Schema schema) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new SpecificDatumWriter<>(RecordedEvent.class).write(event, encoder);
      encoder.flush();
      return new GenericDatumReader<GenericRecord>(RecordedEvent.getClassSchema(), schema)
          .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The plain Avro binary encoding of the event, without any framing. */
  static byte[] avroBinary(RecordedEvent event) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new SpecificDatumWriter<>(RecordedEvent.class).write(event, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Schema parseSchema(String json) {
    return new Schema.Parser().parse(json);
  }

  private static Schema edit(Schema schema, Consumer<ObjectNode> change) {
    ObjectNode root = (ObjectNode) parse(schema.toString());
    change.accept(root);
    return parseSchema(root.toString());
  }

  private static void removeFields(ObjectNode record, Set<String> names) {
    Iterator<JsonNode> fields = record.get("fields").iterator();
    while (fields.hasNext()) {
      if (names.contains(fields.next().get("name").asText())) {
        fields.remove();
      }
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
