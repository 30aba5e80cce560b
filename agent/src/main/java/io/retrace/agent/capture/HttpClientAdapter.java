package io.retrace.agent.capture;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.HttpExchange;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Outbound calls of {@code java.net.http.HttpClient} ({@code send} and {@code sendAsync}): the
 * request line and headers, and the response status, headers and body when the body handler made a
 * String or byte[] of it. A {@code send} runs through {@code sendAsync}; only the outer call
 * records.
 */
public final class HttpClientAdapter {
  private final CallRecorder recorder;
  private final int bodyMax;
  private final ThreadLocal<Boolean> active = new ThreadLocal<>();

  public HttpClientAdapter(CallRecorder recorder, int bodyMax) {
    this.recorder = recorder;
    this.bodyMax = bodyMax;
  }

  private record Call(
      HttpRequest request, SessionContext ctx, long callId, long parent, long startNanos) {}

  Object enter(Object requestObject) {
    SessionContext ctx = SessionContext.current();
    if (active.get() != null || !SessionContext.capturing(ctx)) {
      return null;
    }
    active.set(Boolean.TRUE);
    Call call =
        new Call(
            (HttpRequest) requestObject,
            ctx,
            recorder.newCall(),
            ctx == null ? 0 : ctx.currentCall,
            System.nanoTime());
    SessionContext.enterDependency(ctx, call.callId());
    return call;
  }

  void exit(Object handle, Object response, Throwable thrown) {
    active.set(null);
    Call call = (Call) handle;
    // The caller goes on when sendAsync returns; the exchange itself may still be running.
    SessionContext.leaveDependency(call.ctx(), call.parent());
    if (response instanceof CompletableFuture<?> future) {
      future.whenComplete((r, error) -> record(call, r, error));
    } else {
      record(call, response, thrown);
    }
  }

  private void record(Call call, Object responseObject, Throwable thrown) {
    // Recorded in the caller's session, whichever thread completes the call.
    long now = System.nanoTime();
    recorder.record(
        new Exchange(
            call.request(),
            responseObject instanceof HttpResponse<?> r ? r : null,
            now - call.startNanos(),
            thrown),
        call.callId(),
        call.parent(),
        call.ctx(),
        now);
  }

  /**
   * A finished call, made an Avro record when the recorder asks: a request that calls out right
   * after start-up does not wait for Avro's initialisation (see {@link CallRecorder.LazyPayload}).
   * Requests and responses are immutable; a body of bytes, which is not, is copied at once.
   */
  private final class Exchange implements CallRecorder.LazyPayload {
    private final HttpRequest request;
    private final HttpResponse<?> response;
    private final BoundedCopy body;
    private final long duration;
    private final Throwable thrown;

    Exchange(HttpRequest request, HttpResponse<?> response, long duration, Throwable thrown) {
      this.request = request;
      this.response = response;
      this.body = response == null ? null : copy(response.body());
      this.duration = duration;
      this.thrown = thrown;
    }

    @Override
    public EventKind kind() {
      return EventKind.HTTP_CLIENT;
    }

    @Override
    public HttpExchange build() {
      String contentType =
          response == null ? null : response.headers().firstValue("Content-Type").orElse(null);
      return new HttpExchange(
          request.method(),
          request.uri().toString(),
          null,
          HttpServerAdapter.headers(request.headers().map()),
          null,
          response == null ? null : response.statusCode(),
          response == null
              ? java.util.List.of()
              : HttpServerAdapter.headers(response.headers().map()),
          body == null ? null : body.toBody(contentType),
          duration,
          thrown == null ? null : Errors.info(thrown));
    }
  }

  /** The bounded copy of a body the handler made a {@code String} or {@code byte[]}, else null. */
  private BoundedCopy copy(Object body) {
    byte[] bytes;
    if (body instanceof String s) {
      bytes = s.getBytes(StandardCharsets.UTF_8);
    } else if (body instanceof byte[] b) {
      bytes = b;
    } else {
      return null;
    }
    BoundedCopy copy = new BoundedCopy(bodyMax);
    copy.add(bytes, 0, bytes.length);
    return copy;
  }
}
