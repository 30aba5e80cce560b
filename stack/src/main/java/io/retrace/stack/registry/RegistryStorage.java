package io.retrace.stack.registry;

import java.util.List;

/**
 * Where the registry keeps its changes durably. {@link SchemaLog} keeps them in Kafka; the registry
 * only needs to append a change and to read them all back in order.
 */
interface RegistryStorage extends AutoCloseable {
  /** Every stored change, oldest first. */
  List<RegistryRecord> readAll();

  /**
   * Stores one change durably before returning.
   *
   * @throws RegistryException STORE_ERROR when it cannot; the change may or may not be stored
   */
  void append(RegistryRecord record);

  /** Where the changes are, for messages. */
  String describe();

  @Override
  void close();
}
