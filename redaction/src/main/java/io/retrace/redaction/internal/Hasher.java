package io.retrace.redaction.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a value into a stable, keyed token {@code hmac:<16 hex>} (HMAC-SHA256 with the deployment
 * key, first 64 bits): equal values give equal tokens within a deployment, so joins still work,
 * while without the key a token cannot be reversed or brute-forced offline.
 */
public final class Hasher {
  /** Shorter keys make offline guessing of low-entropy values (SSNs, phones) practical. */
  public static final int MIN_KEY_BYTES = 16;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final SecretKeySpec key;
  // Mac is not thread-safe; one per thread keeps hashing allocation-free on the hot path.
  private final ThreadLocal<Mac> macs;

  public Hasher(byte[] hmacKey) {
    if (hmacKey == null || hmacKey.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the redaction HMAC key must have at least "
              + MIN_KEY_BYTES
              + " bytes (32 random bytes recommended), got "
              + (hmacKey == null ? "none" : hmacKey.length));
    }
    this.key = new SecretKeySpec(hmacKey.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
    newMac();
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  public String token(String value) {
    byte[] digest = macs.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
    char[] out = new char[5 + 16];
    "hmac:".getChars(0, 5, out, 0);
    for (int i = 0; i < 8; i++) {
      out[5 + 2 * i] = HEX[(digest[i] >> 4) & 0xf];
      out[6 + 2 * i] = HEX[digest[i] & 0xf];
    }
    return new String(out);
  }
}
