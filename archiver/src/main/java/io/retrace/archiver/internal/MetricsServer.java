package io.retrace.archiver.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** A tiny HTTP server for {@code /metrics} (Prometheus text) and {@code /health} (200 or 503). */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;

  /**
   * @param health null when healthy, else what is wrong
   */
  public MetricsServer(int port, PrometheusMeterRegistry registry, Supplier<String> health)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext(
        "/metrics",
        ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(
        "/health",
        ex -> {
          String problem = health.get();
          respond(
              ex,
              problem == null ? 200 : 503,
              "application/json",
              problem == null
                  ? "{\"status\":\"UP\"}"
                  : "{\"status\":\"DOWN\",\"reason\":\"" + json(problem) + "\"}");
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
