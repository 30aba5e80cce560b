package io.retrace.archiver.storage;

import io.retrace.archiver.ArchiverConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/** Opens the storage an archive URI names and builds the Hadoop settings S3A and Parquet read. */
public final class StorageFactory {
  private StorageFactory() {}

  public static ArchiveStorage open(URI archiveUri, Configuration conf) throws IOException {
    if ("file".equalsIgnoreCase(archiveUri.getScheme())) {
      return new LocalArchiveStorage(Path.of(archiveUri));
    }
    return new HadoopArchiveStorage(archiveUri, conf);
  }

  /**
   * Hadoop settings for Parquet and S3A. Built from the defaults (not {@code new
   * Configuration(false)}, which loses {@code fs.s3a.impl}).
   */
  public static Configuration hadoopConfiguration(ArchiverConfig config) {
    // Local archives are written with java.nio (LocalArchiveStorage), never through Hadoop's
    // checksumming local file system, so no .crc files; S3A's upload buffer needs that file
    // system as it is (it casts to LocalFileSystem), so fs.file.impl stays the default.
    Configuration conf = new Configuration();
    ArchiverConfig.S3Settings s3 = config.s3();
    if (!s3.endpoint().isEmpty()) {
      conf.set("fs.s3a.endpoint", s3.endpoint());
      conf.setBoolean("fs.s3a.connection.ssl.enabled", !s3.endpoint().startsWith("http://"));
    }
    conf.set("fs.s3a.endpoint.region", s3.region());
    conf.setBoolean("fs.s3a.path.style.access", s3.pathStyle());
    if (!s3.credentialsProvider().isEmpty()) {
      conf.set("fs.s3a.aws.credentials.provider", s3.credentialsProvider());
    } else if (!s3.accessKey().isEmpty()) {
      conf.set(
          "fs.s3a.aws.credentials.provider",
          "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    }
    if (!s3.accessKey().isEmpty()) {
      conf.set("fs.s3a.access.key", s3.accessKey());
      conf.set("fs.s3a.secret.key", s3.secretKey());
    }
    switch (s3.sseAlgorithm()) {
      case SSE_S3 -> conf.set("fs.s3a.encryption.algorithm", "SSE-S3");
      case SSE_KMS -> {
        conf.set("fs.s3a.encryption.algorithm", "SSE-KMS");
        if (!s3.sseKmsKey().isEmpty()) {
          conf.set("fs.s3a.encryption.key", s3.sseKmsKey());
        }
      }
      case NONE -> {}
    }
    // Retries inside S3A stay short: the archiver retries a whole file generation itself, from the
    // committed offsets, with its own backoff.
    conf.setInt("fs.s3a.attempts.maximum", s3.maxAttempts());
    conf.setInt("fs.s3a.retry.limit", s3.maxAttempts());
    conf.set("fs.s3a.retry.interval", "200ms");
    conf.set("fs.s3a.retry.throttle.interval", "500ms");
    conf.set("fs.s3a.connection.establish.timeout", "15s");
    conf.set("fs.s3a.connection.timeout", "30s");
    // Fail at start, with a clear message, when the bucket does not exist.
    conf.setInt("fs.s3a.bucket.probe", 2);
    // Skip the existence probes on create: names are deterministic and overwrite is intended.
    conf.setBoolean("fs.s3a.create.performance", true);
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    // Parts of an upload wait on local disk, not on the heap: memory stays bounded with many open
    // files.
    conf.set("fs.s3a.fast.upload.buffer", "disk");
    return conf;
  }
}
