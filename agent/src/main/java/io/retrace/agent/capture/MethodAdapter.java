package io.retrace.agent.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.MethodCall;

/**
 * Methods named in {@code capture.methods}: arguments, return value or exception, as JSON (cut at
 * the body bound). Values Jackson cannot write are recorded by their type name, never failing the
 * call.
 */
public final class MethodAdapter {
  private final CallRecorder recorder;
  private final int maxChars;

  /** Built on first use: most agents capture no methods, and Jackson costs start-up time. */
  private static final class Json {
    static final ObjectMapper MAPPER =
        new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  }

  public MethodAdapter(CallRecorder recorder, int maxChars) {
    this.recorder = recorder;
    this.maxChars = maxChars;
  }

  private record Call(
      String className, String method, String args, long callId, long parent, long start) {}

  Object enter(String className, String method, Object[] args) {
    SessionContext ctx = SessionContext.current();
    long callId = recorder.newCall();
    long parent = ctx == null ? 0 : ctx.currentCall;
    if (ctx != null) {
      ctx.currentCall = callId;
    }
    return new Call(className, method, write(args), callId, parent, System.nanoTime());
  }

  void exit(Object handle, Object returned, Throwable thrown) {
    Call call = (Call) handle;
    SessionContext ctx = SessionContext.current();
    if (ctx != null) {
      ctx.currentCall = call.parent();
    }
    recorder.record(
        EventKind.METHOD_CALL,
        new MethodCall(
            call.className(),
            call.method(),
            null,
            call.args(),
            thrown == null ? write(returned) : null,
            thrown == null ? null : Errors.info(thrown),
            System.nanoTime() - call.start()),
        call.callId(),
        call.parent());
  }

  private String write(Object value) {
    String text;
    try {
      text = Json.MAPPER.writeValueAsString(value);
    } catch (Exception | StackOverflowError e) {
      text = "\"<" + (value == null ? "null" : value.getClass().getName()) + ">\"";
    }
    return text.length() > maxChars ? text.substring(0, maxChars) : text;
  }
}
