package io.retrace.schemas.serde;

import io.retrace.schemas.registry.RegistryConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serializer and deserializer settings, parsed from Confluent's configuration keys so that a
 * Kafka client configuration written for Confluent's Avro serde works with Retrace's. The registry
 * connection keys are parsed separately by {@link RegistryConfig}.
 *
 * @param isKey whether the serde handles record keys rather than values
 * @param autoRegisterSchemas register the writer schema if needed, else only look it up
 * @param useLatestVersion write with the subject's latest schema (when not auto-registering)
 * @param subjectNameStrategy the strategy for keys or values, whichever this serde handles
 * @param specificAvroReader read into the generated class of the writer schema when there is one
 * @param specificType the generated class every record is read into, or null
 */
public record SerdeConfig(
    boolean isKey,
    boolean autoRegisterSchemas,
    boolean useLatestVersion,
    SubjectNameStrategy subjectNameStrategy,
    boolean specificAvroReader,
    Class<? extends SpecificRecord> specificType) {

  /** Comma-separated registry base URLs; see {@link RegistryConfig} for the other keys. */
  public static final String SCHEMA_REGISTRY_URL = RegistryConfig.URL;

  /** Register the writer schema when it is not yet registered; default true. */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

  /**
   * Write with the latest version of the subject instead of the record's own schema; default false;
   * only used when {@link #AUTO_REGISTER_SCHEMAS} is false, as in Confluent's serde.
   */
  public static final String USE_LATEST_VERSION = "use.latest.version";

  /**
   * {@code topic} (default), {@code record}, {@code topic-record}, or Confluent's strategy class
   * names.
   */
  public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";

  /** As {@link #KEY_SUBJECT_NAME_STRATEGY}, for values. */
  public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

  /** Read into generated classes rather than GenericRecord; default true. */
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

  /** The generated class that keys are read into, whatever {@link #SPECIFIC_AVRO_READER} says. */
  public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";

  /** The generated class that values are read into, whatever {@link #SPECIFIC_AVRO_READER} says. */
  public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";

  public SerdeConfig {
    if (subjectNameStrategy == null) {
      throw new IllegalArgumentException("subjectNameStrategy is required");
    }
  }

  /**
   * Parses the serde keys out of a Kafka client configuration; other keys are ignored.
   *
   * @throws ConfigException listing every invalid key at once
   */
  public static SerdeConfig parse(Map<String, ?> configs, boolean isKey) {
    List<String> problems = new ArrayList<>();
    boolean autoRegister = bool(configs, AUTO_REGISTER_SCHEMAS, true, problems);
    boolean useLatest = bool(configs, USE_LATEST_VERSION, false, problems);
    boolean specificReader = bool(configs, SPECIFIC_AVRO_READER, true, problems);

    String strategyKey = isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY;
    SubjectNameStrategy strategy = SubjectNameStrategy.TOPIC;
    Object strategyValue = configs.get(strategyKey);
    if (strategyValue instanceof SubjectNameStrategy given) {
      strategy = given;
    } else if (strategyValue != null) {
      try {
        strategy = SubjectNameStrategy.parse(name(strategyValue));
      } catch (IllegalArgumentException e) {
        problems.add(strategyKey + "=" + strategyValue + ": " + e.getMessage());
      }
    }

    String typeKey = isKey ? SPECIFIC_AVRO_KEY_TYPE : SPECIFIC_AVRO_VALUE_TYPE;
    Class<? extends SpecificRecord> type = specificType(typeKey, configs.get(typeKey), problems);

    if (!problems.isEmpty()) {
      throw new ConfigException("Invalid Avro serde configuration: " + String.join("; ", problems));
    }
    return new SerdeConfig(isKey, autoRegister, useLatest, strategy, specificReader, type);
  }

  private static boolean bool(
      Map<String, ?> configs, String key, boolean defaultValue, List<String> problems) {
    Object value = configs.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean given) {
      return given;
    }
    String text = value.toString().trim().toLowerCase(Locale.ROOT);
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    problems.add(key + "=" + value + ": expected true or false");
    return defaultValue;
  }

  /** A class given as a Class object, or a strategy class given as one, is taken by its name. */
  private static String name(Object value) {
    return value instanceof Class<?> type ? type.getName() : value.toString();
  }

  private static Class<? extends SpecificRecord> specificType(
      String key, Object value, List<String> problems) {
    if (value == null || value.toString().isBlank()) {
      return null;
    }
    Class<?> type;
    try {
      type = value instanceof Class<?> given ? given : loadClass(value.toString().trim());
    } catch (ClassNotFoundException e) {
      problems.add(key + "=" + value + ": class not found");
      return null;
    }
    if (!SpecificRecord.class.isAssignableFrom(type)) {
      problems.add(key + "=" + value + ": not an Avro generated class (SpecificRecord)");
      return null;
    }
    return type.asSubclass(SpecificRecord.class);
  }

  private static Class<?> loadClass(String name) throws ClassNotFoundException {
    // Kafka instantiates serdes with the context class loader of the thread that configures them.
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return Class.forName(name, true, loader != null ? loader : SerdeConfig.class.getClassLoader());
  }
}
