package io.retrace.agent.servlet;

import io.retrace.agent.capture.BodyTee;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import java.io.IOException;

/** The container's response stream; every byte the application writes is copied. */
final class TeeOutputStream extends ServletOutputStream {
  /**
   * Whether a container's stream prints text its own way (Jetty encodes with the response's
   * charset) rather than as the servlet API's ISO-8859-1 bytes.
   */
  private static final ClassValue<Boolean> OWN_PRINT =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          try {
            return type.getMethod("print", String.class).getDeclaringClass()
                != ServletOutputStream.class;
          } catch (NoSuchMethodException e) {
            return false;
          }
        }
      };

  private final ServletOutputStream out;
  private final BodyTee body;
  private final ServletResponse response;

  TeeOutputStream(ServletOutputStream out, BodyTee body, ServletResponse response) {
    this.out = out;
    this.body = body;
    this.response = response;
  }

  boolean wraps(ServletOutputStream stream) {
    return out == stream;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    body.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    body.write(b, off, len);
  }

  /**
   * The container's own print, if it has one, so the client gets exactly its bytes; the copy
   * encodes the text as it does. Otherwise the API's print, which writes through this stream. The
   * other print and println methods end here.
   */
  @Override
  public void print(String s) throws IOException {
    if (OWN_PRINT.get(out.getClass())) {
      out.print(s);
      body.text(String.valueOf(s), response.getCharacterEncoding());
    } else {
      super.print(s);
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  @Override
  public boolean isReady() {
    return out.isReady();
  }

  @Override
  public void setWriteListener(WriteListener listener) {
    out.setWriteListener(listener);
  }
}
