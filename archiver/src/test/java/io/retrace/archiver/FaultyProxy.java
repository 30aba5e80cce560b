package io.retrace.archiver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of an S3 endpoint that, while failing, cuts every open connection and
 * answers every new request with {@code 500 InternalError}: an S3 outage as a client sees it.
 */
final class FaultyProxy implements AutoCloseable {
  private static final String BODY =
      "<Error><Code>InternalError</Code><Message>injected fault</Message></Error>";
  private static final byte[] ERROR =
      ("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\n"
              + "Content-Length: "
              + BODY.length()
              + "\r\nConnection: close\r\n\r\n"
              + BODY)
          .getBytes(StandardCharsets.US_ASCII);

  private final int targetPort;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile boolean failing;

  FaultyProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Requests answered with an error so far. */
  int failedRequests() {
    return failed.get();
  }

  void failing(boolean on) {
    failing = on;
    if (on) {
      for (Socket s : open) {
        closeQuietly(s);
      }
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        threads.execute(() -> handle(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    open.add(client);
    try {
      if (failing) {
        readHead(client.getInputStream());
        client.getOutputStream().write(ERROR);
        failed.incrementAndGet();
        return;
      }
      try (Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
        open.add(target);
        threads.execute(() -> pipe(target, client));
        pipe(client, target);
      }
    } catch (IOException e) {
      // A cut connection is the point of the exercise.
    } finally {
      closeQuietly(client);
    }
  }

  private static void readHead(InputStream in) throws IOException {
    int state = 0;
    int b;
    while (state < 4 && (b = in.read()) >= 0) {
      state = (b == '\r' || b == '\n') && ((state % 2 == 0) == (b == '\r')) ? state + 1 : 0;
    }
  }

  private void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream()) {
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // Closed by the other side or by a fault.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(FaultyProxy::closeQuietly);
    threads.shutdownNow();
  }
}
