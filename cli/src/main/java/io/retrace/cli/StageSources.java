package io.retrace.cli;

import io.retrace.schemas.config.ConfigSources;
import java.util.Map;

/**
 * Configuration of a pipeline stage inside {@code retrace up}: how it reaches the stack is fixed;
 * its other settings default to what suits one machine and can be changed with {@code
 * -Dretrace.<key>} or {@code RETRACE_<KEY>}.
 */
final class StageSources {
  private StageSources() {}

  static ConfigSources of(Map<String, String> wiring, Map<String, String> defaults) {
    return ConfigSources.builder()
        .explicit("retrace up", wiring)
        .systemProperties()
        .environment()
        .explicit("retrace up defaults", defaults)
        .build();
  }
}
