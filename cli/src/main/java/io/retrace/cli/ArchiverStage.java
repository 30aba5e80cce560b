package io.retrace.cli;

import io.retrace.archiver.ArchiverConfig;
import io.retrace.archiver.ArchiverService;
import io.retrace.schemas.config.ConfigSources;
import io.retrace.stack.StackComponent;
import io.retrace.stack.StackContext;
import java.util.Map;

/**
 * Runs the archiver inside {@code retrace up}, writing to {@code <data-dir>/archive}. Files rotate
 * every {@link #ROTATION_INTERVAL} so an archived event is visible within 30 s; {@code
 * -Dretrace.<key>} and {@code RETRACE_<KEY>} override any other archiver setting.
 */
final class ArchiverStage implements StackComponent {
  static final String ROTATION_INTERVAL = "10s";

  private ArchiverService service;

  @Override
  public String name() {
    return "archiver";
  }

  @Override
  public void start(StackContext context) throws Exception {
    ConfigSources sources =
        StageSources.of(
            Map.of(
                "bootstrap.servers", context.bootstrapServers(),
                "schema.registry.url", context.registryUrl(),
                "archive.uri", context.archiveDir().toUri().toString()),
            Map.of("rotation.interval", ROTATION_INTERVAL, "rotation.record.time", "10m"));
    service = ArchiverService.start(ArchiverConfig.load(sources));
  }

  @Override
  public void close() throws Exception {
    if (service != null) {
      service.close();
    }
  }
}
