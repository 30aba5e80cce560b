package io.retrace.stack.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.retrace.schemas.registry.Compatibility;
import java.util.Optional;

/**
 * Keys and values of the schema topic, in the JSON shapes Confluent Schema Registry uses for its
 * own {@code _schemas} topic, so the topic reads the same to anyone who knows that format.
 */
final class RegistryRecordCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCHEMA = "SCHEMA";
  private static final String CONFIG = "CONFIG";

  private RegistryRecordCodec() {}

  /**
   * The record's key. Compaction keeps the latest value per key, so a key names exactly what the
   * value replaces: one subject version, or one subject's (or the global) config.
   */
  static String key(RegistryRecord record) {
    ObjectNode key = JSON.createObjectNode();
    if (record instanceof SchemaRecord schema) {
      key.put("keytype", SCHEMA);
      key.put("subject", schema.subject());
      key.put("version", schema.version());
      key.put("magic", 1);
    } else if (record instanceof ConfigRecord config) {
      key.put("keytype", CONFIG);
      key.put("subject", config.subject());
      key.put("magic", 0);
    }
    return key.toString();
  }

  static String value(RegistryRecord record) {
    ObjectNode value = JSON.createObjectNode();
    if (record instanceof SchemaRecord schema) {
      value.put("subject", schema.subject());
      value.put("version", schema.version());
      value.put("id", schema.id());
      value.put("schema", schema.schema());
      value.put("deleted", false);
    } else if (record instanceof ConfigRecord config) {
      value.put("compatibilityLevel", config.level().name());
    }
    return value.toString();
  }

  /**
   * Reads one record of the topic. Empty for what this registry does not keep: tombstones,
   * soft-deleted schemas and key types written by other registries (modes, no-op markers).
   *
   * @throws IllegalArgumentException when the key or value is not what the format says
   */
  static Optional<RegistryRecord> decode(String key, String value) {
    JsonNode k = parse(key, "key");
    String keyType = k.path("keytype").asText();
    if (value == null || !(SCHEMA.equals(keyType) || CONFIG.equals(keyType))) {
      return Optional.empty();
    }
    JsonNode v = parse(value, "value");
    if (SCHEMA.equals(keyType)) {
      if (v.path("deleted").asBoolean(false)) {
        return Optional.empty();
      }
      return Optional.of(
          new SchemaRecord(
              text(v, "subject"), number(v, "version"), number(v, "id"), text(v, "schema")));
    }
    String subject = k.path("subject").isTextual() ? k.get("subject").asText() : null;
    String level = text(v, "compatibilityLevel");
    try {
      return Optional.of(new ConfigRecord(subject, Compatibility.valueOf(level)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Unknown compatibility level '" + level + "'", e);
    }
  }

  private static JsonNode parse(String json, String what) {
    if (json == null) {
      throw new IllegalArgumentException("The record has no " + what);
    }
    try {
      JsonNode node = JSON.readTree(json);
      if (!node.isObject()) {
        throw new IllegalArgumentException("The record " + what + " is not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("The record " + what + " is not JSON", e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("The record has no text field '" + field + "'");
    }
    return value.asText();
  }

  private static int number(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new IllegalArgumentException("The record has no integer field '" + field + "'");
    }
    return value.asInt();
  }
}
