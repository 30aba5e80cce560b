package io.retrace.stack.registry;

import java.util.List;

/**
 * A request the registry refuses or cannot serve. The {@link Kind} is all the HTTP layer needs to
 * answer with Confluent's status and error code; the message is Confluent's wording.
 */
final class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, one constant per Confluent error code the registry answers with. */
  enum Kind {
    SUBJECT_NOT_FOUND,
    VERSION_NOT_FOUND,
    SCHEMA_NOT_FOUND,
    SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
    INCOMPATIBLE_SCHEMA,
    INVALID_SCHEMA,
    INVALID_VERSION,
    INVALID_COMPATIBILITY_LEVEL,
    MALFORMED_REQUEST,
    UNPROCESSABLE_REQUEST,
    UNSUPPORTED_MEDIA_TYPE,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    STORE_ERROR,
    INTERNAL_ERROR
  }

  private final Kind kind;

  RegistryException(Kind kind, String message) {
    this(kind, message, null);
  }

  RegistryException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }

  static RegistryException subjectNotFound(String subject) {
    return new RegistryException(Kind.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
  }

  static RegistryException versionNotFound(int version) {
    return new RegistryException(Kind.VERSION_NOT_FOUND, "Version " + version + " not found.");
  }

  /** The schema given in a lookup is not registered under the subject. */
  static RegistryException schemaNotFound() {
    return new RegistryException(Kind.SCHEMA_NOT_FOUND, "Schema not found");
  }

  static RegistryException schemaNotFound(int id) {
    return new RegistryException(Kind.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
  }

  static RegistryException subjectLevelCompatibilityNotConfigured(String subject) {
    return new RegistryException(
        Kind.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
        "Subject '" + subject + "' does not have subject-level compatibility configured");
  }

  static RegistryException incompatible(String subject, List<String> details) {
    return new RegistryException(
        Kind.INCOMPATIBLE_SCHEMA,
        "Schema being registered is incompatible with an earlier schema for subject \""
            + subject
            + "\", details: ["
            + String.join(", ", details)
            + "]");
  }

  static RegistryException invalidSchema(String details, Throwable cause) {
    return new RegistryException(Kind.INVALID_SCHEMA, "Invalid schema: " + details, cause);
  }

  static RegistryException unsupportedSchemaType(String schemaType) {
    return new RegistryException(
        Kind.INVALID_SCHEMA,
        "Unsupported schema type '" + schemaType + "': this registry stores AVRO schemas only");
  }

  static RegistryException referencesUnsupported() {
    return new RegistryException(
        Kind.INVALID_SCHEMA,
        "Invalid schema: schema references are not supported by this registry; inline the"
            + " referenced types");
  }

  static RegistryException invalidVersion(String version) {
    return new RegistryException(
        Kind.INVALID_VERSION,
        "The specified version '"
            + version
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string"
            + " \"latest\"");
  }

  static RegistryException invalidCompatibilityLevel() {
    return new RegistryException(
        Kind.INVALID_COMPATIBILITY_LEVEL,
        "Invalid compatibility level. Valid values are none, backward, forward, full,"
            + " backward_transitive, forward_transitive, and full_transitive");
  }

  static RegistryException storeError(String message, Throwable cause) {
    return new RegistryException(Kind.STORE_ERROR, message, cause);
  }
}
