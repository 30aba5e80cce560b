package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example service fanning out on virtual threads (Java 21+; this machine's second JDK, see
 * {@code retrace.app.java.home} in the agent's pom), from a virtual-thread-per-task executor or
 * started directly with {@code Thread.startVirtualThread}: the query made on a virtual thread
 * belongs to its request's session.
 */
class VirtualThreadsIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "-Dorders.executor={0}")
  @ValueSource(strings = {"virtual", "virtual-thread"})
  void workOnVirtualThreadsIsAttributedToItsRequest(String executor) throws Exception {
    Path jdk = Path.of(System.getProperty("retrace.app.java.home"));
    assertThat(jdk.resolve("bin/java")).as("a Java 21+ JDK to run the application on").exists();
    Path out = dir.resolve("events.avro");
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            jdk,
            "service=orders,recording=rec-virtual,out=" + out,
            List.of(),
            "io.retrace.examples.orders.OrdersService",
            "-Dorders.executor=" + executor)) {
      assertThat(app.post("/orders", "vt-1", "{\"product\":1,\"qty\":1}").statusCode())
          .as(app.output())
          .isEqualTo(201);
      app.stop();
      // Java 24+ prints a warning on the application's console when sun.misc.Unsafe is used.
      assertThat(app.output()).doesNotContain("sun.misc.Unsafe");
    }
    List<RecordedEvent> session = FileSinkIT.session(FileSinkIT.read(out), "vt-1");
    RecordedEvent inbound = FileSinkIT.only(session, EventKind.HTTP_SERVER);
    RecordedEvent lookup = FileSinkIT.kind(session, EventKind.JDBC).get(0);
    assertThat(lookup.getThread().getName()).isNotEqualTo(inbound.getThread().getName());
    assertThat(lookup.getThread().getVirtual()).isTrue();
    assertThat(lookup.getParentCallId()).isEqualTo(inbound.getCallId());
    assertThat(FileSinkIT.only(session, EventKind.HTTP_CLIENT).getSessionId()).isEqualTo("vt-1");
    assertThat(Files.size(out)).isPositive();
  }
}
