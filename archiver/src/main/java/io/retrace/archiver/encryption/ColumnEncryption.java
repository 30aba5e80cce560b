package io.retrace.archiver.encryption;

import io.retrace.archiver.ArchiverConfig.EncryptionSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.crypto.FileEncryptionProperties;
import org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory;
import org.apache.parquet.schema.MessageType;

/**
 * Parquet modular encryption of the sensitive columns, through {@link
 * PropertiesDrivenCryptoFactory} and a {@link org.apache.parquet.crypto.keytools.KmsClient}.
 * Configured paths may name groups ({@code event.payload.member0.requestBody}); they cover every
 * leaf column under them. A table without any sensitive column is written unencrypted.
 */
public final class ColumnEncryption {
  private final EncryptionSettings settings;
  private final Configuration conf;
  private final PropertiesDrivenCryptoFactory factory = new PropertiesDrivenCryptoFactory();

  /**
   * @param base Hadoop settings to copy; the KMS client class and key file are added to the copy
   */
  public ColumnEncryption(EncryptionSettings settings, Configuration base) {
    this.settings = settings;
    this.conf = new Configuration(base);
    conf.set("parquet.encryption.kms.client.class", LocalKeyFileKmsClient.class.getName());
    if (settings.keyFile() != null) {
      conf.set(LocalKeyFileKmsClient.KEY_FILE, settings.keyFile().toString());
    }
    conf.set("parquet.encryption.footer.key", settings.footerKeyId());
    conf.setBoolean("parquet.encryption.plaintext.footer", settings.plaintextFooter());
    // KMS clients are cached per token; one per archiver instance keeps key files apart.
    conf.set("parquet.encryption.key.access.token", UUID.randomUUID().toString());
  }

  /** The leaf columns of {@code schema} that the configured paths cover. */
  public List<String> sensitiveColumns(MessageType schema) {
    List<String> leaves = new ArrayList<>();
    for (String[] path : schema.getPaths()) {
      String leaf = String.join(".", path);
      for (String configured : settings.columns()) {
        if (leaf.equals(configured) || leaf.startsWith(configured + ".")) {
          leaves.add(leaf);
          break;
        }
      }
    }
    return leaves;
  }

  /** Encryption properties for one file, or null when the schema has no sensitive column. */
  public FileEncryptionProperties propertiesFor(MessageType schema, String file) {
    List<String> columns = sensitiveColumns(schema);
    if (columns.isEmpty()) {
      return null;
    }
    Configuration fileConf = new Configuration(conf);
    fileConf.set(
        "parquet.encryption.column.keys",
        settings.columnKeyId() + ":" + String.join(",", columns) + ";");
    return factory.getFileEncryptionProperties(fileConf, new Path(file), null);
  }
}
