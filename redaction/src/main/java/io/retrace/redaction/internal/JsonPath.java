package io.retrace.redaction.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled JSON path over a document: {@code $} root, {@code .name} or {@code ['name']} a member
 * (names compare case-insensitively), {@code .*} any member, {@code [n]} an element, {@code [*]}
 * any element, {@code ..} any depth (zero or more levels). Matches a concrete location given as the
 * keys and indexes leading to it.
 */
public final class JsonPath {
  private enum Type {
    KEY,
    ANY_KEY,
    INDEX,
    ANY_INDEX,
    DESCENDANT
  }

  private record Segment(Type type, String key, int index) {}

  private final String text;
  private final Segment[] segments;

  private JsonPath(String text, Segment[] segments) {
    this.text = text;
    this.segments = segments;
  }

  /** Parses {@code text}; throws IllegalArgumentException saying what is wrong. */
  public static JsonPath parse(String text) {
    if (text == null || !text.startsWith("$")) {
      throw new IllegalArgumentException("a JSON path starts with '$'");
    }
    List<Segment> out = new ArrayList<>();
    int i = 1;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '.') {
        if (i + 1 < n && text.charAt(i + 1) == '.') {
          out.add(new Segment(Type.DESCENDANT, null, -1));
          i += 2;
          if (i < n && text.charAt(i) == '[') {
            continue;
          }
        } else {
          i++;
        }
        int start = i;
        while (i < n && text.charAt(i) != '.' && text.charAt(i) != '[') {
          i++;
        }
        String name = text.substring(start, i);
        if (name.isEmpty()) {
          throw new IllegalArgumentException("empty member name at position " + start);
        }
        out.add(
            name.equals("*")
                ? new Segment(Type.ANY_KEY, null, -1)
                : new Segment(Type.KEY, name, -1));
      } else if (c == '[') {
        int close = text.indexOf(']', i);
        if (close < 0) {
          throw new IllegalArgumentException("'[' at position " + i + " is not closed");
        }
        String inner = text.substring(i + 1, close).trim();
        if (inner.equals("*")) {
          out.add(new Segment(Type.ANY_INDEX, null, -1));
        } else if (inner.length() >= 2
            && (inner.charAt(0) == '\'' || inner.charAt(0) == '"')
            && inner.charAt(inner.length() - 1) == inner.charAt(0)) {
          out.add(new Segment(Type.KEY, inner.substring(1, inner.length() - 1), -1));
        } else {
          try {
            int index = Integer.parseInt(inner);
            if (index < 0) {
              throw new NumberFormatException();
            }
            out.add(new Segment(Type.INDEX, null, index));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "'[" + inner + "]' is not an index, [*] or a quoted name");
          }
        }
        i = close + 1;
      } else {
        throw new IllegalArgumentException(
            "unexpected '" + c + "' at position " + i + " (expected '.' or '[')");
      }
    }
    if (!out.isEmpty() && out.get(out.size() - 1).type == Type.DESCENDANT) {
      throw new IllegalArgumentException("'..' must be followed by a name or [..]");
    }
    return new JsonPath(text, out.toArray(new Segment[0]));
  }

  /**
   * The member name the path ends with, lower-cased; null when it ends with a wildcard or index.
   */
  public String lastKey() {
    Segment last = segments.length == 0 ? null : segments[segments.length - 1];
    return last != null && last.type == Type.KEY
        ? last.key.toLowerCase(java.util.Locale.ROOT)
        : null;
  }

  /** True when the location ({@code depth} steps; a null key means an array index) matches. */
  public boolean matches(String[] keys, int[] indexes, int depth) {
    return full(0, 0, keys, indexes, depth);
  }

  /** True when some location below this one could match, so a fail-closed filter must descend. */
  public boolean mayMatchBelow(String[] keys, int[] indexes, int depth) {
    return prefix(0, 0, keys, indexes, depth);
  }

  private boolean full(int pi, int ai, String[] keys, int[] indexes, int depth) {
    if (pi == segments.length) {
      return ai == depth;
    }
    Segment s = segments[pi];
    if (s.type == Type.DESCENDANT) {
      for (int k = ai; k <= depth; k++) {
        if (full(pi + 1, k, keys, indexes, depth)) {
          return true;
        }
      }
      return false;
    }
    return ai < depth
        && step(s, keys[ai], indexes[ai])
        && full(pi + 1, ai + 1, keys, indexes, depth);
  }

  private boolean prefix(int pi, int ai, String[] keys, int[] indexes, int depth) {
    if (ai == depth) {
      return pi < segments.length;
    }
    if (pi == segments.length) {
      return false;
    }
    Segment s = segments[pi];
    if (s.type == Type.DESCENDANT) {
      for (int k = ai; k <= depth; k++) {
        if (prefix(pi + 1, k, keys, indexes, depth)) {
          return true;
        }
      }
      return false;
    }
    return step(s, keys[ai], indexes[ai]) && prefix(pi + 1, ai + 1, keys, indexes, depth);
  }

  private static boolean step(Segment s, String key, int index) {
    switch (s.type) {
      case KEY:
        return key != null && s.key.equalsIgnoreCase(key);
      case ANY_KEY:
        return key != null;
      case INDEX:
        return key == null && s.index == index;
      case ANY_INDEX:
        return key == null;
      default:
        return false;
    }
  }

  /**
   * The location as a path for notes, array indexes written {@code [*]} so that the notes of a long
   * array stay one note per field.
   */
  public static String format(String[] keys, int depth) {
    StringBuilder sb = new StringBuilder("$");
    for (int i = 0; i < depth; i++) {
      String k = keys[i];
      if (k == null) {
        sb.append("[*]");
      } else if (isPlain(k)) {
        sb.append('.').append(k);
      } else {
        sb.append("['").append(k.replace("'", "\\'")).append("']");
      }
    }
    return sb.toString();
  }

  private static boolean isPlain(String k) {
    if (k.isEmpty()) {
      return false;
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }
}
