package io.retrace.archiver;

import io.retrace.schemas.config.ConfigSources;
import io.retrace.schemas.config.ConfigSpec;
import io.retrace.schemas.config.ServiceMain;
import java.io.IOException;
import java.net.BindException;
import java.util.List;
import java.util.Optional;

/**
 * The stand-alone archiver: {@code java -jar retrace-archiver.jar [--config FILE] [KEY=VALUE ...]},
 * as {@link #help()} describes, with the exit codes of {@link ServiceMain}: closing publishes the
 * open files and commits; a metrics port in use exits 2, a fatal failure exits 1.
 */
public final class ArchiverMain implements ServiceMain.Launch<ArchiverConfig> {
  private ArchiverMain() {}

  public static void main(String[] args) throws InterruptedException {
    ServiceMain.run(args, new ArchiverMain());
  }

  @Override
  public String name() {
    return "The archiver";
  }

  @Override
  public ArchiverConfig load(ConfigSources sources) {
    return ArchiverConfig.load(sources);
  }

  @Override
  public ServiceMain.Running start(ArchiverConfig config) throws Exception {
    ArchiverService service;
    try {
      service = ArchiverService.start(config);
    } catch (BindException e) {
      throw new ServiceMain.InvalidSetup(
          "The archiver could not start: metrics.port " + config.metricsPort() + " is in use");
    }
    return new ServiceMain.Running() {
      @Override
      public Optional<String> failure() {
        return service.running() ? Optional.empty() : Optional.of(service.problem());
      }

      @Override
      public void close() throws IOException {
        service.close();
      }
    };
  }

  @Override
  public ServiceMain.Help help() {
    return new ServiceMain.Help(
        "retrace-archiver.jar",
        """
        Retrace archiver: a Kafka consumer group that writes retrace.events, retrace.sessions,
        retrace.recordings and retrace.audit as Parquet to archive.uri (file:///path or
        s3a://bucket/prefix), each record exactly once. Runs until SIGTERM or Ctrl-C, then publishes
        the open files, commits and exits 0.""",
        List.of("archive.uri", "s3.secret.key"),
        """
        off by default (9465 is the usual choice); /health (200 while archiving,
        503 with the reason after a fatal failure), /metrics (Prometheus text).""",
        "metrics.port in use");
  }

  @Override
  public ConfigSpec spec() {
    return ArchiverConfig.SPEC;
  }
}
