package io.retrace.agent.capture;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.Header;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Inbound requests of the JDK's {@code com.sun.net.httpserver}: starts the session (from the
 * correlation header, else the W3C traceparent, else a generated id), copies the request body up to
 * the bound before the handler reads it, tees the response body, and records the exchange when the
 * outermost handler returns.
 */
public final class HttpServerAdapter {
  private final CallRecorder recorder;
  private final SessionIds ids;
  private final int bodyMax;
  private final ThreadLocal<Call> active = new ThreadLocal<>();

  public HttpServerAdapter(CallRecorder recorder, SessionIds ids, int bodyMax) {
    this.recorder = recorder;
    this.ids = ids;
    this.bodyMax = bodyMax;
  }

  private static final class Call {
    final SessionContext previous;
    final long callId;
    final long startNanos;
    final byte[] requestHead;
    final long requestSize;
    final BoundedCopy response;

    Call(SessionContext previous, long callId, long start, byte[] head, long size, int max) {
      this.previous = previous;
      this.callId = callId;
      this.startNanos = start;
      this.requestHead = head;
      this.requestSize = size;
      this.response = new BoundedCopy(max);
    }
  }

  Object enter(Object exchangeObject) throws IOException {
    if (active.get() != null) {
      return null; // a handler delegating to another: the outermost records
    }
    HttpExchange exchange = (HttpExchange) exchangeObject;
    Headers headers = exchange.getRequestHeaders();
    SessionContext ctx = ids.inbound(headers::getFirst);
    if (ctx == null) {
      return null; // not sampled, or out of the capture's scope
    }
    long callId = recorder.newCall();
    ctx.currentCall = callId;
    // Read the head of the request body now: the handler may never read it, and replay needs it.
    InputStream original = exchange.getRequestBody();
    byte[] head = BoundedCopy.readHead(original, bodyMax + 1);
    boolean more = head.length > bodyMax;
    Call call =
        new Call(
            SessionContext.current(),
            callId,
            System.nanoTime(),
            head,
            more ? -1 : head.length,
            bodyMax);
    InputStream replayed = new ByteArrayInputStream(head);
    exchange.setStreams(
        more ? new SequenceInputStream(replayed, original) : replayed,
        new TeeOutputStream(exchange.getResponseBody(), call.response));
    SessionContext.set(ctx);
    active.set(call);
    return call;
  }

  void exit(Object handle, Object exchangeObject, Throwable thrown) {
    Call call = (Call) handle;
    try {
      HttpExchange exchange = (HttpExchange) exchangeObject;
      Headers requestHeaders = exchange.getRequestHeaders();
      int status = exchange.getResponseCode();
      var exchangeEvent =
          new io.retrace.schemas.event.HttpExchange(
              exchange.getRequestMethod(),
              url(exchange),
              null,
              headers(requestHeaders),
              body(call.requestHead, call.requestSize, requestHeaders.getFirst("Content-Type")),
              status < 0 ? null : status,
              headers(exchange.getResponseHeaders()),
              call.response.toBody(exchange.getResponseHeaders().getFirst("Content-Type")),
              System.nanoTime() - call.startNanos,
              thrown == null ? null : Errors.info(thrown));
      recorder.record(EventKind.HTTP_SERVER, exchangeEvent, call.callId, 0);
    } finally {
      active.set(null);
      SessionContext.set(call.previous);
    }
  }

  private io.retrace.schemas.event.Body body(byte[] head, long size, String contentType) {
    if (head.length == 0) {
      return null;
    }
    boolean truncated = head.length > bodyMax;
    byte[] kept = truncated ? java.util.Arrays.copyOf(head, bodyMax) : head;
    return new io.retrace.schemas.event.Body(
        java.nio.ByteBuffer.wrap(kept), contentType, truncated, size);
  }

  private static String url(HttpExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host == null) {
      host =
          exchange.getLocalAddress().getHostString() + ":" + exchange.getLocalAddress().getPort();
    }
    String scheme = exchange instanceof com.sun.net.httpserver.HttpsExchange ? "https" : "http";
    // A builder rather than '+': until C2 gets to it, an indy concatenation runs through a chain
    // of method handles, and the JIT is still catching up long after a busy service starts.
    return new StringBuilder(64)
        .append(scheme)
        .append("://")
        .append(host)
        .append(exchange.getRequestURI())
        .toString();
  }

  static List<Header> headers(Map<String, List<String>> headers) {
    // Plain loops: this runs on the request's thread for every exchange, and the lambdas of a
    // nested forEach over three kinds of header maps were megamorphic calls C2 could not inline.
    List<Header> out = new ArrayList<>(headers.size() + 2);
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      String name = header.getKey();
      for (String value : header.getValue()) {
        out.add(new Header(name, value));
      }
    }
    return out;
  }

  /** Passes writes through to the real stream and keeps a bounded copy. */
  static final class TeeOutputStream extends FilterOutputStream {
    private final BoundedCopy copy;

    TeeOutputStream(OutputStream out, BoundedCopy copy) {
      super(out);
      this.copy = copy;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      copy.add(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      copy.add(b, off, len);
    }
  }
}
