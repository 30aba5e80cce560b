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
    if (form.isEmpty()) {
      return form;
    }
    StringBuilder out = null;
    int pos = 0;
    int n = form.length();
    while (pos <= n) {
      int amp = form.indexOf('&', pos);
      int end = amp < 0 ? n : amp;
      String pair = form.substring(pos, end);
      String replacement = pair(pair, rules, allow, field, text, hasher, notes);
      if (replacement != pair && out == null) {
        out = new StringBuilder(n);
        out.append(form, 0, pos);
      }
      if (out != null && replacement != null) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != '&') {
          out.append('&');
        }
        out.append(replacement);
      }
      pos = end + 1;
    }
    if (out == null) {
      return form;
    }
    if (out.length() > 0 && out.charAt(out.length() - 1) == '&') {
      out.setLength(out.length() - 1);
    }
    return out.toString();
  }

  /** The pair as it should be written: itself, a rewritten pair, or null when dropped. */
  private static String pair(
      String pair,
      NameTable<Scope.Rule> rules,
      NameTable<Boolean> allow,
      String field,
      TextRedactor text,
      Hasher hasher,
      Notes notes) {
    if (pair.isEmpty()) {
      return pair;
    }
    int eq = pair.indexOf('=');
    String rawName = eq < 0 ? pair : pair.substring(0, eq);
    String name = decode(rawName);
    Scope.Rule rule = rules.get(name);
    if (rule != null) {
      notes.add(rule.name(), field + name, rule.action().kind());
      if (eq < 0 || rule.action().drops()) {
        return rule.action().drops() ? null : pair;
      }
      String value = decode(pair.substring(eq + 1));
      return rawName + '=' + encode(rule.action().apply(value, hasher));
    }
    if (allow != null && !allow.contains(name)) {
      notes.add("fail-closed", field + name, RedactionAction.DROP);
      return null;
    }
    if (eq < 0) {
      return pair;
    }
    String value = decode(pair.substring(eq + 1));
    String redacted = text.redact(value, name, () -> field + name, notes);
    return redacted == value ? pair : rawName + '=' + encode(redacted);
  }

  private static String decode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a stray '%': scan the text as it is
    }
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
