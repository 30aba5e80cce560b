package io.retrace.stack.registry;

/**
 * One change to the registry's state as it is stored in the schema topic. Replaying every record in
 * offset order rebuilds the state.
 */
sealed interface RegistryRecord permits SchemaRecord, ConfigRecord {}
