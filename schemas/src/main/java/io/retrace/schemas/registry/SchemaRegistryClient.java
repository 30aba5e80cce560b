package io.retrace.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry API that Retrace uses: registering and looking up
 * Avro schemas by subject, fetching them by id, and managing compatibility levels.
 *
 * <p>Every method throws {@link SchemaRegistryException} when the registry rejects a request and
 * {@link SchemaRegistryUnavailableException} when it cannot be reached.
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /**
   * Registers {@code schema} under {@code subject} (or finds it if already registered there) and
   * returns its global id; the same schema gets the same id in every subject.
   */
  int register(String subject, Schema schema);

  /** The schema with the given global id. */
  Schema getById(int id);

  /** The latest version registered under {@code subject}. */
  SchemaVersion getLatest(String subject);

  /** A given version of {@code subject}, counted from 1. */
  SchemaVersion getVersion(String subject, int version);

  /** The id and version of a schema already registered under {@code subject}; never registers. */
  SchemaVersion lookup(String subject, Schema schema);

  /** All subjects, sorted as the registry returns them. */
  List<String> subjects();

  /** The versions of {@code subject}, oldest first. */
  List<Integer> versions(String subject);

  /**
   * Whether {@code schema} could be registered under {@code subject} given the subject's
   * compatibility level; true for a subject without versions.
   */
  boolean isCompatible(String subject, Schema schema);

  /**
   * The compatibility level (a {@link Compatibility} name) in force for {@code subjectOrNull}, or
   * the global level when it is null or the subject has no level of its own.
   */
  String compatibility(String subjectOrNull);

  /** Sets the compatibility level of {@code subjectOrNull}, or the global level when null. */
  void setCompatibility(String subjectOrNull, String level);

  @Override
  void close();
}
