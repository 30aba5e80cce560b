package io.retrace.stack.registry;

/**
 * A schema registered under a subject: its version within the subject and its global id. The schema
 * text is the canonical form, which is also what the registry answers with.
 */
record SchemaRecord(String subject, int version, int id, String schema) implements RegistryRecord {}
