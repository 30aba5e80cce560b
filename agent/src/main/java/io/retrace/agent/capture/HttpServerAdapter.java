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

  public HttpServerAdapter(CallRecorder recorder, SessionIds ids, int bodyMax) {
    this.recorder = recorder;
    this.ids = ids;
    this.bodyMax = bodyMax;
  }

  private static final class Call {
    final SessionContext previous;
    final SessionContext session;
    final long callId;
    final long startNanos;
    final byte[] requestHead;
    final long requestSize;
    final BoundedCopy response;

    Call(
        SessionContext previous,
        SessionContext session,
        long callId,
        long start,
        byte[] head,
        long size,
        int max) {
      this.previous = previous;
      this.session = session;
      this.callId = callId;
      this.startNanos = start;
      this.requestHead = head;
      this.requestSize = size;
      this.response = new BoundedCopy(max);
    }
  }

  Object enter(Object exchangeObject) throws IOException {
    SessionContext previous = SessionContext.current();
    if (previous != null && previous.inboundExchange) {
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
        new Call(previous, ctx, callId, System.nanoTime(), head, more ? -1 : head.length, bodyMax);
    InputStream replayed = new ByteArrayInputStream(head);
    exchange.setStreams(
        more ? new SequenceInputStream(replayed, original) : replayed,
        new TeeOutputStream(exchange.getResponseBody(), call.response));
    ctx.inboundExchange = true;
    SessionContext.set(ctx);
    return call;
  }

  void exit(Object handle, Object exchangeObject, Throwable thrown) {
    Call call = (Call) handle;
    try {
      HttpExchange exchange = (HttpExchange) exchangeObject;
      // Host and Content-Type are read off the copied lists: Headers.getFirst copies and
      // normalises the name and hashes it, three times an exchange.
      List<Header> requestHeaders = headers(exchange.getRequestHeaders());
      List<Header> responseHeaders = headers(exchange.getResponseHeaders());
      int status = exchange.getResponseCode();
      var exchangeEvent =
          new io.retrace.schemas.event.HttpExchange(
              exchange.getRequestMethod(),
              url(exchange, first(requestHeaders, "Host")),
              null,
              requestHeaders,
              body(call.requestHead, call.requestSize, first(requestHeaders, "Content-type")),
              status < 0 ? null : status,
              responseHeaders,
              call.response.toBody(first(responseHeaders, "Content-type")),
              System.nanoTime() - call.startNanos,
              thrown == null ? null : Errors.info(thrown));
      recorder.record(
          EventKind.HTTP_SERVER, exchangeEvent, call.callId, 0, call.session, System.nanoTime());
    } finally {
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

  /**
   * What {@link Headers#getFirst} answers for {@code name}, from the copy of a {@link Headers}.
   * {@code name} is given as Headers normalises every key it holds (first letter upper case, the
   * rest lower case: {@code "Content-type"}), so an exact comparison finds the one key that
   * getFirst would; a key without values left nothing in the copy (getFirst throws for it on Java
   * 17).
   */
  static String first(List<Header> headers, String normalizedName) {
    for (int i = 0, n = headers.size(); i < n; i++) {
      Header h = headers.get(i);
      if (normalizedName.equals(h.getName())) {
        return h.getValue();
      }
    }
    return null;
  }

  private static String url(HttpExchange exchange, String hostHeader) {
    String host = hostHeader;
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

  /**
   * The headers of a client's or a container's request or response, every value of every header in
   * the map's own order.
   */
  static List<Header> headers(Map<String, List<String>> headers) {
    List<Header> out = new ArrayList<>(headers.size() + 2);
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      String name = header.getKey();
      List<String> values = header.getValue();
      if (values.size() == 1) {
        out.add(new Header(name, values.get(0))); // nearly always: no iterator
      } else {
        for (String value : values) {
          out.add(new Header(name, value));
        }
      }
    }
    return out;
  }

  /**
   * As {@link #headers(Map)}, for the JDK server's own {@link Headers}: the same loop, kept apart
   * on purpose. C2 inlines a call by the receiver types seen at that bytecode; through one shared
   * loop the server's maps, the HTTP clients' and the containers' made every call in it megamorphic
   * (~12 per header, through each wrapper's iterator and entry), while here they see only the
   * server's two map types and two list types. About half the time per map, measured in isolation
   * with the other maps' profiles polluted as in the service (264 against 524 ns a map).
   */
  static List<Header> headers(Headers headers) {
    List<Header> out = new ArrayList<>(headers.size() + 2);
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      String name = header.getKey();
      List<String> values = header.getValue();
      if (values.size() == 1) {
        out.add(new Header(name, values.get(0)));
      } else {
        for (String value : values) {
          out.add(new Header(name, value));
        }
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
