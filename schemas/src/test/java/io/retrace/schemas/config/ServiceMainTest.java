package io.retrace.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceMainTest {
  private static final ConfigSpec SPEC = new ConfigSpec("demo");

  static {
    SPEC.string("bootstrap.servers", "localhost:9092", "the Kafka cluster");
    SPEC.string("store.secret-key", "", "the store's secret");
  }

  private static final ServiceMain.Launch<Config> DEMO =
      new ServiceMain.Launch<>() {
        @Override
        public String name() {
          return "The demo";
        }

        @Override
        public ServiceMain.Help help() {
          return new ServiceMain.Help(
              "retrace-demo.jar",
              """
              Retrace demo: does what a demo does.
              Runs until SIGTERM.""",
              List.of("store.secret-key"),
              "/health and /metrics.",
              "a store that cannot be reached");
        }

        @Override
        public ConfigSpec spec() {
          return SPEC;
        }

        @Override
        public Config load(ConfigSources sources) {
          return SPEC.load(sources);
        }

        @Override
        public ServiceMain.Running start(Config config) {
          throw new UnsupportedOperationException("only --help is tested here");
        }
      };

  @Test
  void helpNamesTheJarTheServiceItsEnvironmentVariablesEndpointsExitCodesAndEverySetting() {
    String usage = ServiceMain.usage(DEMO);

    assertThat(usage)
        .startsWith(
            "Usage: java [JVM options] -jar retrace-demo.jar [--config FILE] [KEY=VALUE ...]\n")
        .contains("\nRetrace demo: does what a demo does.\nRuns until SIGTERM.\n")
        .contains("\n  RETRACE_BOOTSTRAP_SERVERS  RETRACE_STORE_SECRET_KEY\n")
        .contains("HTTP on metrics.port: /health and /metrics.\n")
        .contains("2 invalid settings or\na store that cannot be reached.\n")
        .contains("bootstrap.servers", "store.secret-key", "the store's secret");
  }
}
