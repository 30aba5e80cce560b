package io.retrace.schemas.registry;

/**
 * The registry could not be reached, timed out or answered with a server error (5xx) even after
 * retries: a retriable failure that says nothing about the schema or record at hand.
 */
public final class SchemaRegistryUnavailableException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  /**
   * @param registry the registries tried
   * @param status the last HTTP status, 0 when none answered
   * @param errorCode the Confluent error code of the last answer, else the status
   * @param message what went wrong
   * @param cause the last I/O failure, if any
   */
  public SchemaRegistryUnavailableException(
      String registry, int status, int errorCode, String message, Throwable cause) {
    super(registry, status, errorCode, message, cause);
  }

  @Override
  public boolean retriable() {
    return true;
  }
}
