package io.retrace.archiver;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.retrace.archiver.encryption.ColumnEncryption;
import io.retrace.archiver.internal.ArchiverLoop;
import io.retrace.archiver.internal.MetricsServer;
import io.retrace.archiver.storage.ArchiveStorage;
import io.retrace.archiver.storage.StorageErrors;
import io.retrace.archiver.storage.StorageFactory;
import io.retrace.archiver.writer.ParquetRecordWriterProvider;
import java.io.IOException;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiver as a library: {@link #start} opens the archive, joins the consumer group and
 * archives on a background thread until {@link #close}. Used by {@link ArchiverMain} and by the
 * embedded stack.
 */
public final class ArchiverService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ArchiverService.class);

  private final ArchiveStorage storage;
  private final ArchiverLoop loop;
  private final Thread thread;
  private final PrometheusMeterRegistry metrics;
  private MetricsServer metricsServer;

  private ArchiverService(
      ArchiveStorage storage, ArchiverLoop loop, PrometheusMeterRegistry metrics) {
    this.storage = storage;
    this.loop = loop;
    this.metrics = metrics;
    this.thread = new Thread(loop, "retrace-archiver");
  }

  /**
   * Opens the archive and starts archiving.
   *
   * @throws IOException when the archive cannot be opened (no such bucket, access denied)
   */
  public static ArchiverService start(ArchiverConfig config) throws IOException {
    Configuration conf = StorageFactory.hadoopConfiguration(config);
    ArchiveStorage storage;
    try {
      storage = StorageFactory.open(config.archiveUri(), conf);
    } catch (IOException e) {
      throw new IOException(
          "Cannot open the archive " + config.archiveUri() + ": " + StorageErrors.describe(e), e);
    }
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ArchiverService service = null;
    try {
      ColumnEncryption encryption =
          config.encryption().enabled() ? new ColumnEncryption(config.encryption(), conf) : null;
      ParquetRecordWriterProvider provider =
          new ParquetRecordWriterProvider(
              storage,
              conf,
              CompressionCodecName.valueOf(config.compression().name()),
              config.compressionLevel(),
              encryption);
      ArchiverLoop loop = new ArchiverLoop(config, provider, metrics);
      service = new ArchiverService(storage, loop, metrics);
      if (config.metricsPort() >= 0) {
        service.metricsServer = new MetricsServer(config.metricsPort(), metrics, service::problem);
      }
      service.thread.start();
      log.info("Archiving {} into {}", config.tableTopics().keySet(), storage.describe());
      return service;
    } catch (IOException | RuntimeException e) {
      if (service != null && service.metricsServer != null) {
        service.metricsServer.close();
      }
      storage.close();
      throw e;
    }
  }

  /** Null when healthy; otherwise what stopped the archiver. */
  public String problem() {
    Throwable failure = loop.failure();
    if (failure != null) {
      return failure.getMessage();
    }
    return thread.isAlive() ? null : "the archiver is stopped";
  }

  /** The failure that stopped archiving, or null. */
  public Throwable failure() {
    return loop.failure();
  }

  /** Whether the archiver still runs (it stops on a fatal failure or on close). */
  public boolean running() {
    return thread.isAlive();
  }

  /** Whether the consumer holds partitions; tests wait for it before producing. */
  public boolean assigned() {
    return loop.assigned();
  }

  /** The port of /metrics and /health, or -1 when off. */
  public int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.port();
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /** Waits up to {@code timeout} for the archiver to stop by itself (after a fatal failure). */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    thread.join(Math.max(1, timeout.toMillis()));
    return !thread.isAlive();
  }

  /** Publishes and commits what is open, leaves the group and closes the archive. */
  @Override
  public void close() throws IOException {
    loop.stop();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    storage.close();
    metrics.close();
  }
}
