package io.retrace.agent.capture;

import io.retrace.schemas.event.Body;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.HttpExchange;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Outbound calls of {@code java.net.http.HttpClient} ({@code send} and {@code sendAsync}): the
 * request line and headers, the request body when it is held in memory ({@code
 * BodyPublishers.ofString}, {@code ofByteArray}), and the response status, headers and body when
 * the body handler made a String or byte[] of it. A {@code send} runs through {@code sendAsync};
 * only the outer call records.
 */
public final class HttpClientAdapter {
  private final CallRecorder recorder;
  private final int bodyMax;
  private final ThreadLocal<Boolean> active = new ThreadLocal<>();

  public HttpClientAdapter(CallRecorder recorder, int bodyMax) {
    this.recorder = recorder;
    this.bodyMax = bodyMax;
  }

  /**
   * The JDK's publishers of bodies held in memory ({@code BodyPublishers.ofString}, {@code
   * ofByteArray}): each subscription gets all of the body again, at once on the subscribing thread,
   * so the agent can read it beside the client. Other publishers (streams, files, the application's
   * own) may be read once only or have side effects, so their bodies are not recorded.
   */
  private static final Set<String> IN_MEMORY_PUBLISHERS =
      Set.of(
          "jdk.internal.net.http.RequestPublishers$ByteArrayPublisher",
          "jdk.internal.net.http.RequestPublishers$StringPublisher");

  /**
   * Reading a body again makes the JDK copy all of it: above this size (or the body bound, if
   * larger) only the size is recorded, so a large upload never doubles in the host's memory.
   */
  private static final long REREAD_MAX_BYTES = 1 << 20;

  private record Call(
      HttpRequest request,
      Body requestBody,
      SessionContext ctx,
      long callId,
      long parent,
      long startNanos) {}

  Object enter(Object requestObject) {
    SessionContext ctx = SessionContext.current();
    if (active.get() != null || !SessionContext.capturing(ctx)) {
      return null;
    }
    active.set(Boolean.TRUE);
    Call call =
        new Call(
            (HttpRequest) requestObject,
            requestBody((HttpRequest) requestObject),
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
    HttpRequest request = call.request();
    HttpResponse<?> response = responseObject instanceof HttpResponse<?> r ? r : null;
    String contentType = response == null ? null : first(response.headers(), "Content-Type");
    HttpExchange exchange =
        new HttpExchange(
            request.method(),
            request.uri().toString(),
            null,
            HttpServerAdapter.headers(request.headers().map()),
            call.requestBody(),
            response == null ? null : response.statusCode(),
            response == null
                ? java.util.List.of()
                : HttpServerAdapter.headers(response.headers().map()),
            response == null ? null : body(response.body(), contentType),
            System.nanoTime() - call.startNanos(),
            thrown == null ? null : Errors.info(thrown));
    // Recorded in the caller's session, whichever thread completes the call.
    recorder.record(
        EventKind.HTTP_CLIENT,
        exchange,
        call.callId(),
        call.parent(),
        call.ctx(),
        System.nanoTime());
  }

  /**
   * {@code headers.firstValue(name)} without its stream and Optional, which took nearly half of
   * recording a client call in the service benchmark's profile, for a map lookup.
   */
  private static String first(java.net.http.HttpHeaders headers, String name) {
    java.util.List<String> values = headers.allValues(name);
    return values.isEmpty() ? null : values.get(0);
  }

  private Body body(Object body, String contentType) {
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
    return copy.toBody(contentType);
  }

  private Body requestBody(HttpRequest request) {
    HttpRequest.BodyPublisher publisher = request.bodyPublisher().orElse(null);
    if (publisher == null || !IN_MEMORY_PUBLISHERS.contains(publisher.getClass().getName())) {
      return null;
    }
    long length = publisher.contentLength();
    if (length <= 0) {
      return null;
    }
    String contentType = first(request.headers(), "Content-Type");
    if (length > Math.max(REREAD_MAX_BYTES, bodyMax)) {
      return new Body(ByteBuffer.allocate(0), contentType, true, length);
    }
    BodyReader reader = new BodyReader(new BoundedCopy(bodyMax));
    publisher.subscribe(reader);
    return reader.complete ? reader.copy.toBody(contentType) : null;
  }

  /** Takes all of an in-memory body, which its publisher hands over during {@code subscribe}. */
  private static final class BodyReader implements Flow.Subscriber<ByteBuffer> {
    private final BoundedCopy copy;
    private boolean complete;

    BodyReader(BoundedCopy copy) {
      this.copy = copy;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
      copy.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
      complete = false;
    }

    @Override
    public void onComplete() {
      complete = true;
    }
  }
}
