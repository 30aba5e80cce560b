package io.retrace.stack.registry;

import io.retrace.schemas.registry.Compatibility;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.apache.avro.Schema;

/**
 * The registry's state in memory — subjects, versions, global ids, compatibility levels — and the
 * rules of Confluent Schema Registry that act on it. It knows nothing of Kafka or HTTP: writers ask
 * it to plan a change, make the change durable, then {@link #apply} it; readers may read at any
 * time, from any thread.
 */
final class SchemaStore {
  /** A version number that stands for the subject's latest version. */
  static final int LATEST = -1;

  /** Confluent's default when neither the subject nor the registry has a level configured. */
  static final Compatibility DEFAULT_LEVEL = Compatibility.BACKWARD;

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, NavigableMap<Integer, Stored>> subjects = new TreeMap<>();
  private final Map<Integer, Stored> byId = new HashMap<>();
  private final Map<String, Integer> idByCanonical = new HashMap<>();
  private final Map<String, Compatibility> subjectLevels = new HashMap<>();
  private Compatibility globalLevel;
  private int maxId;

  /** What registering a schema comes to: a new version to write, or the one already there. */
  record Registration(SchemaRecord schema, boolean isNew) {}

  /** The answer to a compatibility check; {@code messages} say why when it is not compatible. */
  record CompatibilityResult(boolean compatible, List<String> messages) {}

  /** A registered version with its parsed schema, which compatibility checks need. */
  private record Stored(SchemaRecord record, Schema schema) {}

  /** A schema a client sent, parsed, with the canonical text that identifies it. */
  private record Parsed(Schema schema, String canonical) {}

  /** The state after applying {@code records} in order, e.g. everything read from the topic. */
  static SchemaStore of(Iterable<? extends RegistryRecord> records) {
    SchemaStore store = new SchemaStore();
    records.forEach(store::apply);
    return store;
  }

  /**
   * Decides what registering {@code schemaText} under {@code subject} does, without changing
   * anything. A schema already registered under the subject keeps its id and version; a schema
   * registered under another subject keeps its id; anything else gets the next id. New versions
   * must pass the subject's compatibility level.
   *
   * @throws RegistryException INVALID_SCHEMA or INCOMPATIBLE_SCHEMA
   */
  Registration planRegistration(String subject, String schemaText) {
    Parsed candidate = parse(schemaText);
    return read(
        () -> {
          NavigableMap<Integer, Stored> versions = subjects.getOrDefault(subject, new TreeMap<>());
          for (Stored stored : versions.values()) {
            if (stored.record().schema().equals(candidate.canonical())) {
              return new Registration(stored.record(), false);
            }
          }
          List<String> problems = incompatibilities(levelOf(subject), candidate.schema(), versions);
          if (!problems.isEmpty()) {
            throw RegistryException.incompatible(subject, problems);
          }
          int id = idByCanonical.getOrDefault(candidate.canonical(), maxId + 1);
          int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
          return new Registration(
              new SchemaRecord(subject, version, id, candidate.canonical()), true);
        });
  }

  /** Makes a change that is already durable part of the state. */
  void apply(RegistryRecord record) {
    lock.writeLock().lock();
    try {
      if (record instanceof SchemaRecord schema) {
        applySchema(schema);
      } else if (record instanceof ConfigRecord config) {
        if (config.subject() == null) {
          globalLevel = config.level();
        } else {
          subjectLevels.put(config.subject(), config.level());
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void applySchema(SchemaRecord record) {
    Parsed parsed;
    try {
      parsed = parse(record.schema());
    } catch (RegistryException e) {
      throw new IllegalArgumentException(
          "Stored schema " + record.id() + " of subject '" + record.subject() + "' is invalid", e);
    }
    SchemaRecord canonical =
        new SchemaRecord(record.subject(), record.version(), record.id(), parsed.canonical());
    Stored stored = new Stored(canonical, parsed.schema());
    subjects.computeIfAbsent(record.subject(), s -> new TreeMap<>()).put(record.version(), stored);
    byId.putIfAbsent(record.id(), stored);
    idByCanonical.putIfAbsent(parsed.canonical(), record.id());
    maxId = Math.max(maxId, record.id());
  }

  /** Subjects with at least one version, sorted. */
  List<String> subjects() {
    return read(() -> List.copyOf(subjects.keySet()));
  }

  /** The subject's version numbers, ascending. */
  List<Integer> versions(String subject) {
    return read(() -> List.copyOf(versionsOf(subject).keySet()));
  }

  /**
   * One version of a subject.
   *
   * @param version a version number or {@link #LATEST}
   */
  SchemaRecord version(String subject, int version) {
    return read(() -> find(subject, version).record());
  }

  /** The schema text registered under a global id. */
  String schemaById(int id) {
    return read(
        () -> {
          Stored stored = byId.get(id);
          if (stored == null) {
            throw RegistryException.schemaNotFound(id);
          }
          return stored.record().schema();
        });
  }

  /** The version of {@code subject} whose schema is {@code schemaText}, ignoring formatting. */
  SchemaRecord lookup(String subject, String schemaText) {
    Parsed candidate = parse(schemaText);
    return read(
        () ->
            versionsOf(subject).values().stream()
                .map(Stored::record)
                .filter(r -> r.schema().equals(candidate.canonical()))
                .findFirst()
                .orElseThrow(RegistryException::schemaNotFound));
  }

  /**
   * Whether {@code schemaText} could be registered next to one version of the subject (or, with
   * {@code version} null, next to the versions its compatibility level looks at). As in Confluent,
   * a single version is checked with the non-transitive form of the subject's level, and a subject
   * with no versions accepts anything.
   *
   * @param version a version number, {@link #LATEST}, or null for the subject's level to decide
   */
  CompatibilityResult checkCompatibility(String subject, String schemaText, Integer version) {
    return read(
        () -> {
          Compatibility level = levelOf(subject);
          NavigableMap<Integer, Stored> previous;
          if (!subjects.containsKey(subject) && (version == null || version == LATEST)) {
            previous = new TreeMap<>();
          } else if (version == null) {
            previous = versionsOf(subject);
          } else {
            // Every version up to the one asked about: the non-transitive level looks only at the
            // last of them, and its messages then number that version correctly.
            int upTo = find(subject, version).record().version();
            previous = versionsOf(subject).headMap(upTo, true);
            level = nonTransitive(level);
          }
          Parsed candidate = parse(schemaText);
          List<String> problems = incompatibilities(level, candidate.schema(), previous);
          return new CompatibilityResult(problems.isEmpty(), problems);
        });
  }

  /** The level configured for the whole registry, or the default when none is. */
  Compatibility globalLevel() {
    return read(() -> globalLevel == null ? DEFAULT_LEVEL : globalLevel);
  }

  /** The level configured for the subject itself, if any. */
  Optional<Compatibility> subjectLevel(String subject) {
    return read(() -> Optional.ofNullable(subjectLevels.get(subject)));
  }

  /** The level that registrations under {@code subject} are checked with. */
  Compatibility effectiveLevel(String subject) {
    return read(() -> levelOf(subject));
  }

  /**
   * Reads a compatibility level the way Confluent does, ignoring case.
   *
   * @throws RegistryException INVALID_COMPATIBILITY_LEVEL
   */
  static Compatibility parseLevel(String text) {
    try {
      return Compatibility.parse(text);
    } catch (IllegalArgumentException e) {
      throw RegistryException.invalidCompatibilityLevel();
    }
  }

  /**
   * Confluent-style details of why {@code candidate} may not follow {@code previous}: the problems
   * found, then the level they were found at. Empty when it may.
   */
  private static List<String> incompatibilities(
      Compatibility level, Schema candidate, NavigableMap<Integer, Stored> previous) {
    List<Schema> oldestFirst = new ArrayList<>();
    previous.values().forEach(stored -> oldestFirst.add(stored.schema()));
    List<String> problems = new ArrayList<>(level.incompatibilities(candidate, oldestFirst));
    if (!problems.isEmpty()) {
      problems.add("{compatibility: '" + level.name() + "'}");
    }
    return problems;
  }

  private static Compatibility nonTransitive(Compatibility level) {
    return switch (level) {
      case BACKWARD_TRANSITIVE -> Compatibility.BACKWARD;
      case FORWARD_TRANSITIVE -> Compatibility.FORWARD;
      case FULL_TRANSITIVE -> Compatibility.FULL;
      default -> level;
    };
  }

  private Compatibility levelOf(String subject) {
    Compatibility level = subjectLevels.get(subject);
    if (level != null) {
      return level;
    }
    return globalLevel == null ? DEFAULT_LEVEL : globalLevel;
  }

  private NavigableMap<Integer, Stored> versionsOf(String subject) {
    NavigableMap<Integer, Stored> versions = subjects.get(subject);
    if (versions == null) {
      throw RegistryException.subjectNotFound(subject);
    }
    return versions;
  }

  private Stored find(String subject, int version) {
    NavigableMap<Integer, Stored> versions = versionsOf(subject);
    Stored stored = version == LATEST ? versions.lastEntry().getValue() : versions.get(version);
    if (stored == null) {
      throw RegistryException.versionNotFound(version);
    }
    return stored;
  }

  private <T> T read(Supplier<T> reader) {
    lock.readLock().lock();
    try {
      return reader.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Parses an Avro schema. Its canonical text is Avro's own compact rendering: it keeps docs,
   * defaults and properties (they matter to readers) but not whitespace or attribute order, so two
   * renderings of one schema compare equal — the same rule Confluent uses.
   */
  private static Parsed parse(String schemaText) {
    if (schemaText == null || schemaText.isBlank()) {
      throw RegistryException.invalidSchema("the schema is empty", null);
    }
    try {
      Schema schema = new Schema.Parser().parse(schemaText);
      return new Parsed(schema, schema.toString());
    } catch (RuntimeException e) {
      throw RegistryException.invalidSchema(e.getMessage(), e);
    }
  }
}
