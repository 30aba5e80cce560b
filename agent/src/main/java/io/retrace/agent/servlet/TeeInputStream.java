package io.retrace.agent.servlet;

import io.retrace.agent.capture.BodyTee;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;

/** The container's request stream; every byte the application reads is copied. */
final class TeeInputStream extends ServletInputStream {
  private final ServletInputStream in;
  private final BodyTee body;

  TeeInputStream(ServletInputStream in, BodyTee body) {
    this.in = in;
    this.body = body;
  }

  boolean wraps(ServletInputStream stream) {
    return in == stream;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      body.write(b);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      body.write(b, off, n);
    }
    return n;
  }

  @Override
  public int readLine(byte[] b, int off, int len) throws IOException {
    int n = in.readLine(b, off, len);
    if (n > 0) {
      body.write(b, off, n);
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public boolean isFinished() {
    return in.isFinished();
  }

  @Override
  public boolean isReady() {
    return in.isReady();
  }

  @Override
  public void setReadListener(ReadListener listener) {
    in.setReadListener(listener);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
