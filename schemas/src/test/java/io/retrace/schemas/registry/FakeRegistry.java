package io.retrace.schemas.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A loopback HTTP endpoint answering registry requests with canned Confluent-shaped JSON and
 * recording what it was asked.
 */
final class FakeRegistry implements AutoCloseable {
  /** A request as received; header names are lower case. */
  record Request(String method, String path, Map<String, String> headers, String body) {}

  private record Answer(int status, String body, boolean hang) {}

  private static final Answer NO_ROUTE =
      new Answer(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}", false);

  final List<Request> requests = new CopyOnWriteArrayList<>();

  private final Map<String, Deque<Answer>> answers = new HashMap<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final HttpServer server;

  /** A plain HTTP endpoint. */
  FakeRegistry() throws IOException {
    this(null);
  }

  /** An HTTPS endpoint that requires a client certificate trusted by {@code tls}, when given. */
  FakeRegistry(SSLContext tls) throws IOException {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      server = HttpServer.create(loopback, 0);
    } else {
      HttpsServer https = HttpsServer.create(loopback, 0);
      https.setHttpsConfigurator(
          new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
              SSLParameters parameters = tls.getDefaultSSLParameters();
              parameters.setNeedClientAuth(true);
              params.setSSLParameters(parameters);
            }
          });
      server = https;
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Answers {@code method rawPath} with {@code status} and {@code body}; several answers to one
   * route are given in turn, the last one repeating.
   */
  synchronized FakeRegistry answer(String method, String rawPath, int status, String body) {
    answers
        .computeIfAbsent(method + " " + rawPath, k -> new ArrayDeque<>())
        .add(new Answer(status, body, false));
    return this;
  }

  /** Never answers {@code method rawPath} until closed. */
  synchronized FakeRegistry hang(String method, String rawPath) {
    answers
        .computeIfAbsent(method + " " + rawPath, k -> new ArrayDeque<>())
        .add(new Answer(200, "{}", true));
    return this;
  }

  List<Request> requests(String method, String rawPath) {
    return requests.stream()
        .filter(r -> r.method().equals(method) && r.path().equals(rawPath))
        .toList();
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> headers = new HashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
    String path = exchange.getRequestURI().getRawPath();
    requests.add(new Request(exchange.getRequestMethod(), path, headers, body));
    Answer answer = next(exchange.getRequestMethod() + " " + path);
    if (answer.hang()) {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private synchronized Answer next(String route) {
    Deque<Answer> queue = answers.get(route);
    if (queue == null) {
      return NO_ROUTE;
    }
    return queue.size() > 1 ? queue.poll() : queue.peek();
  }
}
