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
 * Inbound HTTP on servlet containers (Tomcat, Jetty, and so Spring MVC), Jakarta ({@code
 * jakarta.servlet}) and Java EE ({@code javax.servlet}) alike: {@code
 * HttpServlet.service(HttpServletRequest, HttpServletResponse)} and every override of it ({@code
 * FrameworkServlet}'s, an application's). Only class loaders that see the servlet API are looked
 * at; there a type is matched cheaply first — {@code HttpServlet} by name, or a class that declares
 * a two-argument {@code service} — and only then by its hierarchy, so that the classes an
 * application loads are not all resolved up to their roots. The adapter records only the outermost
 * call of a thread: an override calling {@code super.service}, a forward or an include stay inside
 * the request that is already recorded.
 */
public final class ServletRecorder implements Recorder {
  /** Servlet 5 and later, and Servlet 4 and earlier (Tomcat 9, Jetty 9 and 10, Spring Boot 2). */
  private static final List<String> NAMESPACES = List.of("jakarta.servlet", "javax.servlet");

  @Override
  public String name() {
    return "servlet";
  }

  @Override
  public List<Target> targets() {
    return NAMESPACES.stream().map(ServletRecorder::target).toList();
  }

  private static Target target(String namespace) {
    String httpServlet = namespace + ".http.HttpServlet";
    Predicate<MethodInfo> service =
        named("service")
            .and(takesArguments(2))
            .and(takesArgument(0, namespace + ".http.HttpServletRequest"))
            .and(takesArgument(1, namespace + ".http.HttpServletResponse"))
            .and(not(isAbstract()));
    return Target.where(
            name -> true,
            typeNamed(httpServlet)
                .or(
                    declaresMethod(named("service").and(takesArguments(2)))
                        .and(hasSuperType(httpServlet))))
        .inLoadersSeeing(httpServlet)
        .advice(service, ServletAdvice.class)
        .startsSessions();
  }
}
