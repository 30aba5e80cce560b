package io.retrace.agent.bootstrap;

import io.retrace.agent.weave.Advice.Argument;
import io.retrace.agent.weave.Advice.Enter;
import io.retrace.agent.weave.Advice.OnEnter;
import io.retrace.agent.weave.Advice.OnExit;
import io.retrace.agent.weave.Advice.Return;
import io.retrace.agent.weave.Advice.Site;
import io.retrace.agent.weave.Advice.This;
import io.retrace.agent.weave.Advice.Thrown;

/** Advice of the outbound HTTP recorders: {@code java.net.http.HttpClient}, HttpURLConnection. */
public final class HttpClientAdvice {
  private HttpClientAdvice() {}

  /**
   * Around {@code HttpClientImpl.send(request, handler)} and {@code sendAsync(request, handler)}.
   */
  public static final class Send {
    private Send() {}

    /** {@code [handle, request]}: the client sends the request the agent hands back. */
    @OnEnter(replacesArguments = 0)
    public static Object[] enter(@Argument(0) Object request, @Site("#m") String method) {
      return Dispatch.mode == Dispatch.OFF
          ? null
          : Dispatch.hooks.clientEnter(request, method.equals("sendAsync"));
    }

    @OnExit(onThrowable = true)
    public static void exit(
        @Enter Object[] call, @Return Object response, @Thrown Throwable thrown) {
      if (call != null) {
        Dispatch.hooks.clientExit(call[0], response, thrown);
      }
    }
  }

  /**
   * After {@code MultiExchange.responseAsync(executor)}, which {@code send} and {@code sendAsync}
   * call: the exchange's own future, completed on the client's threads. {@code sendAsync} returns a
   * later stage, which the JDK completes through {@code CompletableFuture}'s default executor; on a
   * machine with two cores that starts a thread per call, and a capture there would take a new
   * allocation buffer of its own each time (see {@code HttpClientAdapter#response}).
   */
  public static final class Response {
    private Response() {}

    @OnExit
    public static void exit(@Return Object future) {
      if (Dispatch.mode != Dispatch.OFF) {
        Dispatch.hooks.clientResponse(future);
      }
    }
  }

  /**
   * Around {@code HttpURLConnection.getOutputStream()} and {@code getInputStream()}: the returned
   * streams copy the request body as it is written, and record the exchange as the response is
   * read.
   */
  public static final class UrlConnectionStream {
    private UrlConnectionStream() {}

    @OnEnter
    public static Object enter(@This Object connection, @Site("#m") String method) {
      return Dispatch.mode == Dispatch.OFF
          ? null
          : Dispatch.hooks.urlConnectionEnter(connection, method.equals("getOutputStream"));
    }

    @OnExit(onThrowable = true)
    public static Object exit(
        @Enter Object handle,
        @This Object connection,
        @Return Object stream,
        @Thrown Throwable thrown) {
      return handle == null
          ? stream
          : Dispatch.hooks.urlConnectionExit(handle, connection, stream, thrown);
    }
  }
}
