package io.retrace.archiver;

import io.retrace.schemas.config.ConfigException;
import io.retrace.schemas.config.ConfigSources;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stand-alone archiver: {@code java -cp ... io.retrace.archiver.ArchiverMain [--config FILE]
 * [key=value ...]}, with {@code -Dretrace.<key>} and {@code RETRACE_<KEY>} as well. Runs until
 * SIGTERM/Ctrl-C (then publishes what is open and commits) or a fatal failure (exit 1). Exit 2: bad
 * configuration.
 */
public final class ArchiverMain {
  private static final Logger log = LoggerFactory.getLogger(ArchiverMain.class);

  private ArchiverMain() {}

  public static void main(String[] args) throws Exception {
    ArchiverConfig config;
    try {
      config = ArchiverConfig.load(sources(args));
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("Settings:\n" + ArchiverConfig.SPEC.describe());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    ArchiverService service = ArchiverService.start(config);
    Thread hook =
        new Thread(
            () -> {
              try {
                service.close();
              } catch (Exception e) {
                log.warn("Closing the archiver failed", e);
              } finally {
                stopped.countDown();
              }
            },
            "retrace-archiver-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    while (!service.awaitStop(java.time.Duration.ofSeconds(1))) {
      // Runs until a fatal failure; SIGTERM goes through the shutdown hook.
    }
    if (service.failure() != null) {
      System.err.println("retrace-archiver: " + service.failure().getMessage());
      Runtime.getRuntime().removeShutdownHook(hook);
      service.close();
      System.exit(1);
    }
    stopped.await();
  }

  static ConfigSources sources(String[] args) {
    Map<String, String> explicit = new LinkedHashMap<>();
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--config") && i + 1 < args.length) {
        file = Path.of(args[++i]);
      } else if (a.startsWith("--config=")) {
        file = Path.of(a.substring("--config=".length()));
      } else if (a.contains("=")) {
        String k = a.startsWith("--") ? a.substring(2) : a;
        explicit.put(k.substring(0, k.indexOf('=')), k.substring(k.indexOf('=') + 1));
      } else {
        throw new IllegalArgumentException(
            "Unexpected argument '" + a + "': use --config FILE or key=value");
      }
    }
    ConfigSources.Builder b =
        ConfigSources.builder().explicit("command line", explicit).systemProperties().environment();
    if (file != null) {
      b.file(file);
    }
    return b.build();
  }
}
