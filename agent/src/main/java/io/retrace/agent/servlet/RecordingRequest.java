package io.retrace.agent.servlet;

import io.retrace.agent.capture.BodyTee;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;

/**
 * The request the servlet reads: the container's, with its body copied as the application reads it
 * through {@link #getInputStream} or {@link #getReader}. The container's own rules (one of the two,
 * not both) apply unchanged: each call asks the container first.
 */
final class RecordingRequest extends HttpServletRequestWrapper {
  private final BodyTee body;
  private TeeInputStream stream;
  private BufferedReader readerSource;
  private BufferedReader reader;

  RecordingRequest(HttpServletRequest request, BodyTee body) {
    super(request);
    this.body = body;
  }

  @Override
  public ServletInputStream getInputStream() throws IOException {
    ServletInputStream in = super.getInputStream();
    if (stream == null || !stream.wraps(in)) {
      stream = new TeeInputStream(in, body);
    }
    return stream;
  }

  @Override
  public BufferedReader getReader() throws IOException {
    BufferedReader in = super.getReader();
    if (reader == null || readerSource != in) {
      readerSource = in;
      reader = body.reader(in, getCharacterEncoding());
    }
    return reader;
  }
}
