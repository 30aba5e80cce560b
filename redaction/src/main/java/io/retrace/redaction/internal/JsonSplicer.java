package io.retrace.redaction.internal;

import java.util.Arrays;

/**
 * The fast path for JSON bodies: the detectors scan the raw text once, and a light tokenizer (no
 * objects, no tree) maps each match to the JSON value it lies in and its path, so that the match
 * becomes an edit of the text in place ({@link Edits}). Anything it cannot do exactly — a member a
 * path rule may match, escapes in the text, a match that is not inside one value, malformed JSON —
 * makes it give up and the caller takes the full streaming path ({@link JsonRedactor}).
 */
final class JsonSplicer {
  private final String json;
  private final Spans spans;
  private final Edits edits = new Edits();
  // Member names as offsets into the text: strings are built only for the path of a match.
  private int[] keyFrom = new int[16];
  private int[] keyTo = new int[16];
  private int[] indexes = new int[16];
  private boolean[] inObject = new boolean[16];
  private int depth;
  private int nextSpan;

  private JsonSplicer(String json, Spans spans) {
    this.json = json;
    this.spans = spans;
  }

  /**
   * The edits that redact the document (none when it is clean), or null when the fast path cannot
   * decide. Detector matches are noted with their path below {@code field}.
   */
  static Edits splice(
      String json,
      JsonRules rules,
      ActionSpec[] detectors,
      Hasher hasher,
      String field,
      Notes notes) {
    if (json.indexOf('\\') >= 0 || rules.hasUnkeyedRules()) {
      return null;
    }
    Spans spans = Spans.forThread();
    Detectors.scan(json, null, detectors, spans);
    spans.normalize();
    JsonSplicer s = new JsonSplicer(json, spans);
    return s.run(rules, detectors, hasher, field, notes) ? s.edits : null;
  }

  private boolean run(
      JsonRules rules, ActionSpec[] detectors, Hasher hasher, String field, Notes notes) {
    int n = json.length();
    int i = 0;
    boolean expectKey = false;
    while (i < n) {
      char c = json.charAt(i);
      switch (c) {
        case ' ', '\t', '\n', '\r', ':' -> i++;
        case '{' -> {
          push(true);
          expectKey = true;
          i++;
        }
        case '[' -> {
          push(false);
          expectKey = false;
          i++;
        }
        case '}', ']' -> {
          if (depth == 0) {
            return false;
          }
          depth--;
          i++;
        }
        case ',' -> {
          if (depth == 0) {
            return false;
          }
          expectKey = afterComma();
          i++;
        }
        case '"' -> {
          int end = json.indexOf('"', i + 1);
          if (end < 0) {
            return false;
          }
          // The colon after a member name and the comma after a value are taken here, as the
          // switch would take them next: one dispatch per member instead of three.
          if (expectKey) {
            if (rules.mayMatchKey(json, i + 1, end)) {
              return false;
            }
            keyFrom[depth - 1] = i + 1;
            keyTo[depth - 1] = end;
            expectKey = false;
            i = end + 1;
            if (i < n && json.charAt(i) == ':') {
              i++;
            }
          } else {
            if (!value(i + 1, end, true, detectors, hasher, field, notes)) {
              return false;
            }
            i = end + 1;
            if (i < n && json.charAt(i) == ',' && depth > 0) {
              expectKey = afterComma();
              i++;
            }
          }
        }
        default -> {
          int end = i;
          while (end < n && isScalarChar(json.charAt(end))) {
            end++;
          }
          if (end == i || expectKey) {
            return false;
          }
          if (!value(i, end, false, detectors, hasher, field, notes)) {
            return false;
          }
          i = end;
        }
      }
      if (nextSpan < spans.size() && spans.start(nextSpan) < i) {
        return false; // a match outside any value, e.g. in a member name
      }
    }
    return nextSpan == spans.size();
  }

  private static boolean isScalarChar(char c) {
    return (c >= '0' && c <= '9')
        || (c >= 'a' && c <= 'z')
        || c == '-'
        || c == '+'
        || c == '.'
        || c == 'E';
  }

  /**
   * Steps past a comma at the current depth: true when a member name follows, else counts the next
   * array element.
   */
  private boolean afterComma() {
    if (inObject[depth - 1]) {
      return true;
    }
    indexes[depth - 1]++;
    return false;
  }

  private void push(boolean object) {
    if (depth == keyFrom.length) {
      keyFrom = Arrays.copyOf(keyFrom, depth * 2);
      keyTo = Arrays.copyOf(keyTo, depth * 2);
      indexes = Arrays.copyOf(indexes, depth * 2);
      inObject = Arrays.copyOf(inObject, depth * 2);
    }
    indexes[depth] = 0;
    inObject[depth] = object;
    depth++;
  }

  /** Edits the matches inside the value at [from, to); false when one is not inside it. */
  private boolean value(
      int from,
      int to,
      boolean string,
      ActionSpec[] detectors,
      Hasher hasher,
      String field,
      Notes notes) {
    while (nextSpan < spans.size() && spans.start(nextSpan) < to) {
      int s = spans.start(nextSpan);
      int e = spans.end(nextSpan);
      if (s < from || e > to || (!string && (s != from || e != to))) {
        return false;
      }
      DetectorKind kind = spans.kind(nextSpan);
      ActionSpec action = detectors[kind.ordinal()];
      String replaced = action.apply(json.substring(s, e), hasher);
      String escaped = escape(replaced == null ? "" : replaced);
      // A number becomes a string with its redacted text.
      edits.add(s, e, string ? escaped : '"' + escaped + '"');
      notes.add(kind.ruleName(), field + JsonPath.format(location(), depth), action.kind());
      nextSpan++;
    }
    return true;
  }

  /** The path of the current value: member names, and null for array elements. */
  private String[] location() {
    String[] path = new String[depth];
    for (int d = 0; d < depth; d++) {
      path[d] = inObject[d] ? json.substring(keyFrom[d], keyTo[d]) : null;
    }
    return path;
  }

  /** {@code s} as the content of a JSON string; {@code s} itself when nothing needs escaping. */
  static String escape(String s) {
    int i = 0;
    while (i < s.length() && !needsEscape(s.charAt(i))) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length() + 8).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean needsEscape(char c) {
    return c == '"' || c == '\\' || c < 0x20;
  }
}
