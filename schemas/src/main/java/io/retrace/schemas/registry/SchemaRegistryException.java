package io.retrace.schemas.registry;

/**
 * A request the schema registry answered with an error, carrying the HTTP status and the Confluent
 * {@code error_code}. Such failures are fatal: repeating the request gives the same answer. {@link
 * SchemaRegistryUnavailableException} is the retriable counterpart.
 */
public class SchemaRegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The subject has no versions. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** The subject has no such version. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** No schema with that id, or the schema is not registered under the subject. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** The subject has no compatibility level of its own. */
  public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;

  /** The schema is incompatible with earlier versions of the subject. */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** The schema is not valid Avro. */
  public static final int INVALID_SCHEMA = 42201;

  /** The version is not a positive number or "latest". */
  public static final int INVALID_VERSION = 42202;

  /** The compatibility level is not one the registry knows. */
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

  private final String registry;
  private final int status;
  private final int errorCode;

  /**
   * @param registry the registry that answered (a base URL, or "in-memory")
   * @param status the HTTP status, 0 when there was no response
   * @param errorCode the Confluent error code, or the HTTP status when the body had none
   * @param message the registry's message
   */
  public SchemaRegistryException(String registry, int status, int errorCode, String message) {
    this(registry, status, errorCode, message, null);
  }

  protected SchemaRegistryException(
      String registry, int status, int errorCode, String message, Throwable cause) {
    super(
        message + " (registry " + registry + ", HTTP " + status + ", error_code " + errorCode + ")",
        cause);
    this.registry = registry;
    this.status = status;
    this.errorCode = errorCode;
  }

  /** The registry that answered: a base URL, or "in-memory". */
  public String registry() {
    return registry;
  }

  /** The HTTP status, 0 when the registry did not answer. */
  public int status() {
    return status;
  }

  /** The Confluent error code, e.g. {@link #SCHEMA_NOT_FOUND}. */
  public int errorCode() {
    return errorCode;
  }

  /** Whether repeating the request later may succeed. */
  public boolean retriable() {
    return false;
  }
}
