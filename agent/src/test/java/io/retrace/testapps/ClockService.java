package io.retrace.testapps;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * A service (outside the agent's package, whose classes the agent never rewrites) that reads {@code
 * System.currentTimeMillis()} directly and through a method reference in {@code GET /clock}, and
 * answers both values ({@code "direct,reference"}); it also reads the clock once at start-up,
 * outside any request. Main argument: the port (0 for any).
 */
public final class ClockService {
  private ClockService() {}

  public static void main(String[] args) throws IOException {
    long started = System.currentTimeMillis();
    LongSupplier clock = System::currentTimeMillis;
    HttpServer server =
        HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 0);
    server.createContext(
        "/clock",
        ex -> {
          long direct = System.currentTimeMillis();
          long reference = clock.getAsLong();
          byte[] body = (direct + "," + reference).getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    System.out.println(
        "clock service listening on port "
            + server.getAddress().getPort()
            + " (started at "
            + started
            + ")");
  }
}
