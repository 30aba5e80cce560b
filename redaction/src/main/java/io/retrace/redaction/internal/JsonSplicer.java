package io.retrace.redaction.internal;

import java.util.Arrays;

/**
 * The fast path for JSON bodies, in one pass: a light validating tokenizer (no objects, no tree)
 * walks the document and runs the detectors on each string value where it lies in the text (and on
 * integers long enough to be card numbers), with the value's member name (after the name of the
 * member around it) as context; each match becomes an edit of the text in place ({@link Edits}). A
 * string with escapes is decoded first and scanned as its decoded text, and rewritten whole when
 * that changes. Member names are not scanned. A member that a path rule may match, or a text that
 * is not one JSON document, makes it give up, and the caller takes the streaming path ({@link
 * JsonRedactor}).
 */
final class JsonSplicer {
  /** Card numbers are at least 13 digits; shorter JSON integers need no scan. */
  static final int MIN_NUMBER_SCAN = 13;

  // The splicer of each thread, reused for every document: its scratch then costs nothing per
  // document. A splice never runs inside another, and its edits are applied before the next.
  private static final ThreadLocal<JsonSplicer> FOR_THREAD =
      ThreadLocal.withInitial(JsonSplicer::new);

  private String json;
  private int n;
  private JsonRules rules;
  private TextRedactor text;
  private ActionSpec[] detectors;
  private Hasher hasher;
  private String field;
  private Notes notes;
  private final Edits edits = new Edits();
  private Spans spans;
  private final MemberContext context = new MemberContext();
  // Member names as offsets into the text, or as decoded text when they hold escapes: strings are
  // built only for the path of a match.
  private int[] keyFrom;
  private int[] keyTo;
  private String[] keyText;
  private int[] indexes;
  private boolean[] inObject;
  private int depth;
  // Where the next backslash is (n when none): strings before it need no decoding.
  private int nextEscape;
  // Set by string(): whether the last string read had escapes, and its decoded text if so.
  private final StringBuilder decoded = new StringBuilder();
  private boolean escaped;

  private static final int INITIAL_DEPTH = 16;
  private static final int MAX_KEPT_DEPTH = 256;
  private static final int MAX_KEPT_DECODED = 4096;

  private JsonSplicer() {
    levels(INITIAL_DEPTH);
  }

  /** Sizes the per-level scratch for {@code depth} levels, keeping the levels in use. */
  private void levels(int depth) {
    keyFrom = keyFrom == null ? new int[depth] : Arrays.copyOf(keyFrom, depth);
    keyTo = keyTo == null ? new int[depth] : Arrays.copyOf(keyTo, depth);
    keyText = keyText == null ? new String[depth] : Arrays.copyOf(keyText, depth);
    indexes = indexes == null ? new int[depth] : Arrays.copyOf(indexes, depth);
    inObject = inObject == null ? new boolean[depth] : Arrays.copyOf(inObject, depth);
  }

  private void reset(
      String json, JsonRules rules, TextRedactor text, Hasher hasher, String field, Notes notes) {
    this.json = json;
    this.n = json.length();
    this.rules = rules;
    this.text = text;
    this.detectors = text.detectors();
    this.hasher = hasher;
    this.field = field;
    this.notes = notes;
    int e = json.indexOf('\\');
    this.nextEscape = e < 0 ? n : e;
    this.depth = 0;
    this.edits.clear();
    this.spans = notes.spans();
  }

  /**
   * The edits that redact the document (none when it is clean), or null when the fast path cannot
   * decide. Detector matches are noted with their path below {@code field}. The edits are this
   * thread's: apply them before the next splice.
   */
  static Edits splice(
      String json, JsonRules rules, TextRedactor text, Hasher hasher, String field, Notes notes) {
    if (rules.hasUnkeyedRules()) {
      return null;
    }
    JsonSplicer s = FOR_THREAD.get();
    s.reset(json, rules, text, hasher, field, notes);
    boolean done = s.run();
    // The document and its context are not kept past the call.
    s.json = null;
    s.notes = null;
    s.context.of(null, 0, 0);
    // A deeply nested document, or a long escaped string, does not keep its scratch for ever.
    if (s.keyFrom.length > MAX_KEPT_DEPTH) {
      s.levels(INITIAL_DEPTH);
    }
    if (s.decoded.capacity() > MAX_KEPT_DECODED) {
      s.decoded.setLength(0);
      s.decoded.trimToSize();
    }
    return done ? s.edits : null;
  }

  /** Walks the document; false when it is not one well-formed JSON value or a rule may apply. */
  private boolean run() {
    int i = skipSpace(0);
    if (i == n) {
      return true; // blank: nothing to redact
    }
    boolean wantValue = true;
    while (true) {
      if (wantValue) {
        if (i >= n) {
          return false;
        }
        char c = json.charAt(i);
        if (c == '{' || c == '[') {
          push(c == '{');
          i = skipSpace(i + 1);
          if (i < n && json.charAt(i) == (c == '{' ? '}' : ']')) {
            depth--;
            i = skipSpace(i + 1);
            wantValue = false;
          } else if (c == '{' && (i = member(i)) < 0) {
            return false;
          }
          continue;
        }
        int end = c == '"' ? stringValue(i) : c == '-' || isDigit(c) ? number(i) : literal(i);
        if (end < 0) {
          return false;
        }
        i = skipSpace(end);
        wantValue = false;
        continue;
      }
      if (depth == 0) {
        return i == n; // one document, then only white space
      }
      if (i >= n) {
        return false;
      }
      char c = json.charAt(i);
      boolean object = inObject[depth - 1];
      if (c == ',') {
        i = skipSpace(i + 1);
        if (object) {
          if ((i = member(i)) < 0) {
            return false;
          }
        } else {
          indexes[depth - 1]++;
        }
        wantValue = true;
      } else if (c == (object ? '}' : ']')) {
        depth--;
        i = skipSpace(i + 1);
      } else {
        return false;
      }
    }
  }

  /**
   * Reads a member name at {@code i} and the colon after it; returns where its value starts, or -1
   * when the text is not a member or a path rule may match it.
   */
  private int member(int i) {
    if (i >= n || json.charAt(i) != '"') {
      return -1;
    }
    int end = string(i);
    if (end < 0) {
      return -1;
    }
    int d = depth - 1;
    if (escaped ? escapedKeyMayMatch(d) : rules.mayMatchKey(json, i + 1, end - 1)) {
      return -1;
    }
    if (!escaped) {
      keyText[d] = null;
    }
    keyFrom[d] = i + 1;
    keyTo[d] = end - 1;
    i = skipSpace(end);
    if (i >= n || json.charAt(i) != ':') {
      return -1;
    }
    return skipSpace(i + 1);
  }

  /** Keeps the decoded member name at level {@code d}; true when a path rule may match it. */
  private boolean escapedKeyMayMatch(int d) {
    String key = decoded.toString();
    keyText[d] = key;
    return rules.mayMatchKey(key);
  }

  /**
   * Reads the string starting with the quote at {@code i}; returns the position after its closing
   * quote, or -1. Sets {@link #escaped}, and {@link #decoded} when it is.
   */
  private int string(int i) {
    // Kept small, so that the compiler inlines it where each member and value is read: strings
    // without escapes end here.
    int close = json.indexOf('"', i + 1);
    if (close < 0) {
      return -1;
    }
    if (nextEscape > close) {
      escaped = false;
      return close + 1;
    }
    return escapedString(i);
  }

  /** {@link #string} of a string with an escape before its closing quote: decodes it. */
  private int escapedString(int i) {
    escaped = true;
    decoded.setLength(0);
    int j = i + 1;
    while (j < n) {
      char c = json.charAt(j);
      if (c == '"') {
        int e = json.indexOf('\\', j + 1);
        nextEscape = e < 0 ? n : e;
        return j + 1;
      }
      if (c != '\\') {
        decoded.append(c);
        j++;
        continue;
      }
      if (j + 1 >= n) {
        return -1;
      }
      char x = json.charAt(j + 1);
      switch (x) {
        case '"', '\\', '/' -> decoded.append(x);
        case 'b' -> decoded.append('\b');
        case 'f' -> decoded.append('\f');
        case 'n' -> decoded.append('\n');
        case 'r' -> decoded.append('\r');
        case 't' -> decoded.append('\t');
        case 'u' -> {
          if (j + 6 > n) {
            return -1;
          }
          int v = 0;
          for (int k = j + 2; k < j + 6; k++) {
            int h = Character.digit(json.charAt(k), 16);
            if (h < 0) {
              return -1;
            }
            v = v * 16 + h;
          }
          decoded.append((char) v);
          j += 4;
        }
        default -> {
          return -1;
        }
      }
      j += 2;
    }
    return -1;
  }

  private int stringValue(int i) {
    int end = string(i);
    if (end < 0) {
      return -1;
    }
    if (escaped) {
      // Decoded first, so that an escape cannot hide a match; a changed value is written whole.
      String value = decoded.toString();
      String redacted = text.redact(value, context(), this::path, notes);
      if (redacted != value) {
        edits.add(i + 1, end - 1, escape(redacted));
      }
    } else {
      scanValue(i + 1, end - 1, true);
    }
    return end;
  }

  /** Reads a number at {@code i}; returns where it ends, or -1 when it is not a JSON number. */
  private int number(int i) {
    int j = i;
    if (json.charAt(j) == '-') {
      j++;
    }
    int digits = digits(j);
    if (digits == 0 || (json.charAt(j) == '0' && digits > 1)) {
      return -1;
    }
    j += digits;
    boolean integer = true;
    if (j < n && json.charAt(j) == '.') {
      int f = digits(j + 1);
      if (f == 0) {
        return -1;
      }
      j += 1 + f;
      integer = false;
    }
    if (j < n && (json.charAt(j) == 'e' || json.charAt(j) == 'E')) {
      j++;
      if (j < n && (json.charAt(j) == '+' || json.charAt(j) == '-')) {
        j++;
      }
      int e = digits(j);
      if (e == 0) {
        return -1;
      }
      j += e;
      integer = false;
    }
    if (integer && j - i >= MIN_NUMBER_SCAN) {
      scanValue(i, j, false);
    }
    return j;
  }

  private int digits(int j) {
    int k = j;
    while (k < n && isDigit(json.charAt(k))) {
      k++;
    }
    return k - j;
  }

  private int literal(int i) {
    for (String word : LITERALS) {
      if (json.startsWith(word, i)) {
        return i + word.length();
      }
    }
    return -1;
  }

  private static final String[] LITERALS = {"true", "false", "null"};

  /**
   * Runs the detectors on the value at {@code [from, to)} and turns its matches into edits: each
   * match in place in a string; a number with a match becomes a string of its redacted text.
   */
  private void scanValue(int from, int to, boolean string) {
    if (to - from < 3) {
      return;
    }
    // Looked for here, where it is inlined: a value with nothing marked costs no call.
    int marked = Detectors.firstMarked(json, from, to);
    if (marked != to) {
      scanMarked(from, to, marked, string);
    }
  }

  /** {@link #scanValue} of a value with a marked character at {@code marked}. */
  private void scanMarked(int from, int to, int marked, boolean string) {
    spans.clear();
    // Only a value that long reads its context: most values need no look at their names.
    CharSequence name = to - from >= Detectors.MIN_CONTEXT_READ ? context() : null;
    Detectors.scan(json, from, to, marked, name, detectors, spans);
    if (spans.size() == 0) {
      return;
    }
    spans.normalize();
    StringBuilder number = string ? null : new StringBuilder(to - from + 2).append('"');
    int copied = from;
    for (int k = 0; k < spans.size(); k++) {
      int s = spans.start(k);
      int e = spans.end(k);
      DetectorKind kind = spans.kind(k);
      ActionSpec action = detectors[kind.ordinal()];
      String replaced = action.apply(json.substring(s, e), hasher);
      String escapedText = escape(replaced == null ? "" : replaced);
      if (string) {
        edits.add(s, e, escapedText);
      } else {
        number.append(json, copied, s).append(escapedText);
        copied = e;
      }
      notes.add(kind.ruleName(), path(), action.kind());
    }
    if (!string) {
      edits.add(from, to, number.append(json, copied, to).append('"').toString());
    }
  }

  /**
   * The name of the nearest member around the current value (an array's own name), after the name
   * of the member around that one; null at the top level.
   */
  private CharSequence context() {
    int d = named(depth - 1);
    if (d < 0) {
      return null;
    }
    context.of(keyText[d] != null ? keyText[d] : json, from(d), to(d));
    int outer = named(d - 1);
    if (outer >= 0) {
      context.within(keyText[outer] != null ? keyText[outer] : json, from(outer), to(outer));
    }
    return context;
  }

  /** The deepest level at or above {@code d} that is a member of an object, or -1. */
  private int named(int d) {
    while (d >= 0 && !inObject[d]) {
      d--;
    }
    return d;
  }

  private int from(int d) {
    return keyText[d] != null ? 0 : keyFrom[d];
  }

  private int to(int d) {
    return keyText[d] != null ? keyText[d].length() : keyTo[d];
  }

  /** The note path of the current value, e.g. {@code request.body$.items[*].name}. */
  private String path() {
    String[] path = new String[depth];
    for (int d = 0; d < depth; d++) {
      path[d] =
          !inObject[d]
              ? null
              : keyText[d] != null ? keyText[d] : json.substring(keyFrom[d], keyTo[d]);
    }
    return field + JsonPath.format(path, depth);
  }

  private int skipSpace(int i) {
    // JSON's white space is all below '!': most calls, between tokens with none, end at this test.
    if (i < n && json.charAt(i) > ' ') {
      return i;
    }
    while (i < n) {
      char c = json.charAt(i);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return i;
      }
      i++;
    }
    return n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void push(boolean object) {
    if (depth == keyFrom.length) {
      levels(depth * 2);
    }
    indexes[depth] = 0;
    inObject[depth] = object;
    depth++;
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
