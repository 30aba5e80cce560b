package io.retrace.ingest;

import io.retrace.redaction.PolicyException;
import io.retrace.schemas.config.ConfigException;
import io.retrace.schemas.config.ConfigSources;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stand-alone ingest app: {@code java -jar retrace-ingest-streams.jar [--config FILE]
 * [--help]}, settings from the file, {@code RETRACE_*} environment variables and {@code
 * -Dretrace.*} properties. Exits 2 listing every configuration problem, 1 when it cannot start;
 * runs until SIGTERM/SIGINT.
 */
public final class IngestMain {
  private static final Logger log = LoggerFactory.getLogger(IngestMain.class);

  private IngestMain() {}

  public static void main(String[] args) throws InterruptedException {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          if (i + 1 >= args.length) {
            exit(2, "--config needs a file");
          }
          file = Path.of(args[++i]);
        }
        case "-h", "--help" -> {
          System.err.println(
              "Usage: retrace-ingest [--config FILE]\nSettings (file keys; -Dretrace.<key>;"
                  + " RETRACE_<KEY>):\n"
                  + IngestConfig.SPEC.describe());
          return;
        }
        default -> exit(2, "Unknown argument " + args[i] + " (try --help)");
      }
    }
    IngestConfig config;
    try {
      ConfigSources.Builder sources = ConfigSources.builder().systemProperties().environment();
      if (file != null) {
        sources.file(file);
      }
      config = IngestConfig.load(sources.build());
    } catch (ConfigException e) {
      exit(2, e.getMessage());
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
    } catch (Exception e) {
      log.error("Ingest could not start", e);
      exit(1, "Ingest could not start: " + e.getMessage());
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Stopping ingest");
                  service.close();
                  stopped.countDown();
                },
                "retrace-ingest-shutdown"));
    stopped.await();
  }

  private static void exit(int code, String message) {
    System.err.println(message);
    System.exit(code);
  }
}
