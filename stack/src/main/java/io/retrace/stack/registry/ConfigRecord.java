package io.retrace.stack.registry;

import io.retrace.schemas.registry.Compatibility;

/**
 * A compatibility level set for one subject, or for the whole registry when {@code subject} is
 * null.
 */
record ConfigRecord(String subject, Compatibility level) implements RegistryRecord {}
