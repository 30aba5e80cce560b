package io.retrace.stack.registry;

import io.retrace.schemas.registry.Compatibility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry behind the HTTP API. Reads are served from memory; every change is first written to
 * the schema topic and only then applied, so nothing a client was told survives only in memory.
 * Changes are made one at a time: ids and versions are handed out by a single writer.
 */
final class SchemaRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SchemaRegistry.class);

  private final RegistryStorage storage;
  private final Object writeLock = new Object();
  private volatile SchemaStore store;

  // Guarded by writeLock.
  private boolean stale;

  private SchemaRegistry(RegistryStorage storage, SchemaStore store) {
    this.storage = storage;
    this.store = store;
  }

  /** Rebuilds the state from everything in the topic. */
  static SchemaRegistry load(RegistryStorage storage) {
    return new SchemaRegistry(storage, SchemaStore.of(storage.readAll()));
  }

  /** The current state, for reads. */
  SchemaStore store() {
    return store;
  }

  /**
   * Registers a schema under a subject, or finds it there already.
   *
   * @return the new version, or the existing one when the schema is registered already
   */
  SchemaRecord register(String subject, String schemaText) {
    synchronized (writeLock) {
      SchemaStore current = current();
      SchemaStore.Registration plan = current.planRegistration(subject, schemaText);
      if (plan.isNew()) {
        persist(plan.schema());
        current.apply(plan.schema());
        log.info(
            "Registered schema id {} as version {} of subject '{}'",
            plan.schema().id(),
            plan.schema().version(),
            subject);
      }
      return plan.schema();
    }
  }

  /**
   * Sets the compatibility level of one subject, or of the whole registry when {@code subject} is
   * null.
   */
  void configure(String subject, Compatibility level) {
    synchronized (writeLock) {
      SchemaStore current = current();
      ConfigRecord config = new ConfigRecord(subject, level);
      persist(config);
      current.apply(config);
      log.info(
          "Compatibility level of {} set to {}",
          subject == null ? "the registry" : "subject '" + subject + "'",
          level);
    }
  }

  private SchemaStore current() {
    if (stale) {
      // A write that failed from our side may still have reached the topic, and only the topic
      // knows; rebuilding from it keeps ids and versions from being handed out twice.
      try {
        store = SchemaStore.of(storage.readAll());
      } catch (RuntimeException e) {
        throw RegistryException.storeError(
            "Error in the backend data store: cannot re-read " + storage.describe(), e);
      }
      stale = false;
      log.info(
          "Reloaded the schema registry state from {} after a failed write", storage.describe());
    }
    return store;
  }

  private void persist(RegistryRecord record) {
    try {
      storage.append(record);
    } catch (RuntimeException e) {
      stale = true;
      throw e;
    }
  }

  @Override
  public void close() {
    storage.close();
  }
}
