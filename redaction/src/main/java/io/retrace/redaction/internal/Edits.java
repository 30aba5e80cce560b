package io.retrace.redaction.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Replacements of ranges of one text, added in order and not overlapping, applied in a single copy:
 * to the text, or straight to its bytes when the text is their ASCII decoding (one byte per
 * character). A body with one redacted value is then copied once, instead of being rebuilt in a
 * StringBuilder, turned into a String and encoded again.
 */
final class Edits {
  // Allocated on the first edit: most texts have none.
  private int[] from;
  private int[] to;
  private String[] replacement;
  private int size;

  /** Replaces {@code [from, to)} with {@code replacement}; ranges come in increasing order. */
  void add(int from, int to, String replacement) {
    if (from > to || (size > 0 && from < this.to[size - 1])) {
      throw new IllegalArgumentException(
          "edit [" + from + ", " + to + ") is out of order or overlaps the one before");
    }
    if (size == 0 && this.from == null) {
      this.from = new int[2];
      this.to = new int[2];
      this.replacement = new String[2];
    } else if (size == this.from.length) {
      this.from = Arrays.copyOf(this.from, size * 2);
      this.to = Arrays.copyOf(this.to, size * 2);
      this.replacement = Arrays.copyOf(this.replacement, size * 2);
    }
    this.from[size] = from;
    this.to[size] = to;
    this.replacement[size] = replacement;
    size++;
  }

  /** Forgets every edit, so that the instance can be used for another text. */
  void clear() {
    if (replacement != null) {
      Arrays.fill(replacement, 0, size, null);
    }
    size = 0;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** {@code text} with the replacements made; {@code text} itself when there are none. */
  String applyTo(String text) {
    if (size == 0) {
      return text;
    }
    int length = text.length();
    for (int i = 0; i < size; i++) {
      length += replacement[i].length() - (to[i] - from[i]);
    }
    StringBuilder out = new StringBuilder(length);
    int copied = 0;
    for (int i = 0; i < size; i++) {
      out.append(text, copied, from[i]).append(replacement[i]);
      copied = to[i];
    }
    return out.append(text, copied, text.length()).toString();
  }

  /**
   * The UTF-8 bytes of the edited text, given the {@code length} bytes at {@code offset} whose
   * ASCII decoding the edit offsets refer to; the replacements may hold any characters.
   */
  byte[] applyToAscii(byte[] bytes, int offset, int length) {
    // Replacements in ASCII (masks, tokens, fixed texts) are their own bytes: only the others are
    // encoded.
    byte[][] encoded = null;
    int total = length;
    for (int i = 0; i < size; i++) {
      String r = replacement[i];
      int bytesOut = r.length();
      if (!isAscii(r)) {
        if (encoded == null) {
          encoded = new byte[size][];
        }
        encoded[i] = r.getBytes(StandardCharsets.UTF_8);
        bytesOut = encoded[i].length;
      }
      total += bytesOut - (to[i] - from[i]);
    }
    byte[] out = new byte[total];
    int copied = 0;
    int pos = 0;
    for (int i = 0; i < size; i++) {
      int keep = from[i] - copied;
      System.arraycopy(bytes, offset + copied, out, pos, keep);
      pos += keep;
      if (encoded != null && encoded[i] != null) {
        System.arraycopy(encoded[i], 0, out, pos, encoded[i].length);
        pos += encoded[i].length;
      } else {
        String r = replacement[i];
        for (int k = 0; k < r.length(); k++) {
          out[pos + k] = (byte) r.charAt(k);
        }
        pos += r.length();
      }
      copied = to[i];
    }
    System.arraycopy(bytes, offset + copied, out, pos, length - copied);
    return out;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
