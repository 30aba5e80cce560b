package io.retrace.archiver.encryption;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;
import org.apache.parquet.crypto.KeyAccessDeniedException;
import org.apache.parquet.crypto.keytools.LocalWrapKmsClient;

/**
 * A KMS client for the embedded stack and tests: master keys come from a local properties file
 * ({@code <keyId>=<base64 AES key>}, 16, 24 or 32 bytes), named by {@link #KEY_FILE} in the Hadoop
 * configuration. Data keys are wrapped locally with those master keys. In production, plug in a
 * {@link org.apache.parquet.crypto.keytools.KmsClient} that talks to the real KMS instead.
 */
public final class LocalKeyFileKmsClient extends LocalWrapKmsClient {
  /** Hadoop configuration key naming the key file. */
  public static final String KEY_FILE = "retrace.encryption.key.file";

  private Properties keys;

  @Override
  protected void initializeInternal() throws KeyAccessDeniedException {
    String file = hadoopConfiguration.getTrimmed(KEY_FILE);
    if (file == null || file.isEmpty()) {
      throw new KeyAccessDeniedException("No key file configured (" + KEY_FILE + ")");
    }
    Properties loaded = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      loaded.load(in);
    } catch (IOException e) {
      throw new KeyAccessDeniedException("Cannot read key file " + file + ": " + e.getMessage());
    }
    keys = loaded;
  }

  @Override
  protected byte[] getMasterKeyFromServer(String masterKeyIdentifier)
      throws KeyAccessDeniedException {
    String encoded = keys.getProperty(masterKeyIdentifier);
    if (encoded == null) {
      throw new KeyAccessDeniedException("No master key '" + masterKeyIdentifier + "'");
    }
    byte[] key = Base64.getDecoder().decode(encoded.trim());
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new KeyAccessDeniedException(
          "Master key '" + masterKeyIdentifier + "' is " + key.length + " bytes, not 16/24/32");
    }
    return key;
  }
}
