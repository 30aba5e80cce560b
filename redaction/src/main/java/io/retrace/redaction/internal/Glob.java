package io.retrace.redaction.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A case-insensitive name pattern where {@code *} stands for any run of characters; names without a
 * star compare with {@link String#equalsIgnoreCase}, the common case, without a regex.
 */
public final class Glob {
  private final String text;
  private final Pattern regex;

  public Glob(String text) {
    this.text = text;
    if (text.indexOf('*') < 0) {
      this.regex = null;
    } else {
      StringBuilder sb = new StringBuilder();
      for (String part : text.split("\\*", -1)) {
        if (sb.length() > 0 || text.startsWith("*")) {
          sb.append(".*");
        }
        sb.append(Pattern.quote(part));
      }
      this.regex =
          Pattern.compile(
              text.startsWith("*") ? sb.substring(2) : sb.toString(),
              Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }
  }

  public boolean literal() {
    return regex == null;
  }

  /** The lower-cased text of a literal glob, usable as a hash key. */
  public String key() {
    return text.toLowerCase(Locale.ROOT);
  }

  public boolean matches(String name) {
    return regex == null ? text.equalsIgnoreCase(name) : regex.matcher(name).matches();
  }

  @Override
  public String toString() {
    return text;
  }
}
