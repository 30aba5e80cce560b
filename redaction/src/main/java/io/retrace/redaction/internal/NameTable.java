package io.retrace.redaction.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps names (headers, query parameters, form fields, columns, environment keys) to a value,
 * case-insensitively, with globs: literal names are a hash lookup, globs are tried in order after.
 * The first entry added for a name wins.
 *
 * @param <T> what a name maps to (a rule, or {@code Boolean.TRUE} for an allow list)
 */
public final class NameTable<T> {
  private final Map<String, T> literal = new HashMap<>();
  // The literal keys again, in a list: an ASCII name is compared with the few of its length
  // instead of being lower-cased into a new string for the map.
  private final List<String> literalKeys = new ArrayList<>();
  private final List<T> literalValues = new ArrayList<>();
  // Bit (length % 64) per lower-cased first letter: most names are rejected without lower-casing.
  private final long[] shapes = new long[128];
  private final List<Glob> globs = new ArrayList<>();
  private final List<T> globValues = new ArrayList<>();

  public void put(Glob glob, T value) {
    if (glob.literal()) {
      String key = glob.key();
      if (literal.putIfAbsent(key, value) == null) {
        literalKeys.add(key);
        literalValues.add(value);
      }
      if (!key.isEmpty()) {
        shapes[key.charAt(0) & 0x7f] |= 1L << (key.length() & 63);
      }
    } else {
      globs.add(glob);
      globValues.add(value);
    }
  }

  public boolean isEmpty() {
    return literal.isEmpty() && globs.isEmpty();
  }

  /** The value for {@code name}, or null. */
  public T get(String name) {
    if (name == null) {
      return null;
    }
    if (!literal.isEmpty() && mayBeLiteral(name)) {
      T hit =
          isAscii(name, 0, name.length())
              ? literalAscii(name, 0, name.length())
              : literal.get(name.toLowerCase(Locale.ROOT));
      if (hit != null) {
        return hit;
      }
    }
    for (int i = 0; i < globs.size(); i++) {
      if (globs.get(i).matches(name)) {
        return globValues.get(i);
      }
    }
    return null;
  }

  private static boolean isAscii(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }

  /**
   * The literal entry of the ASCII name at {@code [from, to)} of {@code text}: its lower case is
   * its ASCII lower case.
   */
  private T literalAscii(String text, int from, int to) {
    for (int k = 0; k < literalKeys.size(); k++) {
      String key = literalKeys.get(k);
      if (key.length() == to - from && equalsLowerAscii(text, from, key)) {
        return literalValues.get(k);
      }
    }
    return null;
  }

  /** Whether the ASCII name at {@code from} of {@code text}, in lower case, is {@code lowerKey}. */
  private static boolean equalsLowerAscii(String text, int from, String lowerKey) {
    for (int i = 0; i < lowerKey.length(); i++) {
      char c = text.charAt(from + i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lowerKey.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Cheap test of first letter and length; false means no literal entry has this name. */
  public boolean mayBeLiteral(String name) {
    return mayBeLiteral(name, 0, name.length());
  }

  /** {@link #mayBeLiteral(String)} for the name at {@code [from, to)} of {@code text}. */
  public boolean mayBeLiteral(String text, int from, int to) {
    if (from == to) {
      return literal.containsKey("");
    }
    char c = text.charAt(from);
    int lower = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    return c >= 128 || (shapes[lower] & (1L << ((to - from) & 63))) != 0;
  }

  public boolean contains(String name) {
    return get(name) != null;
  }

  /** {@link #contains(String)} for the name at {@code [from, to)} of {@code text}. */
  public boolean contains(String text, int from, int to) {
    if (!globs.isEmpty() || !isAscii(text, from, to)) {
      return contains(text.substring(from, to));
    }
    return literalAscii(text, from, to) != null;
  }
}
