package io.retrace.ingest.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A tiny HTTP server for operators: {@code /metrics} (Prometheus text), {@code /health} (200 when
 * ready, i.e. Kafka Streams is RUNNING, else 503) and {@code /health/live} (200 unless the app has
 * failed or stopped). One daemon thread.
 */
public final class HttpEndpoint implements AutoCloseable {
  private final HttpServer server;

  private HttpEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Binds {@code port} (0 = any free port) on all interfaces. */
  public static HttpEndpoint start(
      int port, PrometheusMeterRegistry registry, Supplier<KafkaStreams.State> state)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "retrace-ingest-http");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(
        "/health/live",
        exchange -> {
          KafkaStreams.State s = state.get();
          boolean live =
              s != KafkaStreams.State.ERROR
                  && s != KafkaStreams.State.PENDING_ERROR
                  && s != KafkaStreams.State.NOT_RUNNING;
          respond(exchange, live ? 200 : 503, "application/json", json(s, live));
        });
    server.createContext(
        "/health",
        exchange -> {
          KafkaStreams.State s = state.get();
          boolean ready = s == KafkaStreams.State.RUNNING;
          respond(exchange, ready ? 200 : 503, "application/json", json(s, ready));
        });
    server.start();
    return new HttpEndpoint(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private static String json(KafkaStreams.State state, boolean ok) {
    return "{\"status\":\"" + (ok ? "UP" : "DOWN") + "\",\"streams\":\"" + state + "\"}\n";
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
