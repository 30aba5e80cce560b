package io.retrace.examples.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A small product catalog as a plain Jakarta servlet, mapped to {@code /catalog/*}; it runs on
 * Tomcat ({@link CatalogService}) and Jetty ({@link JettyCatalogService}) and knows nothing of
 * Retrace. Routes:
 *
 * <ul>
 *   <li>{@code POST /catalog/items {"sku":..,"name":..,"price":..}} — reads the JSON body through
 *       the request's reader, draws a UUID and the clock, inserts the item into H2, answers 201
 *       with JSON through the response's writer;
 *   <li>{@code GET /catalog/products/<sku>} — one H2 query, 200 or 404 JSON;
 *   <li>{@code POST /catalog/quote} — CSV lines {@code sku,qty} read through the request's input
 *       stream; answers a CSV price list through the response's output stream;
 *   <li>{@code GET /catalog/legacy/products/<sku>} — forwards to {@code /catalog/products/<sku>};
 *   <li>{@code GET /catalog/async} — answers 202 from a pool thread, asynchronously;
 *   <li>{@code GET /catalog/fail} — throws, so the container answers 500.
 * </ul>
 *
 * Every request first passes an override of {@code service}, as in Spring's FrameworkServlet.
 */
public final class CatalogServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Pattern PRODUCT = Pattern.compile("/products/([A-Za-z0-9-]+)");

  private final transient Connection db;
  private final transient ExecutorService pool = Executors.newFixedThreadPool(2);

  public CatalogServlet(Connection db) {
    this.db = db;
  }

  @Override
  public void destroy() {
    pool.shutdown();
  }

  /** An in-memory H2 database with the catalog's tables and a few products. */
  public static Connection openDatabase() throws SQLException {
    JdbcDataSource source = new JdbcDataSource();
    source.setURL("jdbc:h2:mem:catalog-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    Connection db = source.getConnection();
    try (Statement s = db.createStatement()) {
      s.execute(
          "create table product(sku varchar(20) primary key, name varchar(100), price decimal(10,2))");
      s.execute(
          "create table item(id varchar(36) primary key, sku varchar(20), name varchar(200),"
              + " price decimal(10,2), created timestamp)");
      s.execute(
          "insert into product values ('CRO-1', 'croissant', 3.20), ('TEA-1', 'green tea', 2.00),"
              + " ('ESP-1', 'espresso', 2.50)");
    }
    return db;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    response.setHeader("X-Catalog-Version", "1");
    super.service(request, response);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    String path = String.valueOf(request.getPathInfo());
    Matcher product = PRODUCT.matcher(path);
    if (path.startsWith("/legacy/")) {
      request
          .getRequestDispatcher("/catalog" + path.substring("/legacy".length()))
          .forward(request, response);
    } else if (product.matches()) {
      product(product.group(1), response);
    } else if (path.equals("/async")) {
      async(request, response);
    } else if (path.equals("/fail")) {
      throw new IllegalStateException("catalog offline");
    } else {
      json(response, 404, "{\"error\":\"no such route\"}");
    }
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = String.valueOf(request.getPathInfo());
    if (path.equals("/items")) {
      create(request, response);
    } else if (path.equals("/quote")) {
      quote(request, response);
    } else {
      json(response, 404, "{\"error\":\"no such route\"}");
    }
  }

  private void create(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String body = request.getReader().lines().collect(Collectors.joining("\n"));
    String sku = text(body, "sku");
    String name = text(body, "name");
    BigDecimal price = new BigDecimal(number(body, "price"));
    UUID id = UUID.randomUUID();
    Instant created = Instant.now();
    try (PreparedStatement insert =
        db.prepareStatement(
            "insert into item(id, sku, name, price, created) values (?, ?, ?, ?, ?)")) {
      insert.setString(1, id.toString());
      insert.setString(2, sku);
      insert.setString(3, name);
      insert.setBigDecimal(4, price);
      insert.setTimestamp(5, Timestamp.from(created));
      insert.executeUpdate();
    } catch (SQLException e) {
      json(response, 500, "{\"error\":\"" + escape(e.getMessage()) + "\"}");
      return;
    }
    json(
        response,
        201,
        String.format(
            "{\"id\":\"%s\",\"sku\":\"%s\",\"name\":\"%s\",\"price\":%s,\"created\":\"%s\"}",
            id, escape(sku), escape(name), price.toPlainString(), created));
  }

  private void product(String sku, HttpServletResponse response) throws IOException {
    try (PreparedStatement select =
        db.prepareStatement("select name, price from product where sku = ?")) {
      select.setString(1, sku);
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next()) {
          json(
              response,
              200,
              String.format(
                  "{\"sku\":\"%s\",\"name\":\"%s\",\"price\":%s}",
                  sku, escape(rows.getString(1)), rows.getBigDecimal(2).toPlainString()));
        } else {
          json(response, 404, "{\"error\":\"no such product\"}");
        }
      }
    } catch (SQLException e) {
      json(response, 500, "{\"error\":\"" + escape(e.getMessage()) + "\"}");
    }
  }

  /** A CSV price list for the CSV order read from the request stream, written to the stream. */
  private void quote(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Map<String, BigDecimal> prices = new HashMap<>();
    try (Statement s = db.createStatement();
        ResultSet rows = s.executeQuery("select sku, price from product")) {
      while (rows.next()) {
        prices.put(rows.getString(1), rows.getBigDecimal(2));
      }
    } catch (SQLException e) {
      json(response, 500, "{\"error\":\"" + escape(e.getMessage()) + "\"}");
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(request.getInputStream(), StandardCharsets.UTF_8));
    out.writeBytes("sku,qty,unit,total\n".getBytes(StandardCharsets.UTF_8));
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      String[] fields = line.split(",");
      BigDecimal unit = prices.get(fields[0]);
      if (fields.length == 2 && unit != null) {
        BigDecimal qty = new BigDecimal(fields[1].trim());
        out.writeBytes(
            (fields[0] + "," + qty + "," + unit + "," + unit.multiply(qty) + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    response.setStatus(200);
    response.setContentType("text/csv;charset=UTF-8");
    response.setContentLength(out.size());
    out.writeTo(response.getOutputStream());
  }

  /** Answers from a pool thread after the request thread has gone back to the container. */
  private void async(HttpServletRequest request, HttpServletResponse response) {
    AsyncContext async = request.startAsync();
    CompletableFuture.runAsync(
        () -> {
          try {
            json(response, 202, "{\"accepted\":\"" + UUID.randomUUID() + "\"}");
          } catch (IOException e) {
            response.setStatus(500);
          } finally {
            async.complete();
          }
        },
        pool);
  }

  private static void json(HttpServletResponse response, int status, String json)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    PrintWriter writer = response.getWriter();
    writer.print(json);
    writer.flush();
  }

  private static String text(String json, String field) {
    Matcher m =
        Pattern.compile("\"" + field + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalArgumentException("missing " + field);
    }
    return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
  }

  private static String number(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*([0-9.]+)").matcher(json);
    if (!m.find()) {
      throw new IllegalArgumentException("missing " + field);
    }
    return m.group(1);
  }

  private static String escape(String s) {
    return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
