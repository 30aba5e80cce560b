package io.retrace.agent.bootstrap;

import io.retrace.agent.weave.Advice.AllArguments;
import io.retrace.agent.weave.Advice.Argument;
import io.retrace.agent.weave.Advice.Enter;
import io.retrace.agent.weave.Advice.OnEnter;
import io.retrace.agent.weave.Advice.OnExit;
import io.retrace.agent.weave.Advice.Return;
import io.retrace.agent.weave.Advice.Site;
import io.retrace.agent.weave.Advice.This;
import io.retrace.agent.weave.Advice.Thrown;

/** Advice of {@code JdbcRecorder}. */
public final class JdbcAdvice {
  private JdbcAdvice() {}

  /** {@code Connection.prepareStatement(sql, ...)}. */
  public static final class Prepare {
    private Prepare() {}

    @OnExit
    public static void exit(@Argument(0) String sql, @Return Object statement) {
      if (Dispatch.mode != Dispatch.OFF && statement != null) {
        Dispatch.hooks.jdbcPrepared(statement, sql);
      }
    }
  }

  /** {@code PreparedStatement.setXxx(index, value)}. */
  public static final class Parameter {
    private Parameter() {}

    @OnExit
    public static void exit(
        @This Object statement, @Argument(0) int index, @Argument(1) Object value) {
      if (Dispatch.mode != Dispatch.OFF) {
        Dispatch.hooks.jdbcParameter(statement, index, value);
      }
    }
  }

  /** {@code Statement.execute*}; a copied ResultSet replaces the driver's. */
  public static final class Execute {
    private Execute() {}

    @OnEnter
    public static Object enter(
        @This Object statement, @Site("#m") String method, @AllArguments Object[] args) {
      if (Dispatch.mode == Dispatch.OFF) {
        return null;
      }
      String sql = args.length > 0 && args[0] instanceof String s ? s : null;
      int operation =
          method.equals("executeQuery")
              ? 1
              : method.equals("executeBatch") ? 3 : method.equals("execute") ? 0 : 2;
      return Dispatch.hooks.jdbcEnter(statement, sql, operation);
    }

    @OnExit(onThrowable = true)
    public static Object exit(
        @Enter Object handle,
        @This Object statement,
        @Return Object result,
        @Thrown Throwable thrown) {
      return handle == null ? result : Dispatch.hooks.jdbcExit(handle, statement, result, thrown);
    }
  }
}
