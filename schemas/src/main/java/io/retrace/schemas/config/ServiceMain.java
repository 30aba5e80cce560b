package io.retrace.schemas.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The {@code main()} every stand-alone Retrace service shares ({@code java -jar retrace-*.jar
 * [--config FILE] [KEY=VALUE ...]}): {@code --help}, settings from {@link
 * ConfigSources#fromCommandLine}, then run until SIGTERM/SIGINT. Exit codes: 0 stopped by a signal
 * and closed cleanly, 1 could not start, failed by itself or did not close cleanly, 2 invalid
 * settings (every problem listed) or a set-up the operator must fix ({@link InvalidSetup}).
 */
public final class ServiceMain {
  private static final Logger log = LoggerFactory.getLogger(ServiceMain.class);

  /** A started service, as its launcher watches it. */
  public interface Running extends AutoCloseable {
    /** Why the service stopped by itself; empty while it runs. */
    Optional<String> failure();
  }

  /** How one service is described, configured and started. */
  public interface Launch<C> {
    /** The service's name as a sentence starts with it: "Ingest", "The archiver". */
    String name();

    /** What {@code --help} says of this service; the rest of its text is common. */
    Help help();

    /** The settings {@code --help} lists. */
    ConfigSpec spec();

    /** The settings from these sources; throws {@link ConfigException} naming every bad key. */
    C load(ConfigSources sources);

    /** Starts the service; throws {@link InvalidSetup} for what the operator must fix. */
    Running start(C config) throws Exception;
  }

  /**
   * The service's own part of {@code --help}.
   *
   * @param jar the jar's file name
   * @param about what the service does and how it stops, a paragraph
   * @param secretKeys settings best given as environment variables (shown as examples)
   * @param endpoints what {@code metrics.port} serves
   * @param invalidSetup what else exits 2 beside invalid settings
   */
  public record Help(
      String jar, String about, List<String> secretKeys, String endpoints, String invalidSetup) {}

  /** A start-up failure the operator fixes in the set-up (exit 2, no stack trace). */
  public static final class InvalidSetup extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidSetup(String message) {
      super(message);
    }
  }

  private ServiceMain() {}

  /** Runs the service until a signal stops it or it fails; never returns normally but on help. */
  public static <C> void run(String[] args, Launch<C> launch) throws InterruptedException {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(usage(launch));
      return;
    }
    C config;
    try {
      config = launch.load(ConfigSources.fromCommandLine(args));
    } catch (ConfigException | IllegalArgumentException e) {
      exit(2, e.getMessage() + "\n(--help lists every setting)");
      return;
    }
    Running service;
    try {
      service = launch.start(config);
    } catch (InvalidSetup e) {
      exit(2, e.getMessage());
      return;
    } catch (Exception e) {
      log.error("{} could not start", launch.name(), e);
      exit(1, launch.name() + " could not start: " + e.getMessage());
      return;
    }
    // The signal handlers replace the JVM's default (run the shutdown hooks, exit 143): the
    // service stops here, on the main thread, and exits with 0 when that went well.
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : List.of("TERM", "INT")) {
      Signal.handle(new Signal(name), signal -> stop.countDown());
    }
    while (!stop.await(1, TimeUnit.SECONDS)) {
      Optional<String> failure = service.failure();
      if (failure.isPresent()) {
        log.error("{} failed: {}", launch.name(), failure.get());
        close(launch, service);
        exit(1, launch.name() + " failed: " + failure.get());
      }
    }
    log.info("{} is stopping", launch.name());
    System.exit(close(launch, service) ? 0 : 1);
  }

  /** The whole {@code --help} text of a service. */
  public static String usage(Launch<?> launch) {
    Help help = launch.help();
    List<String> envExamples = new ArrayList<>();
    envExamples.add("bootstrap.servers");
    envExamples.addAll(help.secretKeys());
    return """
        Usage: java [JVM options] -jar %s [--config FILE] [KEY=VALUE ...]

        %s

        Options:
          --config FILE  a properties file of the settings below (KEY=VALUE lines)
          KEY=VALUE      one setting (also --KEY=VALUE)
          -h, --help     this text

        Each setting is taken from, first match wins: the command line, -Dretrace.KEY, the
        environment variable RETRACE_KEY (upper case, '.' and '-' as '_'), the --config file, the
        default. Unknown keys on the command line or in the file are errors. Secrets belong in the
        environment rather than on the command line. For example:
          %s

        HTTP on metrics.port: %s
        Logging: Retrace at INFO (RETRACE_LOG_LEVEL=DEBUG for more), libraries at WARN, to stdout;
        -Dlogback.configurationFile=FILE replaces the set-up.
        Exit codes: 0 stopped by a signal, 1 could not start or failed, 2 invalid settings or
        %s.

        Settings:
        """
            .formatted(
                help.jar(),
                help.about().strip(),
                String.join("  ", envExamples.stream().map(ConfigSources::envName).toList()),
                help.endpoints().strip(),
                help.invalidSetup())
        + launch.spec().describe();
  }

  /** Closes the service; false (logged) when something did not stop cleanly. */
  private static boolean close(Launch<?> launch, Running service) {
    try {
      service.close();
      log.info("{} stopped", launch.name());
      return true;
    } catch (Exception e) {
      log.error("{} did not stop cleanly", launch.name(), e);
      return false;
    }
  }

  private static void exit(int code, String message) {
    System.err.println(message);
    System.exit(code);
  }
}
