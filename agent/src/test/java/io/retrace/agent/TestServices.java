package io.retrace.agent;

import io.retrace.testkit.AgentProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The services among this module's test classes, started on this JVM's Java with the agent. */
final class TestServices {
  private TestServices() {}

  /** {@code main} with the packaged agent given {@code agentArgs}, working in {@code dir}. */
  static AgentProcess start(Path dir, String agentArgs, Class<?> main) throws IOException {
    return AgentProcess.start(
        dir,
        Path.of(System.getProperty("java.home")),
        agentArgs,
        List.of(System.getProperty("retrace.test.classes")),
        main.getName());
  }
}
