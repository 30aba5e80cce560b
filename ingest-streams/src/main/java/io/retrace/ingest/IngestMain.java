package io.retrace.ingest;

import io.retrace.redaction.PolicyException;
import io.retrace.schemas.config.ConfigException;
import io.retrace.schemas.config.ConfigSources;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The stand-alone ingest app: {@code java -jar retrace-ingest.jar [--config FILE] [KEY=VALUE ...]},
 * as {@link #usage()} describes. Exits 0 after SIGTERM/SIGINT once Kafka Streams has committed and
 * stopped, 2 on invalid settings or redaction policy (every problem listed) or a metrics port in
 * use, 1 when it cannot start otherwise or Kafka Streams stops by itself.
 */
public final class IngestMain {
  private static final Logger log = LoggerFactory.getLogger(IngestMain.class);

  private IngestMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(usage());
      return;
    }
    IngestConfig config;
    try {
      config = IngestConfig.load(ConfigSources.fromCommandLine(args));
    } catch (ConfigException | IllegalArgumentException e) {
      exit(2, e.getMessage() + "\n(--help lists every setting)");
      return;
    }
    IngestService service;
    try {
      service = IngestService.start(config);
    } catch (PolicyException e) {
      exit(
          2,
          "Invalid redaction policy "
              + config.policyFile()
              + ":\n  - "
              + String.join("\n  - ", e.problems()));
      return;
    } catch (BindException e) {
      exit(2, "Ingest could not start: metrics.port " + config.metricsPort() + " is in use");
      return;
    } catch (Exception e) {
      log.error("Ingest could not start", e);
      exit(1, "Ingest could not start: " + e.getMessage());
      return;
    }
    // The signal handlers replace the JVM's default (run the shutdown hooks, exit 143): the app
    // stops here, on the main thread, and exits with 0 when that went well.
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : List.of("TERM", "INT")) {
      Signal.handle(new Signal(name), signal -> stop.countDown());
    }
    while (!stop.await(1, TimeUnit.SECONDS)) {
      KafkaStreams.State state = service.state();
      if (!state.isRunningOrRebalancing()) {
        log.error("Kafka Streams stopped by itself (state {}); exiting", state);
        close(service);
        exit(1, "Ingest failed: Kafka Streams is " + state);
      }
    }
    log.info("Stopping ingest");
    System.exit(close(service) ? 0 : 1);
  }

  static String usage() {
    return """
        Usage: java [JVM options] -jar retrace-ingest.jar [--config FILE] [KEY=VALUE ...]

        Retrace ingest (Kafka Streams): redacts, validates and sessionizes the raw recording topics
        (retrace.rec.*) into retrace.events, retrace.sessions, retrace.recordings and retrace.dlq.
        Runs until SIGTERM or Ctrl-C, then commits and exits 0.

        Options:
          --config FILE  a properties file of the settings below (KEY=VALUE lines)
          KEY=VALUE      one setting (also --KEY=VALUE)
          -h, --help     this text

        Each setting is taken from, first match wins: the command line, -Dretrace.KEY, the
        environment variable RETRACE_KEY (upper case, '.' and '-' as '_': RETRACE_BOOTSTRAP_SERVERS,
        RETRACE_SCHEMA_REGISTRY_URL, RETRACE_HMAC_KEY), the --config file, the default. Unknown keys
        on the command line or in the file are errors.

        HTTP on metrics.port: /health (200 once Kafka Streams is RUNNING, else 503), /health/live
        (200 unless failed or stopped), /metrics (Prometheus text).
        Logging: Retrace at INFO (RETRACE_LOG_LEVEL=DEBUG for more), libraries at WARN, to stdout;
        -Dlogback.configurationFile=FILE replaces the set-up.
        Exit codes: 0 stopped by a signal, 1 could not start or failed, 2 invalid settings or
        redaction policy, or metrics.port in use.

        Settings:
        """
        + IngestConfig.SPEC.describe();
  }

  /** Closes the app; false (logged) when something did not stop cleanly. */
  private static boolean close(IngestService service) {
    try {
      service.close();
      log.info("Ingest stopped");
      return true;
    } catch (RuntimeException e) {
      log.error("Stopping ingest failed", e);
      return false;
    }
  }

  private static void exit(int code, String message) {
    System.err.println(message);
    System.exit(code);
  }
}
