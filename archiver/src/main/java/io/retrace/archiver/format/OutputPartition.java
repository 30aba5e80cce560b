package io.retrace.archiver.format;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The hive-style folder one record is archived into: {@code
 * <table>/service=<s>/date=<yyyy-MM-dd>/recording=<id>}. Values are escaped so any service name is
 * a safe path segment, the way Hive escapes partition values ({@code %XX}).
 */
public record OutputPartition(String table, String service, LocalDate date, String recording) {
  /** Stands for a missing or multi-valued partition value. */
  public static final String NONE = "_";

  public OutputPartition {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(date, "date");
    service = service == null || service.isEmpty() ? NONE : service;
    recording = recording == null || recording.isEmpty() ? NONE : recording;
  }

  /** The folder relative to the archive root, without a trailing slash. */
  public String directory() {
    return table
        + "/service="
        + escape(service)
        + "/date="
        + date
        + "/recording="
        + escape(recording);
  }

  /** Percent-encodes every byte outside {@code [A-Za-z0-9._-]}. */
  public static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '_'
          || c == '-') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
        out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Reverses {@link #escape}. */
  public static String unescape(String value) {
    byte[] bytes = new byte[value.length()];
    int n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%' && i + 2 < value.length()) {
        bytes[n++] = (byte) Integer.parseInt(value.substring(i + 1, i + 3), 16);
        i += 2;
      } else {
        bytes[n++] = (byte) c;
      }
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }
}
