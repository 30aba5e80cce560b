package io.retrace.examples.orders;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small order service of the kind Retrace records: JDK HttpServer in front, JDBC to an embedded
 * H2 database, an outbound HTTP call to a pricing endpoint, UUIDs and clock reads, and a fan-out
 * onto a thread pool. {@code POST /orders {"product":1,"qty":2}} creates an order; {@code GET
 * /orders/<id>} reads one back. It knows nothing of Retrace.
 *
 * <p>Usage: {@code OrdersService [port]} (0 picks a free port); prints {@code orders service
 * listening on port N} when ready.
 */
public final class OrdersService implements AutoCloseable {
  private static final Pattern PRODUCT = Pattern.compile("\"product\"\\s*:\\s*(\\d+)");
  private static final Pattern QTY = Pattern.compile("\"qty\"\\s*:\\s*(\\d+)");

  private final HttpServer server;
  private final HttpServer pricing;
  private final Connection db;
  private final HttpClient http;
  private final ExecutorService pool = pool();
  private final Executor fanOut = fanOut(pool);

  private OrdersService(int port) throws IOException, SQLException {
    db =
        DriverManager.getConnection(
            "jdbc:h2:mem:orders-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    try (Statement s = db.createStatement()) {
      s.execute("create table product(id int primary key, name varchar(100), price decimal(10,2))");
      s.execute(
          "create table orders(id varchar(36) primary key, product int, qty int,"
              + " total decimal(10,2), created timestamp)");
      s.execute("insert into product values (1, 'espresso', 2.50), (2, 'croissant', 3.20)");
    }
    pricing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pricing.createContext("/quote", this::quote);
    pricing.start();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(pool).build();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/orders", this::orders);
    server.createContext("/health", ex -> respond(ex, 200, "{\"status\":\"UP\"}"));
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
  }

  /**
   * The fan-out pool: four platform threads, or with {@code -Dorders.executor=virtual} on Java 21+
   * a virtual thread per task (looked up reflectively, so the service still builds for Java 17).
   */
  private static ExecutorService pool() {
    if ("virtual".equals(System.getProperty("orders.executor"))) {
      try {
        return (ExecutorService)
            Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("virtual threads need Java 21 or later", e);
      }
    }
    return Executors.newFixedThreadPool(4);
  }

  /**
   * Where the product lookup runs: the pool; with {@code -Dorders.executor=default}
   * CompletableFuture's own default executor, which is the common pool, or a new thread per task
   * when the common pool has fewer than two threads (as on a machine with two cores); with {@code
   * -Dorders.executor=virtual-thread} (Java 21+) a virtual thread started for it with {@code
   * Thread.startVirtualThread}, outside any executor.
   */
  private static Executor fanOut(ExecutorService pool) {
    String executor = System.getProperty("orders.executor", "");
    if (executor.equals("default")) {
      return new CompletableFuture<Void>().defaultExecutor();
    }
    if (executor.equals("virtual-thread")) {
      Method startVirtualThread;
      try {
        startVirtualThread = Thread.class.getMethod("startVirtualThread", Runnable.class);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException("virtual threads need Java 21 or later", e);
      }
      return task -> {
        try {
          startVirtualThread.invoke(null, task);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("could not start a virtual thread", e);
        }
      };
    }
    return pool;
  }

  public static OrdersService start(int port) throws IOException, SQLException {
    return new OrdersService(port);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public static void main(String[] args) throws Exception {
    OrdersService service = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
    Runtime.getRuntime().addShutdownHook(new Thread(service::close));
    System.out.println("orders service listening on port " + service.port());
  }

  private void orders(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      if (ex.getRequestMethod().equals("POST") && path.equals("/orders")) {
        create(ex);
      } else if (ex.getRequestMethod().equals("GET") && path.startsWith("/orders/")) {
        read(ex, path.substring("/orders/".length()));
      } else {
        respond(ex, 404, "{\"error\":\"no such route\"}");
      }
    } catch (Exception e) {
      respond(ex, 500, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
    }
  }

  private void create(HttpExchange ex) throws Exception {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    int product = number(PRODUCT, body);
    int qty = number(QTY, body);
    // Fan out: the product lookup and the price quote run on pool threads.
    CompletableFuture<String> name =
        CompletableFuture.supplyAsync(() -> productName(product), fanOut);
    CompletableFuture<String> price =
        http.sendAsync(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + pricing.getAddress().getPort()
                                + "/quote?product="
                                + product
                                + "&qty="
                                + qty))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .thenApply(HttpResponse::body);
    if (name.get() == null) {
      respond(ex, 404, "{\"error\":\"no product " + product + "\"}");
      return;
    }
    String total = price.get().replaceAll("[^0-9.]", "");
    String id = UUID.randomUUID().toString();
    Instant created = Instant.now();
    synchronized (db) {
      try (PreparedStatement insert =
          db.prepareStatement("insert into orders values (?, ?, ?, ?, ?)")) {
        insert.setString(1, id);
        insert.setInt(2, product);
        insert.setInt(3, qty);
        insert.setBigDecimal(4, new java.math.BigDecimal(total));
        insert.setTimestamp(5, java.sql.Timestamp.from(created));
        insert.executeUpdate();
      }
    }
    respond(
        ex,
        201,
        "{\"id\":\""
            + id
            + "\",\"product\":\""
            + name.get()
            + "\",\"total\":"
            + total
            + ",\"created\":\""
            + created
            + "\"}");
  }

  private void read(HttpExchange ex, String id) throws Exception {
    synchronized (db) {
      try (PreparedStatement query =
          db.prepareStatement("select id, product, qty, total from orders where id = ?")) {
        query.setString(1, id);
        try (ResultSet rs = query.executeQuery()) {
          if (!rs.next()) {
            respond(ex, 404, "{\"error\":\"no order " + id + "\"}");
            return;
          }
          respond(
              ex,
              200,
              "{\"id\":\""
                  + rs.getString(1)
                  + "\",\"product\":"
                  + rs.getInt(2)
                  + ",\"qty\":"
                  + rs.getInt(3)
                  + ",\"total\":"
                  + rs.getBigDecimal(4)
                  + ",\"unitPriceNow\":"
                  + currentUnitPrice(rs.getInt(2))
                  + "}");
        }
      }
    }
  }

  /** Today's unit price, through the older HttpURLConnection API (the quote uses HttpClient). */
  private String currentUnitPrice(int product) throws IOException {
    java.net.HttpURLConnection connection =
        (java.net.HttpURLConnection)
            URI.create(
                    "http://127.0.0.1:"
                        + pricing.getAddress().getPort()
                        + "/quote?product="
                        + product
                        + "&qty=1")
                .toURL()
                .openConnection();
    connection.setRequestProperty("Accept", "application/json");
    try (var in = connection.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("[^0-9.]", "");
    }
  }

  private String productName(int product) {
    synchronized (db) {
      try (PreparedStatement query = db.prepareStatement("select name from product where id = ?")) {
        query.setInt(1, product);
        try (ResultSet rs = query.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private void quote(HttpExchange ex) throws IOException {
    Map<String, String> q = query(ex.getRequestURI().getQuery());
    int product = Integer.parseInt(q.getOrDefault("product", "0"));
    int qty = Integer.parseInt(q.getOrDefault("qty", "1"));
    double unit = product == 1 ? 2.50 : 3.20;
    respond(ex, 200, String.format(java.util.Locale.ROOT, "{\"price\":%.2f}", unit * qty));
  }

  private static Map<String, String> query(String query) {
    Map<String, String> out = new java.util.HashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        String[] kv = pair.split("=", 2);
        out.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return out;
  }

  private static int number(Pattern p, String body) {
    Matcher m = p.matcher(body);
    return m.find() ? Integer.parseInt(m.group(1)) : 1;
  }

  private static void respond(HttpExchange ex, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pricing.stop(0);
    pool.shutdownNow();
    try {
      db.close();
    } catch (SQLException e) {
      // closing an in-memory database at exit: nothing to do about a failure
    }
  }
}
