package io.retrace.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.HttpExchange;
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
 * The JDK's {@code HttpClient.sendAsync} hands its result on through the same executor.
 */
class DefaultAsyncExecutorIT {
  @TempDir Path dir;

  /** One order through the service on the default executor; its session's events. */
  private List<RecordedEvent> order(int parallelism) throws Exception {
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
    return FileSinkIT.session(FileSinkIT.read(out), "async-1");
  }

  @ParameterizedTest(name = "common pool parallelism {0}")
  @ValueSource(ints = {1, 3})
  void workOnTheDefaultAsyncExecutorIsAttributedToItsRequest(int parallelism) throws Exception {
    List<RecordedEvent> session = order(parallelism);
    RecordedEvent inbound = FileSinkIT.only(session, EventKind.HTTP_SERVER);
    RecordedEvent lookup = FileSinkIT.kind(session, EventKind.JDBC).get(0);
    assertThat(lookup.getThread().getName())
        .isNotEqualTo(inbound.getThread().getName())
        .startsWith(parallelism == 1 ? "Thread-" : "ForkJoinPool.commonPool-worker-");
    assertThat(lookup.getParentCallId()).isEqualTo(inbound.getCallId());
  }

  /**
   * The price quote ({@code sendAsync}) is captured as its exchange completes on the client's
   * threads, not on the default executor's thread that the JDK hands the result on to: on a thread
   * started for one task, any allocation takes a fresh allocation buffer (~300 KB in the service
   * benchmark) that the thread leaves unused when it ends, and captures there made the service's
   * young collections come four times as often.
   */
  @ParameterizedTest(name = "common pool parallelism {0}")
  @ValueSource(ints = {1, 3})
  void anAsyncClientCallIsCapturedOnTheClientsThreadsNotTheDefaultExecutors(int parallelism)
      throws Exception {
    RecordedEvent quote = FileSinkIT.only(order(parallelism), EventKind.HTTP_CLIENT);
    assertThat(quote.getThread().getName())
        .doesNotStartWith("Thread-")
        .doesNotStartWith("ForkJoinPool.commonPool-worker-");
    HttpExchange exchange = (HttpExchange) quote.getPayload();
    assertThat(exchange.getUrl()).endsWith("/quote?product=2&qty=3");
    assertThat(exchange.getStatus()).isEqualTo(200);
  }
}
