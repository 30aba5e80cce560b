package io.retrace.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.agent.publish.EventBuffer;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcOperation;
import io.retrace.schemas.event.JdbcParameter;
import io.retrace.schemas.event.Origin;
import io.retrace.schemas.event.RecordedEvent;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDBC adapter's bookkeeping between prepare, setXxx and execute, with plain objects for
 * statements (the adapter holds them by identity and never calls them for an update count).
 */
class JdbcAdapterTest {
  private final EventBuffer buffer = new EventBuffer(64);
  private final CallRecorder recorder =
      new CallRecorder(
          "agent-1",
          buffer,
          new SessionIds("X-Request-Id", 1.0, "agent-1"),
          () -> new Origin("orders", null, null, null, null, null, null, null, "agent-1", 1L));
  private final JdbcAdapter jdbc = new JdbcAdapter(recorder, 100);

  @BeforeEach
  void recording() throws Exception {
    recorder.start("rec-1");
    recorder.flushPending();
    drain();
  }

  @AfterEach
  void recordingOff() {
    SessionContext.set(null);
    Dispatch.mode = Dispatch.OFF;
  }

  private List<RecordedEvent> drain() throws InterruptedException {
    List<RecordedEvent> events = new ArrayList<>();
    buffer.drain(events, 1000, 0);
    return events;
  }

  private JdbcCall onlyCall() throws InterruptedException {
    List<RecordedEvent> events = drain();
    assertThat(events).hasSize(1);
    return (JdbcCall) events.get(0).getPayload();
  }

  private static List<String> parameters(JdbcCall call) {
    List<String> out = new ArrayList<>();
    for (JdbcParameter p : call.getParameters()) {
      out.add(p.getIndex() + "=" + p.getValue());
    }
    return out;
  }

  private void execute(Object statement) throws Exception {
    jdbc.exit(jdbc.enter(statement, null, JdbcAdapter.UPDATE), statement, 1, null);
  }

  @Test
  void aPreparedStatementsSqlAndParametersAreRecordedInIndexOrder() throws Exception {
    Object insert = new Object();
    Timestamp created = Timestamp.valueOf("2026-11-29 06:00:00.5");
    jdbc.prepared(insert, "insert into orders values (?, ?, ?, ?)");
    jdbc.parameter(insert, 4, created);
    jdbc.parameter(insert, 1, "o-1");
    jdbc.parameter(insert, 3, new BigDecimal("5.00"));
    jdbc.parameter(insert, 2, 7);

    execute(insert);

    JdbcCall call = onlyCall();
    assertThat(call.getOperation()).isEqualTo(JdbcOperation.UPDATE);
    assertThat(call.getSql()).isEqualTo("insert into orders values (?, ?, ?, ?)");
    assertThat(parameters(call))
        .containsExactly("1=o-1", "2=7", "3=5.00", "4=" + created.toString());
    assertThat(call.getUpdateCounts()).containsExactly(1L);
  }

  @Test
  void eachExecutionRecordsTheParametersSetSinceTheLastOne() throws Exception {
    Object statement = new Object();
    jdbc.prepared(statement, "update product set price = ? where id = ?");
    jdbc.parameter(statement, 1, 1.5);
    jdbc.parameter(statement, 2, 1);
    execute(statement);
    drain();

    jdbc.parameter(statement, 2, 2);
    jdbc.parameter(statement, 2, 3);
    execute(statement);

    JdbcCall second = onlyCall();
    assertThat(second.getSql()).isEqualTo("update product set price = ? where id = ?");
    assertThat(parameters(second)).containsExactly("2=3");
  }

  @Test
  void interleavedStatementsKeepTheirOwnSqlAndParameters() throws Exception {
    Object first = new Object();
    Object second = new Object();
    jdbc.prepared(first, "select 1 where ? = 1");
    jdbc.prepared(second, "select 2 where ? = 2");
    jdbc.parameter(first, 1, "a");
    jdbc.parameter(second, 1, "b");

    execute(second);
    JdbcCall b = onlyCall();
    execute(first);
    JdbcCall a = onlyCall();

    assertThat(a.getSql()).isEqualTo("select 1 where ? = 1");
    assertThat(parameters(a)).containsExactly("1=a");
    assertThat(b.getSql()).isEqualTo("select 2 where ? = 2");
    assertThat(parameters(b)).containsExactly("1=b");
  }

  @Test
  void aDriverExecutingStatementsOfItsOwnInsideACallIsNotRecorded() throws Exception {
    SessionContext session = new SessionContext("s-1", null, null, null, 5);
    for (SessionContext ctx : new SessionContext[] {null, session}) {
      SessionContext.set(ctx);
      Object outer = new Object();
      Object inner = new Object();

      Object handle = jdbc.enter(outer, "call work()", JdbcAdapter.EXECUTE);
      assertThat(jdbc.enter(inner, "select 1", JdbcAdapter.QUERY)).as("nested").isNull();
      jdbc.exit(handle, outer, 0, null);

      List<RecordedEvent> events = drain();
      assertThat(events).hasSize(1);
      assertThat(((JdbcCall) events.get(0).getPayload()).getSql()).isEqualTo("call work()");
      assertThat(jdbc.enter(inner, "select 1", JdbcAdapter.QUERY)).as("after the call").isNotNull();
    }
  }

  @Test
  void aCallInASessionIsNestedUnderItsCurrentCallAndLeavesItAsItWas() throws Exception {
    SessionContext session = new SessionContext("s-1", null, null, null, 5);
    SessionContext.set(session);
    Object statement = new Object();

    Object handle = jdbc.enter(statement, "select 1", JdbcAdapter.QUERY);
    assertThat(session.inDependency).isTrue();
    jdbc.exit(handle, statement, 0, null);

    RecordedEvent event = drain().get(0);
    assertThat(event.getSessionId()).isEqualTo("s-1");
    assertThat(event.getParentCallId()).isEqualTo(5L);
    assertThat(session.inDependency).isFalse();
    assertThat(session.currentCall).isEqualTo(5L);
  }
}
