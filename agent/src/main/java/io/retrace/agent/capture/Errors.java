package io.retrace.agent.capture;

import io.retrace.schemas.event.ErrorInfo;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Exceptions as events carry them: type, message, and a stack trace cut at a bound. */
final class Errors {
  static final int MAX_STACK_CHARS = 4096;

  private Errors() {}

  static ErrorInfo info(Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    String text = trace.toString();
    return new ErrorInfo(
        t.getClass().getName(),
        t.getMessage(),
        text.length() > MAX_STACK_CHARS ? text.substring(0, MAX_STACK_CHARS) : text);
  }
}
