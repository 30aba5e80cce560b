package io.retrace.agent.recorder;

import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.retrace.agent.bootstrap.Dispatch;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Outbound HTTP through the JDK's {@code HttpURLConnection} (and so {@code URL.openStream}), with
 * the request body the application writes.
 */
public final class UrlConnectionRecorder implements Recorder {
  @Override
  public String name() {
    return "jdk-urlconnection";
  }

  @Override
  public List<Target> targets() {
    return List.of(
        Target.named("sun.net.www.protocol.http.HttpURLConnection")
            .advice(
                namedOneOf("getOutputStream", "getInputStream").and(takesArguments(0)),
                StreamAdvice.class));
  }

  /**
   * Around {@code getOutputStream()} and {@code getInputStream()}: the returned streams copy the
   * request body as it is written, and record the exchange as the response is read.
   */
  public static final class StreamAdvice {
    private StreamAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object connection, @Advice.Origin("#m") String method) {
      return Dispatch.mode == Dispatch.OFF
          ? null
          : Dispatch.hooks.urlConnectionEnter(connection, method.equals("getOutputStream"));
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object handle,
        @Advice.This Object connection,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object stream,
        @Advice.Thrown Throwable thrown) {
      if (handle != null) {
        stream = Dispatch.hooks.urlConnectionExit(handle, connection, stream, thrown);
      }
    }
  }
}
