package io.retrace.ingest.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the deployment secret of the redaction hash action: given directly, read from a file, or
 * generated once (256 random bits, hex) and kept in {@code <stateDir>/hmac.key} readable by the
 * owner only, so that the same value hashes to the same token across restarts.
 */
public final class HmacKeys {
  static final String GENERATED_FILE = "hmac.key";

  private static final Logger log = LoggerFactory.getLogger(HmacKeys.class);

  private HmacKeys() {}

  /**
   * @param key the key itself, or null
   * @param keyFile a file holding the key (surrounding whitespace ignored), or null
   */
  public static byte[] resolve(String key, Path keyFile, Path stateDir) {
    if (key != null) {
      return key.getBytes(StandardCharsets.UTF_8);
    }
    try {
      if (keyFile != null) {
        return Files.readString(keyFile).strip().getBytes(StandardCharsets.UTF_8);
      }
      Path generated = stateDir.resolve(GENERATED_FILE);
      if (!Files.exists(generated)) {
        generate(generated);
      }
      return Files.readString(generated).strip().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the HMAC key", e);
    }
  }

  private static void generate(Path file) throws IOException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    Files.createDirectories(file.getParent());
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      return;
    }
    Files.writeString(file, HexFormat.of().formatHex(random));
    log.warn(
        "No hmac.key or hmac.key.file configured: generated a random HMAC key in {}. Hash tokens"
            + " are stable only while this file is kept; configure a shared key for several"
            + " instances.",
        file);
  }
}
