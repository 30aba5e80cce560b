package io.retrace.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A complete schema registry held in memory, with the semantics of the Confluent one: the same
 * schema gets the same id in every subject, versions count from 1 per subject, and registration is
 * checked against the subject's compatibility level (BACKWARD unless set otherwise). For unit tests
 * and for the agent's file sink, where no registry server runs. Thread-safe.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
  private static final Logger log = LoggerFactory.getLogger(InMemorySchemaRegistryClient.class);
  private static final String REGISTRY = "in-memory";

  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<Schema, Integer> idsBySchema = new HashMap<>();
  private final Map<String, List<Integer>> idsBySubject = new TreeMap<>();
  private final Map<String, Compatibility> subjectLevels = new HashMap<>();
  private Compatibility globalLevel = Compatibility.BACKWARD;

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<Integer> ids = idsBySubject.getOrDefault(subject, List.of());
    Integer existing = idsBySchema.get(schema);
    if (existing != null && ids.contains(existing)) {
      return existing;
    }
    List<String> problems = level(subject).incompatibilities(schema, schemas(ids));
    if (!problems.isEmpty()) {
      throw new SchemaRegistryException(
          REGISTRY,
          409,
          SchemaRegistryException.INCOMPATIBLE_SCHEMA,
          "Schema being registered is incompatible with an earlier schema for subject \""
              + subject
              + "\": "
              + String.join("; ", problems));
    }
    int id = existing != null ? existing : schemasById.size() + 1;
    schemasById.put(id, schema);
    idsBySchema.put(schema, id);
    idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    log.debug("Registered {} under subject {} as id {}", schema.getFullName(), subject, id);
    return id;
  }

  @Override
  public synchronized Schema getById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw notFound(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }
    return schema;
  }

  @Override
  public synchronized SchemaVersion getLatest(String subject) {
    List<Integer> ids = existingSubject(subject);
    return version(subject, ids, ids.size());
  }

  @Override
  public synchronized SchemaVersion getVersion(String subject, int version) {
    List<Integer> ids = existingSubject(subject);
    if (version < 1 || version > ids.size()) {
      throw notFound(
          SchemaRegistryException.VERSION_NOT_FOUND, "Version " + version + " not found");
    }
    return version(subject, ids, version);
  }

  @Override
  public synchronized SchemaVersion lookup(String subject, Schema schema) {
    List<Integer> ids = existingSubject(subject);
    int index = ids.indexOf(idsBySchema.get(schema));
    if (index < 0) {
      throw notFound(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
    }
    return version(subject, ids, index + 1);
  }

  @Override
  public synchronized List<String> subjects() {
    return List.copyOf(idsBySubject.keySet());
  }

  @Override
  public synchronized List<Integer> versions(String subject) {
    return IntStream.rangeClosed(1, existingSubject(subject).size()).boxed().toList();
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    return level(subject).check(schema, schemas(idsBySubject.getOrDefault(subject, List.of())));
  }

  @Override
  public synchronized String compatibility(String subjectOrNull) {
    return level(subjectOrNull).name();
  }

  @Override
  public synchronized void setCompatibility(String subjectOrNull, String level) {
    Compatibility parsed;
    try {
      parsed = Compatibility.parse(level);
    } catch (IllegalArgumentException e) {
      throw new SchemaRegistryException(
          REGISTRY, 422, SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL, e.getMessage());
    }
    if (subjectOrNull == null) {
      globalLevel = parsed;
    } else {
      subjectLevels.put(subjectOrNull, parsed);
    }
  }

  /** Nothing to release; the registry's content stays readable. */
  @Override
  public void close() {}

  private Compatibility level(String subjectOrNull) {
    return subjectOrNull == null
        ? globalLevel
        : subjectLevels.getOrDefault(subjectOrNull, globalLevel);
  }

  private List<Schema> schemas(List<Integer> ids) {
    return ids.stream().map(schemasById::get).toList();
  }

  private List<Integer> existingSubject(String subject) {
    List<Integer> ids = idsBySubject.get(subject);
    if (ids == null) {
      throw notFound(
          SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found");
    }
    return ids;
  }

  private SchemaVersion version(String subject, List<Integer> ids, int version) {
    int id = ids.get(version - 1);
    return new SchemaVersion(subject, version, id, schemasById.get(id));
  }

  private static SchemaRegistryException notFound(int errorCode, String message) {
    return new SchemaRegistryException(REGISTRY, 404, errorCode, message);
  }
}
