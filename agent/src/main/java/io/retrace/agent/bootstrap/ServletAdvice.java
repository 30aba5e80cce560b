package io.retrace.agent.bootstrap;

import io.retrace.agent.weave.Advice.Argument;
import io.retrace.agent.weave.Advice.Enter;
import io.retrace.agent.weave.Advice.OnEnter;
import io.retrace.agent.weave.Advice.OnExit;
import io.retrace.agent.weave.Advice.Thrown;

/**
 * Advice of {@code ServletRecorder}, around {@code service(HttpServletRequest,
 * HttpServletResponse)}: the servlet goes on with the request and response the agent hands back,
 * which copy the bodies as they pass.
 */
public final class ServletAdvice {
  private ServletAdvice() {}

  /** {@code [handle, request, response]}, or null when nothing is recorded. */
  @OnEnter(replacesArguments = {0, 1})
  public static Object[] enter(@Argument(0) Object request, @Argument(1) Object response) {
    return Dispatch.mode == Dispatch.OFF ? null : Dispatch.hooks.servletEnter(request, response);
  }

  @OnExit(onThrowable = true)
  public static void exit(@Enter Object[] call, @Thrown Throwable thrown) {
    if (call != null) {
      Dispatch.hooks.servletExit(call[0], thrown);
    }
  }
}
