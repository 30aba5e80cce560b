package io.retrace.agent.capture;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcOperation;
import io.retrace.schemas.event.JdbcParameter;
import io.retrace.schemas.event.ResultColumn;
import io.retrace.schemas.event.ResultSetData;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;

/**
 * JDBC statements: the SQL (from {@code prepareStatement} or the execute call), the parameters set
 * on a PreparedStatement, and the outcome — update counts, or the rows of a query, which are copied
 * into a {@link RecordedResultSet} that the application then reads in place of the driver's
 * ResultSet.
 */
public final class JdbcAdapter {
  /** Operation codes advice passes (it cannot see the Avro enum). */
  public static final int EXECUTE = 0;

  public static final int QUERY = 1;
  public static final int UPDATE = 2;
  public static final int BATCH = 3;

  /** Held apart so that premain does not initialise Avro's enum (see {@link CallRecorder}). */
  private static final class Operations {
    static final JdbcOperation[] ALL = {
      JdbcOperation.EXECUTE, JdbcOperation.QUERY, JdbcOperation.UPDATE, JdbcOperation.BATCH
    };
  }

  private static final int[] NO_INDEXES = {};
  private static final Object[] NO_VALUES = {};

  private final CallRecorder recorder;
  private final int maxRows;

  /**
   * The call in progress on a thread outside any session (inside one, {@link
   * SessionContext#inDependency} says so without a thread-local lookup).
   */
  private final ThreadLocal<Call> active = new ThreadLocal<>();

  /** SQL and pending parameters per live statement; weak, so closed statements go away. */
  private final WeakIdentityMap<Object, StatementState> statements = new WeakIdentityMap<>();

  public JdbcAdapter(CallRecorder recorder, int maxRows) {
    this.recorder = recorder;
    this.maxRows = maxRows;
  }

  private static final class StatementState {
    String sql;
    final Parameters parameters = new Parameters();
  }

  /** A statement's call; parameter values are held as {@link #value} made them, not as Avro. */
  private record Call(
      String sql,
      int operation,
      int[] parameterIndexes,
      Object[] parameterValues,
      long callId,
      long parent,
      long start,
      SessionContext ctx,
      StatementState state) {}

  /** Remembers the SQL a PreparedStatement was made from. */
  public void prepared(Object statement, String sql) {
    statements.computeIfAbsent(statement, StatementState::new).sql = sql;
  }

  void parameter(Object statement, int index, Object value) {
    statements.computeIfAbsent(statement, StatementState::new).parameters.put(index, value);
  }

  Object enter(Object statement, String sql, int operation) {
    SessionContext ctx = SessionContext.current();
    if (ctx != null ? ctx.inDependency : active.get() != null) {
      return null; // a driver calling its own execute methods, or inside another dependency
    }
    StatementState state = statements.get(statement);
    String effectiveSql = sql != null ? sql : state != null ? state.sql : null;
    int[] indexes = NO_INDEXES;
    Object[] values = NO_VALUES;
    if (state != null && state.parameters.size() > 0) {
      Parameters parameters = state.parameters;
      indexes = new int[parameters.size()];
      values = new Object[indexes.length];
      for (int i = 0; i < indexes.length; i++) {
        indexes[i] = parameters.index(i);
        values[i] = value(parameters.value(i));
      }
    }
    Call call =
        new Call(
            effectiveSql == null ? "" : effectiveSql,
            operation,
            indexes,
            values,
            recorder.newCall(),
            ctx == null ? 0 : ctx.currentCall,
            System.nanoTime(),
            ctx,
            state);
    if (ctx == null) {
      active.set(call);
    } else {
      SessionContext.enterDependency(ctx, call.callId());
    }
    return call;
  }

  Object exit(Object handle, Object statement, Object result, Throwable thrown)
      throws SQLException {
    Call call = (Call) handle;
    // The thread's session is the one the call began in: only this call's exit changes it.
    SessionContext ctx = call.ctx();
    if (ctx == null) {
      active.set(null);
    } else {
      SessionContext.leaveDependency(ctx, call.parent());
    }
    long duration = System.nanoTime() - call.start();
    RecordedResultSet copy = null;
    Object returned = result;
    List<Long> counts = List.of();
    if (result instanceof ResultSet rs && thrown == null) {
      copy = RecordedResultSet.copy(rs, statement instanceof Statement s ? s : null);
      returned = copy;
    } else if (result instanceof Integer n) {
      counts = List.of(n.longValue());
    } else if (result instanceof Long n) {
      counts = List.of(n);
    } else if (result instanceof int[] batch) {
      counts = new ArrayList<>();
      for (int n : batch) {
        counts.add((long) n);
      }
    } else if (result instanceof Boolean isQuery && !isQuery && statement instanceof Statement s) {
      counts = List.of((long) s.getUpdateCount());
    }
    recorder.record(
        new Event(call, copy, counts, duration, thrown),
        call.callId(),
        call.parent(),
        ctx,
        System.nanoTime());
    if (call.state() != null) {
      call.state().parameters.clear();
    }
    return returned;
  }

  /** A finished statement, built into its {@link JdbcCall} when the recorder asks. */
  private final class Event implements CallRecorder.LazyPayload {
    private final Call call;
    private final RecordedResultSet rows;
    private final List<Long> counts;
    private final long duration;
    private final Throwable thrown;

    Event(Call call, RecordedResultSet rows, List<Long> counts, long duration, Throwable thrown) {
      this.call = call;
      this.rows = rows;
      this.counts = counts;
      this.duration = duration;
      this.thrown = thrown;
    }

    @Override
    public EventKind kind() {
      return EventKind.JDBC;
    }

    @Override
    public JdbcCall build() {
      List<JdbcParameter> params = new ArrayList<>(call.parameterIndexes().length);
      for (int i = 0; i < call.parameterIndexes().length; i++) {
        params.add(
            new JdbcParameter(
                0, call.parameterIndexes()[i], null, null, call.parameterValues()[i]));
      }
      try {
        return new JdbcCall(
            Operations.ALL[call.operation()],
            call.sql(),
            null,
            params,
            rows == null ? null : rows(rows, maxRows),
            counts,
            duration,
            thrown == null ? null : Errors.info(thrown));
      } catch (SQLException e) {
        // The copy's metadata is in memory: it does not fail, but its interface says it may.
        throw new IllegalStateException("reading the copied result set failed", e);
      }
    }
  }

  /** The event's copy of a query's rows: the first {@code maxRows}, flagged when cut. */
  static ResultSetData rows(RecordedResultSet rs, int maxRows) throws SQLException {
    ResultSetMetaData meta = rs.columns();
    int n = meta.getColumnCount();
    List<ResultColumn> columns = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      columns.add(
          new ResultColumn(
              meta.getColumnName(i),
              meta.getColumnLabel(i),
              meta.getColumnType(i),
              meta.getColumnTypeName(i)));
    }
    List<Object[]> copied = rs.rows();
    int kept = Math.min(copied.size(), maxRows);
    List<List<Object>> rows = new ArrayList<>(kept);
    for (int r = 0; r < kept; r++) {
      Object[] values = copied.get(r);
      List<Object> row = new ArrayList<>(n);
      for (Object v : values) {
        row.add(value(v));
      }
      rows.add(row);
    }
    return new ResultSetData(columns, rows, copied.size() > kept);
  }

  /** A JDBC value as the Avro union holds it: primitives as they are, anything else as text. */
  static Object value(Object v) {
    if (v == null
        || v instanceof Boolean
        || v instanceof Integer
        || v instanceof Long
        || v instanceof Float
        || v instanceof Double
        || v instanceof String) {
      return v;
    }
    if (v instanceof Short s) {
      return (int) s;
    }
    if (v instanceof Byte b) {
      return (int) b;
    }
    if (v instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    try {
      // The agent's own copies of a row's large objects (RecordedResultSet), read in memory.
      if (v instanceof SerialBlob blob) {
        return ByteBuffer.wrap(blob.getBytes(1, (int) blob.length()));
      }
      if (v instanceof SerialClob clob) {
        return clob.getSubString(1, (int) clob.length());
      }
    } catch (SQLException e) {
      return v.toString();
    }
    return v.toString();
  }
}
