package io.retrace.agent.servlet;

import io.retrace.agent.capture.BodyTee;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * The response the servlet writes: the container's, with its body copied as the application writes
 * it through {@link #getOutputStream} or {@link #getWriter}. Whatever makes the container discard
 * the buffered body (reset, sendError, sendRedirect) discards the copy too, once the container has
 * accepted it.
 */
final class RecordingResponse extends HttpServletResponseWrapper {
  private final BodyTee body;
  private TeeOutputStream stream;
  private PrintWriter writerSource;
  private PrintWriter writer;

  RecordingResponse(HttpServletResponse response, BodyTee body) {
    super(response);
    this.body = body;
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    ServletOutputStream out = super.getOutputStream();
    if (stream == null || !stream.wraps(out)) {
      stream = new TeeOutputStream(out, body, this);
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    PrintWriter out = super.getWriter();
    if (writer == null || writerSource != out) {
      writerSource = out;
      writer = body.writer(out, getCharacterEncoding(), getLocale());
    }
    return writer;
  }

  @Override
  public void reset() {
    super.reset();
    body.reset();
  }

  @Override
  public void resetBuffer() {
    super.resetBuffer();
    body.reset();
  }

  @Override
  public void sendError(int status, String message) throws IOException {
    super.sendError(status, message);
    body.reset();
  }

  @Override
  public void sendError(int status) throws IOException {
    super.sendError(status);
    body.reset();
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    super.sendRedirect(location);
    body.reset();
  }
}
