package io.retrace.agent.bootstrap;

import io.retrace.agent.weave.Advice.AllArguments;
import io.retrace.agent.weave.Advice.Enter;
import io.retrace.agent.weave.Advice.OnEnter;
import io.retrace.agent.weave.Advice.OnExit;
import io.retrace.agent.weave.Advice.Return;
import io.retrace.agent.weave.Advice.Site;
import io.retrace.agent.weave.Advice.Thrown;

/** Advice of {@code MethodRecorder}: around a method named in {@code capture.methods}. */
public final class MethodAdvice {
  private MethodAdvice() {}

  @OnEnter
  public static Object enter(
      @Site("#t") String type, @Site("#m") String method, @AllArguments Object[] args) {
    return Dispatch.mode == Dispatch.OFF ? null : Dispatch.hooks.methodEnter(type, method, args);
  }

  @OnExit(onThrowable = true)
  public static void exit(@Enter Object handle, @Return Object returned, @Thrown Throwable thrown) {
    if (handle != null) {
      Dispatch.hooks.methodExit(handle, returned, thrown);
    }
  }
}
