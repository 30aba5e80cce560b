package io.retrace.agent.capture;

import io.retrace.agent.bootstrap.Dispatch;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.HttpExchange;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Inbound requests of Jakarta Servlet containers. When the outermost {@code service} of a request
 * starts, it opens the request's session (correlation header, else W3C traceparent, else a
 * generated id) for everything the servlet calls, and hands the servlet wrappers that copy the
 * request body it reads and the response body it writes. When that {@code service} returns, the
 * exchange is recorded — or, if the servlet went asynchronous, when the container completes the
 * request, so that the status and body are the ones the client got. The same in record and replay
 * mode: in replay, the session is what lets the dependencies answer from the recording, and the
 * recorded response is what the new build's answer is compared with.
 */
public final class ServletAdapter {
  private static final Logger log = Logger.getLogger(ServletAdapter.class.getName());

  private final CallRecorder recorder;
  private final SessionIds ids;
  private final int bodyMax;
  private final ServletApis apis;
  private final ThreadLocal<Call> active = new ThreadLocal<>();

  /**
   * @param agentLoader the agent's class loader, where the servlet helpers' bytes are read from
   */
  public ServletAdapter(
      CallRecorder recorder, SessionIds ids, int bodyMax, ClassLoader agentLoader) {
    this.recorder = recorder;
    this.ids = ids;
    this.bodyMax = bodyMax;
    this.apis = new ServletApis(agentLoader);
  }

  private record Call(
      ServletApi api,
      Object request,
      Object response,
      ServletApi.RequestLine line,
      BodyTee requestBody,
      BodyTee responseBody,
      SessionContext ctx,
      SessionContext previous,
      long callId,
      long startNanos) {}

  Object[] enter(Object request, Object response) {
    if (active.get() != null) {
      return null; // super.service, a forward or an include: the outermost call records
    }
    ServletApi api = apis.of(request);
    if (api == null || !api.initialDispatch(request)) {
      return null;
    }
    SessionContext ctx = ids.inbound(name -> api.header(request, name));
    if (ctx == null) {
      return null; // not sampled, or out of the capture's scope
    }
    long callId = recorder.newCall();
    ctx.currentCall = callId;
    BodyTee requestBody = new BodyTee(bodyMax);
    BodyTee responseBody = new BodyTee(bodyMax);
    Object[] wrapped = api.wrap(request, response, requestBody, responseBody);
    Call call =
        new Call(
            api,
            request,
            response,
            api.request(request),
            requestBody,
            responseBody,
            ctx,
            SessionContext.current(),
            callId,
            System.nanoTime());
    SessionContext.set(ctx);
    active.set(call);
    return new Object[] {call, wrapped[0], wrapped[1]};
  }

  void exit(Object handle, Throwable thrown) {
    Call call = (Call) handle;
    try {
      if (thrown == null && call.api().asyncStarted(call.request()) && awaitCompletion(call)) {
        return;
      }
      record(call, thrown, true);
    } finally {
      active.set(null);
      SessionContext.set(call.previous());
    }
  }

  /** Whether the exchange will be recorded when the container completes the request. */
  private boolean awaitCompletion(Call call) {
    try {
      call.api().onComplete(call.request(), error -> completed(call, error));
      return true;
    } catch (RuntimeException e) {
      log.log(Level.FINE, "Retrace: async request recorded as service returned it", e);
      return false;
    }
  }

  /** An asynchronous request completed, on whichever thread the container completes it. */
  private void completed(Call call, Throwable error) {
    if (!Dispatch.enter()) {
      return;
    }
    try {
      record(call, error, false);
    } catch (Throwable t) {
      log.log(Level.FINE, "Retrace servlet capture failed", t);
    } finally {
      Dispatch.exit();
    }
  }

  /**
   * @param thrownByService an exception that left {@code service}: the container answers 500 for it
   *     unless the response is already committed, and renders its error page after the record
   */
  private void record(Call call, Throwable error, boolean thrownByService) {
    ServletApi.ResponseLine response = call.api().response(call.request(), call.response());
    int status =
        thrownByService && error != null && !response.committed() ? 500 : response.status();
    ServletApi.RequestLine line = call.line();
    HttpExchange exchange =
        new HttpExchange(
            line.method(),
            line.url(),
            response.route(),
            HttpServerAdapter.headers(line.headers()),
            call.requestBody().toBody(line.contentType(), line.contentLength()),
            status,
            HttpServerAdapter.headers(response.headers()),
            call.responseBody().toBody(response.contentType(), -1),
            System.nanoTime() - call.startNanos(),
            error == null ? null : Errors.info(error));
    recorder.record(
        EventKind.HTTP_SERVER, exchange, call.callId(), 0, call.ctx(), System.nanoTime());
  }
}
