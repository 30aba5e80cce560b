package io.retrace.agent.recorder;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.retrace.agent.bootstrap.Dispatch;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * JDBC in drivers whose classes are named like their interfaces ({@code *Connection*}, {@code
 * *Statement*}: H2, PostgreSQL, MySQL, Oracle, HikariCP's proxies); the cheap name check comes
 * before the hierarchy check, which would otherwise parse the super types of every class the
 * application loads. JDBC in any such driver: {@code Connection.prepareStatement/prepareCall} (to
 * learn the SQL), {@code PreparedStatement.setXxx} (parameters), and {@code Statement.execute*}
 * (the call and its result).
 */
public final class JdbcRecorder implements Recorder {
  @Override
  public String name() {
    return "jdbc";
  }

  @Override
  public List<Target> targets() {
    return List.of(
        Target.where(
                name -> name.contains("Connection"),
                not(isInterface()).and(hasSuperType(named("java.sql.Connection"))))
            .advice(
                namedOneOf("prepareStatement", "prepareCall")
                    .and(isPublic())
                    .and(not(isAbstract()))
                    .and(takesArgument(0, named("java.lang.String"))),
                PrepareAdvice.class),
        Target.where(
                name -> name.contains("Statement"),
                not(isInterface()).and(hasSuperType(named("java.sql.Statement"))))
            .advice(
                nameStartsWith("set")
                    .and(isPublic())
                    .and(not(isAbstract()))
                    .and(takesArguments(2))
                    .and(takesArgument(0, named("int")))
                    .and(returns(named("void"))),
                ParameterAdvice.class)
            .advice(
                namedOneOf("execute", "executeQuery", "executeUpdate", "executeLargeUpdate")
                    .and(isPublic())
                    .and(not(isAbstract()))
                    .and(takesArguments(0).or(takesArgument(0, named("java.lang.String")))),
                ExecuteAdvice.class)
            .advice(
                named("executeBatch").and(isPublic()).and(not(isAbstract())).and(takesArguments(0)),
                ExecuteAdvice.class));
  }

  /** {@code Connection.prepareStatement(sql, ...)}. */
  public static final class PrepareAdvice {
    private PrepareAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) String sql, @Advice.Return Object statement) {
      if (Dispatch.mode != Dispatch.OFF && statement != null) {
        Dispatch.hooks.jdbcPrepared(statement, sql);
      }
    }
  }

  /** {@code PreparedStatement.setXxx(index, value)}. */
  public static final class ParameterAdvice {
    private ParameterAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.This Object statement,
        @Advice.Argument(0) int index,
        @Advice.Argument(value = 1, typing = Assigner.Typing.DYNAMIC) Object value) {
      if (Dispatch.mode != Dispatch.OFF) {
        Dispatch.hooks.jdbcParameter(statement, index, value);
      }
    }
  }

  /** {@code Statement.execute*}; a copied ResultSet replaces the driver's. */
  public static final class ExecuteAdvice {
    private ExecuteAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Advice.This Object statement,
        @Site("#m") String method,
        @Advice.AllArguments Object[] args) {
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

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object handle,
        @Advice.This Object statement,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      if (handle != null) {
        result = Dispatch.hooks.jdbcExit(handle, statement, result, thrown);
      }
    }
  }
}
