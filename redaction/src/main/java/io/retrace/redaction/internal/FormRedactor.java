package io.retrace.redaction.internal;

import io.retrace.schemas.event.RedactionAction;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Rewrites {@code name=value&...} text, the shape of both form bodies and URL query strings: a rule
 * on the name drops or rewrites the value, fail-closed drops names not allowed, detectors scan the
 * decoded values. Untouched pairs keep their original encoding.
 */
public final class FormRedactor {
  private FormRedactor() {}

  /**
   * The redacted text, the same instance when nothing changed. {@code allow} is null unless the
   * scope is fail-closed; {@code field} is the note prefix, e.g. {@code request.query.}.
   */
  public static String redact(
      String form,
      NameTable<Scope.Rule> rules,
      NameTable<Boolean> allow,
      String field,
      TextRedactor text,
      Hasher hasher,
      Notes notes) {
    String redacted = redact(form, 0, form.length(), rules, allow, field, text, hasher, notes);
    return redacted == null ? form : redacted;
  }

  /**
   * {@link #redact(String, NameTable, NameTable, String, TextRedactor, Hasher, Notes)} for the form
   * at {@code [from, to)} of {@code text} (a URL's query), without copying it: null when nothing
   * changed.
   */
  public static String redact(
      String text,
      int from,
      int to,
      NameTable<Scope.Rule> rules,
      NameTable<Boolean> allow,
      String field,
      TextRedactor detectors,
      Hasher hasher,
      Notes notes) {
    if (from == to) {
      return null;
    }
    StringBuilder out = null;
    int pos = from;
    while (pos <= to) {
      int end = pos;
      while (end < to && text.charAt(end) != '&') {
        end++;
      }
      String replacement = pair(text, pos, end, rules, allow, field, detectors, hasher, notes);
      if (replacement != KEEP && out == null) {
        out = new StringBuilder(to - from);
        out.append(text, from, pos);
      }
      if (out != null && replacement != null) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != '&') {
          out.append('&');
        }
        if (replacement == KEEP) {
          out.append(text, pos, end);
        } else {
          out.append(replacement);
        }
      }
      pos = end + 1;
    }
    if (out == null) {
      return null;
    }
    if (out.length() > 0 && out.charAt(out.length() - 1) == '&') {
      out.setLength(out.length() - 1);
    }
    return out.toString();
  }

  /** Returned by {@link #pair} for a pair written as it is. */
  private static final String KEEP = new String("keep");

  /**
   * How the pair at {@code [from, to)} of {@code text} should be written: {@link #KEEP}, a
   * rewritten pair, or null when dropped.
   */
  private static String pair(
      String text,
      int from,
      int to,
      NameTable<Scope.Rule> rules,
      NameTable<Boolean> allow,
      String field,
      TextRedactor detectors,
      Hasher hasher,
      Notes notes) {
    if (from == to) {
      return KEEP;
    }
    int eq = from;
    while (eq < to && text.charAt(eq) != '=') {
      eq++;
    }
    String name = decode(text, from, eq);
    Scope.Rule rule = rules.get(name);
    if (rule != null) {
      notes.add(rule.name(), field + name, rule.action().kind());
      if (eq == to || rule.action().drops()) {
        return rule.action().drops() ? null : KEEP;
      }
      if (rule.action().kind() == RedactionAction.REPLACE) {
        // The rule's fixed text, whatever the value: nothing to decode, and its encoding is kept.
        return rewritten(text, from, eq, encodedReplacement(rule.action().text()));
      }
      String value = decode(text, eq + 1, to);
      return rewritten(text, from, eq, encode(rule.action().apply(value, hasher)));
    }
    if (allow != null && !allow.contains(name)) {
      notes.add("fail-closed", field + name, RedactionAction.DROP);
      return null;
    }
    if (eq == to) {
      return KEEP;
    }
    String value = decode(text, eq + 1, to);
    String redacted = detectors.redact(value, name, () -> field + name, notes);
    return redacted == value ? KEEP : rewritten(text, from, eq, encode(redacted));
  }

  /** A replacement text and its encoding. */
  private record Encoded(String text, String encoded) {}

  // The last replacement encoded: a policy has a handful of fixed texts, each the same String on
  // every call, so this is nearly always a hit. Immutable, so threads may share it.
  private static volatile Encoded lastReplacement = new Encoded("", "");

  /** {@link #encode} of a rule's fixed replacement {@code text}. */
  private static String encodedReplacement(String text) {
    Encoded last = lastReplacement;
    if (last.text() == text) {
      return last.encoded();
    }
    String encoded = encode(text);
    lastReplacement = new Encoded(text, encoded);
    return encoded;
  }

  /** The raw name at {@code [from, eq)} of {@code text}, '=', and the {@code encoded} value. */
  private static String rewritten(String text, int from, int eq, String encoded) {
    return new StringBuilder(eq - from + 1 + encoded.length())
        .append(text, from, eq)
        .append('=')
        .append(encoded)
        .toString();
  }

  /** The text at {@code [from, to)} URL-decoded; as it is when it holds nothing to decode. */
  private static String decode(String text, int from, int to) {
    String s = text.substring(from, to);
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '%' || c == '+') {
        try {
          return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return s; // a stray '%': scan the text as it is
        }
      }
    }
    return s;
  }

  /** {@link URLEncoder#encode(String, java.nio.charset.Charset)} in UTF-8, without its copies. */
  static String encode(String s) {
    int n = s.length();
    int i = 0;
    while (i < n && isUnreserved(s.charAt(i))) {
      i++;
    }
    if (i == n) {
      return s;
    }
    StringBuilder out = new StringBuilder(n + 16).append(s, 0, i);
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (isUnreserved(c)) {
        out.append(c);
      } else if (c == ' ') {
        out.append('+');
      } else if (c < 0x80) {
        percent(out, c);
      } else {
        int end = i + 1;
        while (end < n && s.charAt(end) >= 0x80) {
          end++;
        }
        // URLEncoder encodes each run of other characters at once, so an unpaired surrogate
        // becomes the same replacement byte here as there.
        for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
          percent(out, b & 0xff);
        }
        i = end - 1;
      }
    }
    return out.toString();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || c == '*'
        || c == '_';
  }

  private static void percent(StringBuilder out, int b) {
    out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
