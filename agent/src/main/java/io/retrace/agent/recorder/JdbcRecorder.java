package io.retrace.agent.recorder;

import static io.retrace.agent.weave.Matchers.hasSuperType;
import static io.retrace.agent.weave.Matchers.isAbstract;
import static io.retrace.agent.weave.Matchers.isInterface;
import static io.retrace.agent.weave.Matchers.isPublic;
import static io.retrace.agent.weave.Matchers.nameStartsWith;
import static io.retrace.agent.weave.Matchers.named;
import static io.retrace.agent.weave.Matchers.namedOneOf;
import static io.retrace.agent.weave.Matchers.returns;
import static io.retrace.agent.weave.Matchers.takesArgument;
import static io.retrace.agent.weave.Matchers.takesArguments;
import static java.util.function.Predicate.not;

import io.retrace.agent.bootstrap.JdbcAdvice;
import java.util.List;

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
                not(isInterface()).and(hasSuperType("java.sql.Connection")))
            .advice(
                namedOneOf("prepareStatement", "prepareCall")
                    .and(isPublic())
                    .and(not(isAbstract()))
                    .and(takesArgument(0, "java.lang.String")),
                JdbcAdvice.Prepare.class),
        Target.where(
                name -> name.contains("Statement"),
                not(isInterface()).and(hasSuperType("java.sql.Statement")))
            .advice(
                nameStartsWith("set")
                    .and(isPublic())
                    .and(not(isAbstract()))
                    .and(takesArguments(2))
                    .and(takesArgument(0, "int"))
                    .and(returns("void")),
                JdbcAdvice.Parameter.class)
            .advice(
                namedOneOf("execute", "executeQuery", "executeUpdate", "executeLargeUpdate")
                    .and(isPublic())
                    .and(not(isAbstract()))
                    .and(takesArguments(0).or(takesArgument(0, "java.lang.String"))),
                JdbcAdvice.Execute.class)
            .advice(
                named("executeBatch").and(isPublic()).and(not(isAbstract())).and(takesArguments(0)),
                JdbcAdvice.Execute.class));
  }
}
