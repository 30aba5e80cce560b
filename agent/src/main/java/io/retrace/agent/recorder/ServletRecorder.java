package io.retrace.agent.recorder;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.retrace.agent.bootstrap.Dispatch;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

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

  private static final ElementMatcher.Junction<MethodDescription> SERVICE =
      named("service")
          .and(takesArguments(2))
          .and(takesArgument(0, named("jakarta.servlet.http.HttpServletRequest")))
          .and(takesArgument(1, named("jakarta.servlet.http.HttpServletResponse")))
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
                named(HTTP_SERVLET)
                    .or(
                        declaresMethod(named("service").and(takesArguments(2)))
                            .and(hasSuperType(named(HTTP_SERVLET)))))
            .inLoadersSeeing(HTTP_SERVLET)
            .advice(SERVICE, ServiceAdvice.class)
            .startsSessions());
  }

  /**
   * Around {@code service(HttpServletRequest, HttpServletResponse)}: the servlet goes on with the
   * request and response the agent hands back, which copy the bodies as they pass.
   */
  public static final class ServiceAdvice {
    private ServiceAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object[] enter(
        @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC)
            Object request,
        @Advice.Argument(value = 1, readOnly = false, typing = Assigner.Typing.DYNAMIC)
            Object response) {
      if (Dispatch.mode == Dispatch.OFF) {
        return null;
      }
      Object[] call = Dispatch.hooks.servletEnter(request, response);
      if (call != null) {
        request = call[1];
        response = call[2];
      }
      return call;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object[] call, @Advice.Thrown Throwable thrown) {
      if (call != null) {
        Dispatch.hooks.servletExit(call[0], thrown);
      }
    }
  }
}
