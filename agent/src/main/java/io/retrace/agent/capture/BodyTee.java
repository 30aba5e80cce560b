package io.retrace.agent.capture;

import io.retrace.schemas.event.Body;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A bounded copy of one HTTP body as it passes between an application and its server: bytes through
 * {@link #write}, characters through the {@link #reader} and {@link #writer} tees, which encode
 * them with the charset the server uses for them. JDK types only, so that the servlet wrappers,
 * which live beside the servlet API in another class loader, can feed it. Keeps at most {@code max}
 * bytes; past that it counts bytes, and characters it no longer encodes leave the full size
 * unknown. One body belongs to one request: not thread-safe, the server hands the request from
 * thread to thread with a happens-before edge.
 */
public final class BodyTee {
  /**
   * Whether a server's writer formats with a locale of its own (Jetty's uses the response's) rather
   * than {@link PrintWriter}'s default.
   */
  private static final ClassValue<Boolean> OWN_FORMAT =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          try {
            return type.getMethod("format", String.class, Object[].class).getDeclaringClass()
                != PrintWriter.class;
          } catch (NoSuchMethodException e) {
            return false;
          }
        }
      };

  private final BoundedCopy copy;
  private Charset charset = StandardCharsets.ISO_8859_1;

  /** A high surrogate that ended the last run of characters; it is encoded with its pair. */
  private char pendingHigh;

  /** Characters arrived after the copy was full and were not encoded: the full size is unknown. */
  private boolean sizeUnknown;

  public BodyTee(int max) {
    this.copy = new BoundedCopy(max);
  }

  public void write(int b) {
    copy.add(b);
  }

  public void write(byte[] b, int off, int len) {
    copy.add(b, off, len);
  }

  /** Text a server encodes itself with {@code charsetName} (a servlet stream's {@code print}). */
  public void text(String text, String charsetName) {
    if (!text.isEmpty() && room()) {
      byte[] bytes = text.getBytes(charset(charsetName));
      copy.add(bytes, 0, bytes.length);
    }
  }

  /**
   * The reader the application should read instead of {@code in}, which the server decodes with
   * {@code charsetName}: every character it hands out is copied. It reads ahead from {@code in}
   * like any BufferedReader; the application reads only through it.
   */
  public BufferedReader reader(BufferedReader in, String charsetName) {
    charset = charset(charsetName);
    return new BufferedReader(new TeeReader(in, this));
  }

  /**
   * The writer the application should write to instead of {@code out}, which the server encodes
   * with {@code charsetName}: every character passes to {@code out} unchanged and is copied.
   * Formatting uses the locale {@code out} would use: {@code responseLocale} if the server's writer
   * formats with a locale of its own, else the JVM's.
   */
  public PrintWriter writer(PrintWriter out, String charsetName, Locale responseLocale) {
    charset = charset(charsetName);
    return new TeePrintWriter(out, this, OWN_FORMAT.get(out.getClass()) ? responseLocale : null);
  }

  /** The server discarded what was written so far (a buffer reset, an error page). */
  public void reset() {
    copy.reset();
    pendingHigh = 0;
    sizeUnknown = false;
  }

  /**
   * The body as recorded, or null when nothing passed. {@code declaredLength} is the size the
   * request announced (-1 if none): an application that read less of it than that leaves a
   * truncated copy.
   */
  Body toBody(String contentType, long declaredLength) {
    Body body = copy.toBody(contentType);
    if (sizeUnknown) {
      return truncated(body, contentType, -1);
    }
    long copied = body == null ? 0 : body.getOriginalSize();
    if (declaredLength > copied) {
      return truncated(body, contentType, declaredLength);
    }
    return body;
  }

  private static Body truncated(Body body, String contentType, long size) {
    if (body == null) {
      return new Body(ByteBuffer.allocate(0), contentType, true, size);
    }
    body.setTruncated(true);
    body.setOriginalSize(size);
    return body;
  }

  private void chars(char[] c, int off, int len) {
    if (len > 0 && room()) {
      encode(new StringBuilder(len + 1).append(c, off, len));
    }
  }

  private void chars(String s, int off, int len) {
    if (len > 0 && room()) {
      encode(new StringBuilder(len + 1).append(s, off, off + len));
    }
  }

  private void chars(int c) {
    if (room()) {
      encode(new StringBuilder(2).append((char) c));
    }
  }

  private boolean room() {
    if (copy.full()) {
      sizeUnknown = true;
      return false;
    }
    return true;
  }

  private void encode(StringBuilder text) {
    if (pendingHigh != 0) {
      text.insert(0, pendingHigh);
      pendingHigh = 0;
    }
    char last = text.charAt(text.length() - 1);
    if (Character.isHighSurrogate(last)) {
      pendingHigh = last;
      text.setLength(text.length() - 1);
    }
    byte[] bytes = text.toString().getBytes(charset);
    copy.add(bytes, 0, bytes.length);
  }

  private static Charset charset(String name) {
    if (name == null) {
      return StandardCharsets.ISO_8859_1; // the servlet specification's default
    }
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException unknown) {
      return StandardCharsets.ISO_8859_1;
    }
  }

  /** Characters as the application reads them, copied. */
  private static final class TeeReader extends Reader {
    private final Reader in;
    private final BodyTee tee;

    TeeReader(Reader in, BodyTee tee) {
      super(in);
      this.in = in;
      this.tee = tee;
    }

    @Override
    public int read(char[] c, int off, int len) throws IOException {
      int n = in.read(c, off, len);
      if (n > 0) {
        tee.chars(c, off, n);
      }
      return n;
    }

    @Override
    public boolean ready() throws IOException {
      return in.ready();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Characters as the application writes them: to the server's writer first, then the copy. */
  private static final class TeeWriter extends Writer {
    private final PrintWriter out;
    private final BodyTee tee;

    TeeWriter(PrintWriter out, BodyTee tee) {
      super(out);
      this.out = out;
      this.tee = tee;
    }

    @Override
    public void write(int c) {
      out.write(c);
      tee.chars(c);
    }

    @Override
    public void write(char[] c, int off, int len) {
      out.write(c, off, len);
      tee.chars(c, off, len);
    }

    @Override
    public void write(String s, int off, int len) {
      out.write(s, off, len);
      tee.chars(s, off, len);
    }

    @Override
    public void flush() {
      out.flush();
    }

    @Override
    public void close() {
      out.close();
    }
  }

  /**
   * A PrintWriter over the tee. Every print, println, printf and append of {@link PrintWriter} ends
   * in the tee's writes, so the server's writer receives the same characters it would have; its
   * error state (a client gone) shows through {@link #checkError}.
   */
  private static final class TeePrintWriter extends PrintWriter {
    private final PrintWriter target;
    private final Locale formatLocale;

    TeePrintWriter(PrintWriter target, BodyTee tee, Locale formatLocale) {
      super(new TeeWriter(target, tee));
      this.target = target;
      this.formatLocale = formatLocale;
    }

    @Override
    public PrintWriter format(String format, Object... args) {
      return format(
          formatLocale != null ? formatLocale : Locale.getDefault(Locale.Category.FORMAT),
          format,
          args);
    }

    @Override
    public boolean checkError() {
      return super.checkError() | target.checkError();
    }
  }
}
