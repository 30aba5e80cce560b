package io.retrace.redaction.internal;

import io.retrace.schemas.event.RedactionAction;

/**
 * What a rule does to a value: drop it, mask all but the last {@code keep} characters, replace it
 * with its keyed hash, keep only the first {@code keep} characters, or replace it with fixed text.
 */
public record ActionSpec(RedactionAction kind, int keep, String text) {
  public static final int DEFAULT_MASK_KEEP = 4;
  public static final int DEFAULT_TRUNCATE_KEEP = 8;
  public static final String DEFAULT_REPLACEMENT = "[REDACTED]";

  public static ActionSpec drop() {
    return new ActionSpec(RedactionAction.DROP, 0, null);
  }

  public static ActionSpec mask(int keep) {
    return new ActionSpec(RedactionAction.MASK, keep, null);
  }

  public static ActionSpec hash() {
    return new ActionSpec(RedactionAction.HASH, 0, null);
  }

  public static ActionSpec truncate(int keep) {
    return new ActionSpec(RedactionAction.TRUNCATE, keep, null);
  }

  public static ActionSpec replace(String text) {
    return new ActionSpec(RedactionAction.REPLACE, 0, text);
  }

  public boolean drops() {
    return kind == RedactionAction.DROP;
  }

  /**
   * The redacted form of {@code value}; null when the action drops it. Inside free text a dropped
   * match becomes the empty string (the caller decides).
   */
  public String apply(String value, Hasher hasher) {
    switch (kind) {
      case DROP:
        return null;
      case MASK:
        {
          int shown = Math.min(keep, value.length() / 2);
          char[] out = new char[value.length()];
          int hidden = value.length() - shown;
          java.util.Arrays.fill(out, 0, hidden, '*');
          value.getChars(hidden, value.length(), out, hidden);
          return new String(out);
        }
      case HASH:
        return hasher.token(value);
      case TRUNCATE:
        return value.length() <= keep ? value : value.substring(0, keep);
      case REPLACE:
        return text;
      default:
        throw new IllegalStateException("no action " + kind);
    }
  }
}
