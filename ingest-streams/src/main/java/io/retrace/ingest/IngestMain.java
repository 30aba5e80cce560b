package io.retrace.ingest;

import io.retrace.redaction.PolicyException;
import io.retrace.schemas.config.ConfigSources;
import io.retrace.schemas.config.ConfigSpec;
import io.retrace.schemas.config.ServiceMain;
import java.net.BindException;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The stand-alone ingest app: {@code java -jar retrace-ingest.jar [--config FILE] [KEY=VALUE ...]},
 * as {@link #help()} describes, with the exit codes of {@link ServiceMain}: an invalid redaction
 * policy or a metrics port in use exit 2, Kafka Streams stopping by itself exits 1.
 */
public final class IngestMain implements ServiceMain.Launch<IngestConfig> {
  private IngestMain() {}

  public static void main(String[] args) throws InterruptedException {
    ServiceMain.run(args, new IngestMain());
  }

  @Override
  public String name() {
    return "Ingest";
  }

  @Override
  public IngestConfig load(ConfigSources sources) {
    return IngestConfig.load(sources);
  }

  @Override
  public ServiceMain.Running start(IngestConfig config) throws Exception {
    IngestService service;
    try {
      service = IngestService.start(config);
    } catch (PolicyException e) {
      throw new ServiceMain.InvalidSetup(
          "Invalid redaction policy "
              + config.policyFile()
              + ":\n  - "
              + String.join("\n  - ", e.problems()));
    } catch (BindException e) {
      throw new ServiceMain.InvalidSetup(
          "Ingest could not start: metrics.port " + config.metricsPort() + " is in use");
    }
    return new ServiceMain.Running() {
      @Override
      public Optional<String> failure() {
        KafkaStreams.State state = service.state();
        return state.isRunningOrRebalancing()
            ? Optional.empty()
            : Optional.of("Kafka Streams is " + state);
      }

      @Override
      public void close() {
        service.close();
      }
    };
  }

  @Override
  public ServiceMain.Help help() {
    return new ServiceMain.Help(
        "retrace-ingest.jar",
        """
        Retrace ingest (Kafka Streams): redacts, validates and sessionizes the raw recording topics
        (retrace.rec.*) into retrace.events, retrace.sessions, retrace.recordings and retrace.dlq.
        Runs until SIGTERM or Ctrl-C, then commits and exits 0.""",
        List.of("schema.registry.url", "hmac.key"),
        """
        /health (200 once Kafka Streams is RUNNING, else 503), /health/live
        (200 unless failed or stopped), /metrics (Prometheus text).""",
        "a redaction policy that is invalid, or metrics.port in use");
  }

  @Override
  public ConfigSpec spec() {
    return IngestConfig.SPEC;
  }
}
