package io.retrace.schemas.config;

import java.util.function.Function;

/**
 * One configuration key: its name, default, documentation, and how a string becomes a valid value.
 * Declared once, in the module's config class, through {@link ConfigSpec}.
 *
 * @param parser turns the raw string into a value, throwing {@link IllegalArgumentException} with a
 *     message the user can act on when it is not valid
 * @param required whether a value must be given (the default is then null)
 */
public record Setting<T>(
    String key, T defaultValue, String doc, Function<String, T> parser, boolean required) {
  /**
   * By key: consistent with the generated {@code equals}, and unlike the generated {@code hashCode}
   * it needs no method-handle bootstrap, which costs a Java agent reading its options in premain
   * some 50 ms of the application's start-up.
   */
  @Override
  public int hashCode() {
    return key.hashCode();
  }
}
