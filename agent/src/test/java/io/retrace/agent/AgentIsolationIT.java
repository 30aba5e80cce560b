package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.testkit.AgentProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent keeps to itself: an application with the agent attached and recording finds
 * none of the agent's classes or resources on its class path (the JVM appends the agent jar to it,
 * but only the entry point is where the application class loader looks), and the JDK internals the
 * agent opens for itself stay closed to the application. Recording works all the same.
 */
class AgentIsolationIT {
  @TempDir Path dir;

  @Test
  void theApplicationSeesNoneOfTheAgent() throws Exception {
    try (AgentProcess app =
        TestServices.start(
            dir,
            "service=orders,recording=rec-isolation,out=" + dir.resolve("events.avro"),
            PeekingApp.class)) {
      assertThat(app.post("/orders", "req-isolation", "{\"product\":1,\"qty\":2}").statusCode())
          .isEqualTo(201);
      String output = app.output();
      assertThat(output)
          .contains(
              "hidden: io.retrace.agent.AgentRuntime",
              "hidden: io.retrace.agent.shaded.kafka.clients.producer.KafkaProducer",
              "hidden: io.retrace.agent.shaded.asm.ClassReader",
              "jdk.internal.misc exported to the application: false",
              "agent resource visible: false")
          .doesNotContain("visible: io.retrace");
      assertThat(app.stop()).as(app.output()).isIn(0, 143);
      assertThat(app.output()).contains("captured").doesNotContain("Retrace agent disabled");
    }
  }
}
