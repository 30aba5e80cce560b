package io.retrace.agent.recorder;

import static io.retrace.agent.weave.Matchers.declaresMethod;
import static io.retrace.agent.weave.Matchers.hasSuperType;
import static io.retrace.agent.weave.Matchers.isAbstract;
import static io.retrace.agent.weave.Matchers.named;
import static io.retrace.agent.weave.Matchers.takesArgument;
import static io.retrace.agent.weave.Matchers.takesArguments;
import static io.retrace.agent.weave.Matchers.typeNamed;
import static java.util.function.Predicate.not;

import io.retrace.agent.bootstrap.ServletAdvice;
import io.retrace.agent.weave.MethodInfo;
import java.util.List;
import java.util.function.Predicate;

/**
 * Inbound HTTP on Jakarta Servlet containers (Tomcat, Jetty, and so Spring MVC): {@code
 * HttpServlet.service(HttpServletRequest, HttpServletResponse)} and every override of it ({@code
 * FrameworkServlet}'s, an application's). Only class loaders that see the servlet API are looked
 * at; there a type is matched cheaply first — {@code HttpServlet} by name, or a class that declares
 * a two-argument {@code service} — and only then by its hierarchy, so that the classes an
 * application loads are not all resolved up to their roots. The adapter records only the outermost
 * call of a thread: an override calling {@code super.service}, a forward or an include stay inside
 * the request that is already recorded.
 */
public final class ServletRecorder implements Recorder {
  private static final String HTTP_SERVLET = "jakarta.servlet.http.HttpServlet";

  private static final Predicate<MethodInfo> SERVICE =
      named("service")
          .and(takesArguments(2))
          .and(takesArgument(0, "jakarta.servlet.http.HttpServletRequest"))
          .and(takesArgument(1, "jakarta.servlet.http.HttpServletResponse"))
          .and(not(isAbstract()));

  @Override
  public String name() {
    return "jakarta-servlet";
  }

  @Override
  public List<Target> targets() {
    return List.of(
        Target.where(
                name -> true,
                typeNamed(HTTP_SERVLET)
                    .or(
                        declaresMethod(named("service").and(takesArguments(2)))
                            .and(hasSuperType(HTTP_SERVLET))))
            .inLoadersSeeing(HTTP_SERVLET)
            .advice(SERVICE, ServletAdvice.class)
            .startsSessions());
  }
}
