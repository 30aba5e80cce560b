package io.retrace.archiver;

import io.retrace.schemas.config.ConfigException;
import io.retrace.schemas.config.ConfigSources;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The stand-alone archiver: {@code java -jar retrace-archiver.jar [--config FILE] [KEY=VALUE ...]},
 * as {@link #usage()} describes. Exits 0 after SIGTERM/SIGINT once open files are published and
 * committed, 2 on invalid settings (every problem listed) or a metrics port in use, 1 when it
 * cannot start otherwise or a fatal failure stops it.
 */
public final class ArchiverMain {
  private static final Logger log = LoggerFactory.getLogger(ArchiverMain.class);

  private ArchiverMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(usage());
      return;
    }
    ArchiverConfig config;
    try {
      config = ArchiverConfig.load(ConfigSources.fromCommandLine(args));
    } catch (ConfigException | IllegalArgumentException e) {
      exit(2, e.getMessage() + "\n(--help lists every setting)");
      return;
    }
    ArchiverService service;
    try {
      service = ArchiverService.start(config);
    } catch (BindException e) {
      exit(2, "The archiver could not start: metrics.port " + config.metricsPort() + " is in use");
      return;
    } catch (Exception e) {
      log.error("The archiver could not start", e);
      exit(1, "The archiver could not start: " + e.getMessage());
      return;
    }
    // The signal handlers replace the JVM's default (run the shutdown hooks, exit 143): the
    // archiver stops here, on the main thread, and exits with 0 when that went well.
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : List.of("TERM", "INT")) {
      Signal.handle(new Signal(name), signal -> stop.countDown());
    }
    while (!stop.await(1, TimeUnit.SECONDS)) {
      if (!service.running()) {
        log.error("The archiver stopped: {}", service.problem());
        close(service);
        exit(1, "The archiver failed: " + service.problem());
      }
    }
    log.info("Stopping the archiver: publishing open files and committing");
    System.exit(close(service) ? 0 : 1);
  }

  static String usage() {
    return """
        Usage: java [JVM options] -jar retrace-archiver.jar [--config FILE] [KEY=VALUE ...]

        Retrace archiver: a Kafka consumer group that writes retrace.events, retrace.sessions,
        retrace.recordings and retrace.audit as Parquet to archive.uri (file:///path or
        s3a://bucket/prefix), each record exactly once. Runs until SIGTERM or Ctrl-C, then publishes
        the open files, commits and exits 0.

        Options:
          --config FILE  a properties file of the settings below (KEY=VALUE lines)
          KEY=VALUE      one setting (also --KEY=VALUE)
          -h, --help     this text

        Each setting is taken from, first match wins: the command line, -Dretrace.KEY, the
        environment variable RETRACE_KEY (upper case, '.' and '-' as '_': RETRACE_BOOTSTRAP_SERVERS,
        RETRACE_ARCHIVE_URI, RETRACE_S3_SECRET_KEY), the --config file, the default. Unknown keys
        on the command line or in the file are errors.

        HTTP on metrics.port (off by default; 9465 is the usual choice): /health (200 while
        archiving, 503 with the reason after a fatal failure), /metrics (Prometheus text).
        Logging: Retrace at INFO (RETRACE_LOG_LEVEL=DEBUG for more), libraries at WARN, to stdout;
        -Dlogback.configurationFile=FILE replaces the set-up.
        Exit codes: 0 stopped by a signal, 1 could not start or failed, 2 invalid settings or
        metrics.port in use.

        Settings:
        """
        + ArchiverConfig.SPEC.describe();
  }

  /** Publishes, commits and closes; false (logged) when that failed. */
  private static boolean close(ArchiverService service) {
    try {
      service.close();
      log.info("The archiver stopped");
      return true;
    } catch (Exception e) {
      log.error("Stopping the archiver failed", e);
      return false;
    }
  }

  private static void exit(int code, String message) {
    System.err.println(message);
    System.exit(code);
  }
}
