package io.retrace.agent.trigger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.retrace.agent.capture.SessionIds;
import io.retrace.agent.publish.AgentMetrics;
import io.retrace.schemas.config.ConfigSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The agent's own HTTP endpoint, on loopback only and behind a bearer token: start and stop a
 * recording with a window, read its status and metrics. For a developer or an on-host operator;
 * fleet-wide captures go through signed commands instead.
 *
 * <ul>
 *   <li>{@code POST /recording/start?id=R&window=60s&correlation=a,b} → 200
 *       {"recording":..,"startedAt":..,"endsAt":..} once the recording has begun (the first start
 *       instruments the application first: a second or so), 503 when the agent cannot record
 *   <li>{@code POST /recording/stop} → 200 {"stopped":..}
 *   <li>{@code GET /status} → mode, recording, window end, counters
 *   <li>{@code GET /metrics} → Prometheus text
 * </ul>
 */
public final class AdminEndpoint implements AutoCloseable {
  static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);

  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] token;
  private final RecordingControl control;
  private final AgentMetrics metrics;

  private AdminEndpoint(
      HttpServer server,
      ExecutorService executor,
      String token,
      RecordingControl control,
      AgentMetrics metrics) {
    this.server = server;
    this.executor = executor;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.control = control;
    this.metrics = metrics;
  }

  /**
   * Listens on 127.0.0.1:{@code port} (0 picks one).
   *
   * @throws IllegalArgumentException without a token: an unauthenticated way to start recording is
   *     not offered
   */
  public static AdminEndpoint start(
      int port, String token, RecordingControl control, AgentMetrics metrics) throws IOException {
    if (token == null || token.length() < 16) {
      throw new IllegalArgumentException(
          "admin.port is set but admin.token is missing or shorter than 16 characters");
    }
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    // The endpoint's own requests must not be recorded: its threads are marked as the agent's.
    ExecutorService executor = Executors.newFixedThreadPool(2, AgentThreads.named("retrace-admin"));
    server.setExecutor(executor);
    AdminEndpoint endpoint = new AdminEndpoint(server, executor, token, control, metrics);
    server.createContext("/", endpoint::handle);
    server.start();
    return endpoint;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        respond(exchange, 401, "{\"error\":\"a valid bearer token is required\"}");
        return;
      }
      String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      switch (route) {
        case "POST /recording/start" -> start(exchange, query);
        case "POST /recording/stop" -> {
          String stopped = control.stop("stopped through the admin endpoint");
          respond(exchange, 200, "{\"stopped\":" + json(stopped) + "}");
        }
        case "GET /status" -> respond(exchange, 200, status());
        case "GET /metrics" -> {
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          byte[] body = metrics.prometheus().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
        }
        default -> respond(exchange, 404, "{\"error\":\"no such endpoint: " + route + "\"}");
      }
    } catch (IllegalArgumentException e) {
      respond(exchange, 400, "{\"error\":" + json(e.getMessage()) + "}");
    } catch (IllegalStateException e) {
      respond(exchange, 503, "{\"error\":" + json(e.getMessage()) + "}");
    }
  }

  private void start(HttpExchange exchange, Map<String, String> query) throws IOException {
    String id = query.getOrDefault("id", "adhoc-" + Long.toString(System.currentTimeMillis(), 36));
    Duration window =
        query.containsKey("window")
            ? ConfigSpec.parseDuration(query.get("window"))
            : DEFAULT_WINDOW;
    Set<String> correlation =
        query.containsKey("correlation")
            ? Arrays.stream(query.get("correlation").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet())
            : Set.of();
    RecordingControl.Status started =
        control.start(
            id, window, correlation.isEmpty() ? null : new SessionIds.Scope(correlation, 1.0));
    respond(exchange, 200, "{" + fields(started) + "}");
  }

  private String status() {
    return "{"
        + fields(control.status())
        + ",\"captured\":"
        + metrics.getCaptured()
        + ",\"sent\":"
        + metrics.getSent()
        + ",\"dropped\":"
        + metrics.getDropped()
        + ",\"spooled\":"
        + metrics.getSpooled()
        + ",\"bufferFill\":"
        + metrics.getBufferFill()
        + "}";
  }

  /**
   * "recording":..,"startedAt":..,"endsAt":.. (no braces); times in ISO-8601, null when not set.
   */
  private static String fields(RecordingControl.Status s) {
    return "\"recording\":"
        + json(s.recordingId())
        + ",\"startedAt\":"
        + json(s.startedAt() == null ? null : s.startedAt().toString())
        + ",\"endsAt\":"
        + json(s.endsAt() == null ? null : s.endsAt().toString());
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(
        header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8), token);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        out.put(
            URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return out;
  }

  private static String json(String value) {
    return value == null ? "null" : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
