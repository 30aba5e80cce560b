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
  // Bit (length % 64) per lower-cased first letter: most names are rejected without lower-casing.
  private final long[] shapes = new long[128];
  private final List<Glob> globs = new ArrayList<>();
  private final List<T> globValues = new ArrayList<>();

  public void put(Glob glob, T value) {
    if (glob.literal()) {
      literal.putIfAbsent(glob.key(), value);
      String key = glob.key();
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
      T hit = literal.get(name.toLowerCase(Locale.ROOT));
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
    return c >= 128 || (shapes[Character.toLowerCase(c)] & (1L << ((to - from) & 63))) != 0;
  }

  public boolean contains(String name) {
    return get(name) != null;
  }
}
