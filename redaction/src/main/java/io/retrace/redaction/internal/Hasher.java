package io.retrace.redaction.internal;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Turns a value into a stable, keyed token {@code hmac:<16 hex>} (HMAC-SHA256 with the deployment
 * key, first 64 bits): equal values give equal tokens within a deployment, so joins still work,
 * while without the key a token cannot be reversed or brute-forced offline.
 *
 * <p>HMAC is computed from its definition (RFC 2104) over SHA-256 digests that have already taken
 * in the key's inner and outer pad: each token then costs two hash blocks for a short value instead
 * of four, as {@code Mac} hashes the inner pad again for every value. Thread-safe: the padded
 * digests are only ever cloned.
 */
public final class Hasher {
  /** Shorter keys make offline guessing of low-entropy values (SSNs, phones) practical. */
  public static final int MIN_KEY_BYTES = 16;

  private static final int BLOCK = 64;
  private static final int DIGEST = 32;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final MessageDigest inner;
  private final MessageDigest outer;

  public Hasher(byte[] hmacKey) {
    if (hmacKey == null || hmacKey.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the redaction HMAC key must have at least "
              + MIN_KEY_BYTES
              + " bytes (32 random bytes recommended), got "
              + (hmacKey == null ? "none" : hmacKey.length));
    }
    byte[] key = hmacKey.length > BLOCK ? sha256().digest(hmacKey) : hmacKey;
    byte[] ipad = new byte[BLOCK];
    byte[] opad = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      byte k = i < key.length ? key[i] : 0;
      ipad[i] = (byte) (k ^ 0x36);
      opad[i] = (byte) (k ^ 0x5c);
    }
    this.inner = sha256();
    this.inner.update(ipad);
    this.outer = sha256();
    this.outer.update(opad);
    cloned(inner);
  }

  public String token(String value) {
    byte[] digest = new byte[DIGEST];
    try {
      MessageDigest in = cloned(inner);
      in.update(value.getBytes(StandardCharsets.UTF_8));
      in.digest(digest, 0, DIGEST);
      MessageDigest out = cloned(outer);
      out.update(digest);
      out.digest(digest, 0, DIGEST);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 digest of " + DIGEST + " bytes failed", e);
    }
    char[] token = new char[5 + 16];
    "hmac:".getChars(0, 5, token, 0);
    for (int i = 0; i < 8; i++) {
      token[5 + 2 * i] = HEX[(digest[i] >> 4) & 0xf];
      token[6 + 2 * i] = HEX[digest[i] & 0xf];
    }
    return new String(token);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  private static MessageDigest cloned(MessageDigest padded) {
    try {
      return (MessageDigest) padded.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("this JVM's SHA-256 digests cannot be cloned", e);
    }
  }
}
