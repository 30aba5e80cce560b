package io.retrace.cli;

import io.retrace.ingest.IngestConfig;
import io.retrace.ingest.IngestService;
import io.retrace.schemas.config.ConfigSources;
import io.retrace.stack.StackComponent;
import io.retrace.stack.StackContext;
import java.util.Map;

/**
 * Runs the ingest Kafka Streams app inside {@code retrace up}, its state under {@code
 * <data-dir>/ingest}; {@code -Dretrace.<key>} and {@code RETRACE_<KEY>} override its other
 * settings.
 *
 * <p>It lives in the CLI rather than in {@code stack/} (DESIGN.md puts the wiring there): the
 * pipeline modules test against {@code testkit}, which builds on {@code stack}, so {@code stack}
 * depending on them would be a cycle.
 */
final class IngestStage implements StackComponent {
  private IngestService service;

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public void start(StackContext context) throws Exception {
    ConfigSources sources =
        StageSources.of(
            Map.of(
                "bootstrap.servers", context.bootstrapServers(),
                "schema.registry.url", context.registryUrl()),
            Map.of(
                "state.dir",
                context.config().dataDir().resolve("ingest").toString(),
                "metrics.port",
                "0"));
    service = IngestService.start(IngestConfig.load(sources));
  }

  @Override
  public void close() {
    if (service != null) {
      service.close();
    }
  }
}
