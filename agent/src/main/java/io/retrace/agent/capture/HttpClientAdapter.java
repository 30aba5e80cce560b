package io.retrace.agent.capture;

import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.HttpExchange;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/**
 * Outbound calls of {@code java.net.http.HttpClient} ({@code send} and {@code sendAsync}): the
 * request line and headers, the request body, and the response status, headers and body when the
 * body handler made a String or byte[] of it. A {@code send} runs through {@code sendAsync}; only
 * the outer call records.
 */
public final class HttpClientAdapter {
  private final CallRecorder recorder;
  private final int bodyMax;

  /**
   * The call this thread is sending, from {@link #enter} to {@link #exit}: for {@link #response},
   * and outside any session to tell a nested call (inside one, {@link SessionContext#inDependency}
   * says so).
   */
  private final ThreadLocal<Call> sending = new ThreadLocal<>();

  public HttpClientAdapter(CallRecorder recorder, int bodyMax) {
    this.recorder = recorder;
    this.bodyMax = bodyMax;
  }

  /**
   * The JDK's publishers of bodies held in memory ({@code BodyPublishers.ofString}, {@code
   * ofByteArray}): each subscription gets all of the body again, at once on the subscribing thread,
   * so the agent can read it beside the client. Other publishers (streams, files, the application's
   * own) may be read once only or have side effects: the client is handed a copy of the request
   * whose publisher copies the body as the client sends it ({@link TeePublisher}).
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

  private static final class Call {
    final HttpRequest request;
    final BoundedCopy requestBody;
    final TeePublisher tee;
    final SessionContext ctx;
    final long callId;
    final long parent;
    final long startNanos;
    final boolean async;

    /** Set by {@link #response} on the sending thread: the exchange's future records the call. */
    boolean recordsOnExchange;

    Call(
        HttpRequest request,
        BoundedCopy requestBody,
        TeePublisher tee,
        SessionContext ctx,
        long callId,
        long parent,
        long startNanos,
        boolean async) {
      this.request = request;
      this.requestBody = requestBody;
      this.tee = tee;
      this.ctx = ctx;
      this.callId = callId;
      this.parent = parent;
      this.startNanos = startNanos;
      this.async = async;
    }

    /** The request body, if it was in memory or went through the tee to its end; else null. */
    BoundedCopy body() {
      return requestBody != null ? requestBody : tee == null ? null : tee.completed;
    }
  }

  /**
   * {@code [handle, request]}: the request the client goes on with, which is the application's own
   * or a copy whose body is teed; null when this call is not recorded.
   */
  Object[] enter(Object requestObject, boolean async) {
    SessionContext ctx = SessionContext.current();
    if (ctx != null ? ctx.inDependency : sending.get() != null) {
      return null; // send calling sendAsync, or inside another dependency
    }
    HttpRequest request = (HttpRequest) requestObject;
    HttpRequest.BodyPublisher publisher = request.bodyPublisher().orElse(null);
    BoundedCopy inMemory = null;
    TeePublisher tee = null;
    HttpRequest sent = request;
    if (publisher != null && IN_MEMORY_PUBLISHERS.contains(publisher.getClass().getName())) {
      inMemory = requestBody(publisher);
    } else if (publisher != null && publisher.contentLength() != 0) {
      tee = new TeePublisher(publisher, bodyMax);
      try {
        sent =
            HttpRequest.newBuilder(request, (name, value) -> true)
                .method(request.method(), tee)
                .build();
      } catch (RuntimeException e) {
        // A request the builder cannot copy (an application's own HttpRequest): sent as it is,
        // its body unrecorded.
        tee = null;
      }
    }
    Call call =
        new Call(
            request,
            inMemory,
            tee,
            ctx,
            recorder.newCall(),
            ctx == null ? 0 : ctx.currentCall,
            System.nanoTime(),
            async);
    SessionContext.enterDependency(ctx, call.callId);
    sending.set(call);
    return new Object[] {call, sent};
  }

  void exit(Object handle, Object response, Throwable thrown) {
    Call call = (Call) handle;
    // The caller goes on when sendAsync returns; the exchange itself may still be running.
    sending.set(null);
    SessionContext.leaveDependency(call.ctx, call.parent);
    if (call.recordsOnExchange) {
      return; // recorded when the exchange's own future completes (see response)
    }
    if (response instanceof CompletableFuture<?> future) {
      recordOnCompletion(call, future);
    } else {
      record(call, response, thrown);
    }
  }

  /**
   * The exchange's own future of the {@code sendAsync} this thread is in: the call is recorded when
   * it completes, on the client's threads ({@code send} records as it returns, on its caller's).
   * {@code sendAsync} returns a later stage, completed through {@code CompletableFuture}'s default
   * executor, which with a common pool of one thread (two cores) is a new thread per call. A
   * capture there made each such thread allocate, and so take a thread-local allocation buffer of
   * its own (~300 KB in the service benchmark) that it left unused when it ended: with the agent
   * recording, the order service's young collections came four times as often. Done on the client's
   * threads, which allocate anyway, the hop's threads allocate nothing, as without the agent.
   */
  void response(Object exchange) {
    Call call = sending.get();
    if (call != null
        && call.async
        && !call.recordsOnExchange
        && exchange instanceof CompletableFuture<?> future) {
      call.recordsOnExchange = true;
      recordOnCompletion(call, future);
    }
  }

  /**
   * Records {@code call} when {@code future} completes. A failure is recorded as the exception the
   * exchange failed with, not the {@link CompletionException} a dependent stage wraps it in: the
   * one the application's {@code join()} or {@code get()} gives as the cause.
   */
  private void recordOnCompletion(Call call, CompletableFuture<?> future) {
    future.whenComplete(
        (r, error) ->
            record(
                call,
                r,
                error instanceof CompletionException wrapped && wrapped.getCause() != null
                    ? wrapped.getCause()
                    : error));
  }

  private void record(Call call, Object responseObject, Throwable thrown) {
    // Recorded in the caller's session, whichever thread completes the call.
    long now = System.nanoTime();
    recorder.record(
        new Exchange(
            call.request,
            call.body(),
            responseObject instanceof HttpResponse<?> r ? r : null,
            now - call.startNanos,
            thrown),
        call.callId,
        call.parent,
        call.ctx,
        now);
  }

  /**
   * A finished call, made an Avro record when the recorder asks: a request that calls out right
   * after start-up does not wait for Avro's initialisation (see {@link CallRecorder.LazyPayload}).
   * Requests and responses are immutable; a body of bytes, which is not, is copied at once.
   */
  private final class Exchange implements CallRecorder.LazyPayload {
    private final HttpRequest request;
    private final BoundedCopy requestBody;
    private final HttpResponse<?> response;
    private final BoundedCopy body;
    private final long duration;
    private final Throwable thrown;

    Exchange(
        HttpRequest request,
        BoundedCopy requestBody,
        HttpResponse<?> response,
        long duration,
        Throwable thrown) {
      this.request = request;
      this.requestBody = requestBody;
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
      String contentType = response == null ? null : first(response.headers(), "Content-Type");
      return new HttpExchange(
          request.method(),
          request.uri().toString(),
          null,
          HttpServerAdapter.headers(request.headers().map()),
          requestBody == null ? null : requestBody.toBody(first(request.headers(), "Content-Type")),
          response == null ? null : response.statusCode(),
          response == null
              ? java.util.List.of()
              : HttpServerAdapter.headers(response.headers().map()),
          body == null ? null : body.toBody(contentType),
          duration,
          thrown == null ? null : Errors.info(thrown));
    }
  }

  /**
   * {@code headers.firstValue(name)} without its stream and Optional, which took nearly half of
   * recording a client call in the service benchmark's profile, for a map lookup.
   */
  private static String first(java.net.http.HttpHeaders headers, String name) {
    java.util.List<String> values = headers.allValues(name);
    return values.isEmpty() ? null : values.get(0);
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

  private BoundedCopy requestBody(HttpRequest.BodyPublisher publisher) {
    long length = publisher.contentLength();
    if (length <= 0) {
      return null;
    }
    if (length > Math.max(REREAD_MAX_BYTES, bodyMax)) {
      BoundedCopy sizeOnly = new BoundedCopy(0);
      sizeOnly.skipped(length);
      return sizeOnly;
    }
    BodyReader reader = new BodyReader(new BoundedCopy(bodyMax));
    publisher.subscribe(reader);
    return reader.complete ? reader.copy : null;
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
      // Not complete: the body is not recorded.
    }

    @Override
    public void onComplete() {
      complete = true;
    }
  }

  /**
   * The application's body publisher, copying what it hands the client: each subscription (a
   * redirect or retry sends the body again) starts a new copy of at most {@code max} bytes, and the
   * copy of the last one to complete is the body recorded. The client's buffers are read through
   * duplicates, so their positions are left alone.
   */
  static final class TeePublisher implements HttpRequest.BodyPublisher {
    private final HttpRequest.BodyPublisher publisher;
    private final int max;

    /** Written once a subscription completed, after all its bytes were copied. */
    volatile BoundedCopy completed;

    TeePublisher(HttpRequest.BodyPublisher publisher, int max) {
      this.publisher = publisher;
      this.max = max;
    }

    @Override
    public long contentLength() {
      return publisher.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      BoundedCopy copy = new BoundedCopy(max);
      publisher.subscribe(
          new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
              subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
              copy.add(item.duplicate());
              subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable throwable) {
              subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
              completed = copy;
              subscriber.onComplete();
            }
          });
    }
  }
}
