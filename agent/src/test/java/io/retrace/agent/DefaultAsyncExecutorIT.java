package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.AgentProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example service fanning out with {@code CompletableFuture}'s default executor: with a common
 * pool of one thread (a machine or container with two cores) that executor starts a new thread per
 * task instead of using the pool; either way the query made there belongs to its request's session.
 */
class DefaultAsyncExecutorIT {
  @TempDir Path dir;

  @ParameterizedTest(name = "common pool parallelism {0}")
  @ValueSource(ints = {1, 3})
  void workOnTheDefaultAsyncExecutorIsAttributedToItsRequest(int parallelism) throws Exception {
    Path out = dir.resolve("events.avro");
    try (AgentProcess app =
        AgentProcess.start(
            dir,
            "service=orders,recording=rec-default-executor,out=" + out,
            "-Dorders.executor=default",
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism=" + parallelism)) {
      assertThat(app.post("/orders", "async-1", "{\"product\":2,\"qty\":3}").statusCode())
          .as(app.output())
          .isEqualTo(201);
      app.stop();
    }
    List<RecordedEvent> session = FileSinkIT.session(FileSinkIT.read(out), "async-1");
    RecordedEvent inbound = FileSinkIT.only(session, EventKind.HTTP_SERVER);
    RecordedEvent lookup = FileSinkIT.kind(session, EventKind.JDBC).get(0);
    assertThat(lookup.getThread().getName())
        .isNotEqualTo(inbound.getThread().getName())
        .startsWith(parallelism == 1 ? "Thread-" : "ForkJoinPool.commonPool-worker-");
    assertThat(lookup.getParentCallId()).isEqualTo(inbound.getCallId());
  }
}
