package io.retrace.stack.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.retrace.schemas.registry.Compatibility;
import io.retrace.stack.registry.RegistryException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API over {@link SchemaRegistry}: routes each request to one
 * registry call and turns every failure into Confluent's error body. It holds no registry logic.
 */
final class RegistryHttpHandler implements HttpHandler {
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  // What Confluent's resources consume; Jersey treats a request without a type as octet-stream.
  private static final Set<String> BODY_TYPES =
      Set.of(
          CONTENT_TYPE,
          "application/vnd.schemaregistry+json",
          "application/json",
          "application/octet-stream");

  private final SchemaRegistry registry;
  private final AtomicInteger inFlight = new AtomicInteger();

  RegistryHttpHandler(SchemaRegistry registry) {
    this.registry = registry;
  }

  /** Requests being served right now, so that shutting down can wait for them. */
  int inFlight() {
    return inFlight.get();
  }

  /** A parsed request: method, URL-decoded path segments and query parameters. */
  private record Request(
      String method, List<String> path, Map<String, String> query, HttpExchange exchange) {

    static Request of(HttpExchange exchange) {
      return new Request(
          exchange.getRequestMethod().toUpperCase(Locale.ROOT),
          segments(exchange.getRequestURI().getRawPath()),
          parseQuery(exchange.getRequestURI().getRawQuery()),
          exchange);
    }

    boolean flag(String name) {
      return Boolean.parseBoolean(query.get(name));
    }
  }

  /** A response: status, JSON body and, for 405, the methods the path does allow. */
  private record Reply(int status, byte[] body, String allow) {}

  @Override
  public void handle(HttpExchange exchange) {
    inFlight.incrementAndGet();
    try {
      Reply reply = answer(exchange);
      send(exchange, reply);
      log.debug(
          "{} {} -> {}", exchange.getRequestMethod(), exchange.getRequestURI(), reply.status());
    } catch (IOException e) {
      log.debug(
          "Could not answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
    } finally {
      exchange.close();
      inFlight.decrementAndGet();
    }
  }

  private Reply answer(HttpExchange exchange) {
    try {
      return route(Request.of(exchange));
    } catch (RegistryException e) {
      return error(e);
    } catch (RuntimeException e) {
      log.error(
          "Unexpected error serving {} {}",
          exchange.getRequestMethod(),
          exchange.getRequestURI(),
          e);
      return error(
          new RegistryException(
              Kind.INTERNAL_ERROR,
              "Internal schema registry error (" + e + "); see the registry's log",
              e));
    }
  }

  private Reply route(Request req) {
    List<String> p = req.path();
    if (p.isEmpty()) {
      return on(req, Map.of("GET", () -> ok(JSON.createObjectNode())));
    }
    int n = p.size();
    switch (p.get(0)) {
      case "health":
        if (n == 1) {
          return on(req, Map.of("GET", () -> ok(JSON.createObjectNode().put("status", "UP"))));
        }
        break;
      case "subjects":
        return subjectRoutes(req, p);
      case "schemas":
        if (n == 3 && p.get(1).equals("ids")) {
          return on(req, Map.of("GET", () -> schemaById(p.get(2))));
        }
        break;
      case "config":
        if (n <= 2) {
          String subject = n == 2 ? p.get(1) : null;
          return on(
              req,
              Map.of("GET", () -> getConfig(req, subject), "PUT", () -> putConfig(req, subject)));
        }
        break;
      case "compatibility":
        if ((n == 4 || n == 5) && p.get(1).equals("subjects") && p.get(3).equals("versions")) {
          return on(
              req,
              Map.of(
                  "POST",
                  () -> checkCompatibility(req, p.get(2), n == 5 ? parseVersion(p.get(4)) : null)));
        }
        break;
      default:
        break;
    }
    throw notFound();
  }

  private Reply subjectRoutes(Request req, List<String> p) {
    int n = p.size();
    if (n == 1) {
      return on(req, Map.of("GET", () -> ok(JSON.valueToTree(store().subjects()))));
    }
    String subject = p.get(1);
    if (n == 2) {
      return on(req, Map.of("POST", () -> lookup(req, subject)));
    }
    if (!p.get(2).equals("versions")) {
      throw notFound();
    }
    if (n == 3) {
      return on(
          req,
          Map.of(
              "GET", () -> ok(JSON.valueToTree(store().versions(subject))),
              "POST", () -> register(req, subject)));
    }
    if (n == 4) {
      return on(
          req, Map.of("GET", () -> ok(version(store().version(subject, parseVersion(p.get(3)))))));
    }
    if (n == 5 && p.get(4).equals("schema")) {
      return on(
          req,
          Map.of(
              "GET",
              () -> {
                String schema = store().version(subject, parseVersion(p.get(3))).schema();
                return new Reply(200, schema.getBytes(StandardCharsets.UTF_8), null);
              }));
    }
    throw notFound();
  }

  private Reply register(Request req, String subject) {
    SchemaRecord registered = registry.register(subject, schemaText(body(req)));
    return ok(JSON.createObjectNode().put("id", registered.id()));
  }

  private Reply lookup(Request req, String subject) {
    SchemaRecord found = store().lookup(subject, schemaText(body(req)));
    return ok(
        JSON.createObjectNode()
            .put("subject", found.subject())
            .put("id", found.id())
            .put("version", found.version())
            .put("schema", found.schema()));
  }

  private Reply schemaById(String idText) {
    int id;
    try {
      id = Integer.parseInt(idText);
    } catch (NumberFormatException e) {
      throw notFound();
    }
    return ok(JSON.createObjectNode().put("schema", store().schemaById(id)));
  }

  private Reply checkCompatibility(Request req, String subject, Integer version) {
    SchemaStore.CompatibilityResult result =
        store().checkCompatibility(subject, schemaText(body(req)), version);
    ObjectNode answer = JSON.createObjectNode().put("is_compatible", result.compatible());
    if (req.flag("verbose")) {
      ArrayNode messages = answer.putArray("messages");
      result.messages().forEach(messages::add);
    }
    return ok(answer);
  }

  private Reply getConfig(Request req, String subject) {
    Compatibility level;
    if (subject == null) {
      level = store().globalLevel();
    } else if (req.flag("defaultToGlobal")) {
      level = store().effectiveLevel(subject);
    } else {
      level =
          store()
              .subjectLevel(subject)
              .orElseThrow(() -> RegistryException.subjectLevelCompatibilityNotConfigured(subject));
    }
    return ok(JSON.createObjectNode().put("compatibilityLevel", level.name()));
  }

  private Reply putConfig(Request req, String subject) {
    JsonNode body = body(req);
    // Confluent's request names the field "compatibility"; some clients send the GET shape back.
    JsonNode field =
        body.has("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
    Compatibility level =
        SchemaStore.parseLevel(field == null || !field.isTextual() ? null : field.asText());
    registry.configure(subject, level);
    return ok(JSON.createObjectNode().put("compatibility", level.name()));
  }

  private SchemaStore store() {
    return registry.store();
  }

  private static ObjectNode version(SchemaRecord record) {
    return JSON.createObjectNode()
        .put("subject", record.subject())
        .put("version", record.version())
        .put("id", record.id())
        .put("schema", record.schema());
  }

  /** The schema of a register, lookup or compatibility request; only Avro, without references. */
  private static String schemaText(JsonNode body) {
    JsonNode type = body.get("schemaType");
    if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
      throw RegistryException.unsupportedSchemaType(type.asText());
    }
    JsonNode references = body.get("references");
    if (references != null && references.isArray() && !references.isEmpty()) {
      throw RegistryException.referencesUnsupported();
    }
    JsonNode schema = body.get("schema");
    if (schema == null || schema.isNull()) {
      throw RegistryException.invalidSchema("the request has no \"schema\"", null);
    }
    if (!schema.isTextual()) {
      throw RegistryException.invalidSchema(
          "\"schema\" must be a string holding the schema's JSON, not a JSON "
              + schema.getNodeType(),
          null);
    }
    return schema.asText();
  }

  /**
   * A version path segment as Confluent reads it: a positive number, or {@code latest} / -1.
   *
   * @throws RegistryException INVALID_VERSION
   */
  static int parseVersion(String text) {
    String trimmed = text.trim();
    if (trimmed.equals("latest")) {
      return SchemaStore.LATEST;
    }
    int version;
    try {
      version = Integer.parseInt(trimmed);
    } catch (NumberFormatException e) {
      throw RegistryException.invalidVersion(text);
    }
    if (version <= 0 && version != SchemaStore.LATEST) {
      throw RegistryException.invalidVersion(text);
    }
    return version;
  }

  private static JsonNode body(Request req) {
    String type = req.exchange().getRequestHeaders().getFirst("Content-Type");
    if (type != null) {
      String mediaType = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (!mediaType.isEmpty() && !BODY_TYPES.contains(mediaType)) {
        throw new RegistryException(Kind.UNSUPPORTED_MEDIA_TYPE, "HTTP 415 Unsupported Media Type");
      }
    }
    byte[] bytes;
    try (InputStream in = req.exchange().getRequestBody()) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the request body", e);
    }
    if (bytes.length == 0) {
      throw new RegistryException(
          Kind.UNPROCESSABLE_REQUEST, "The request has no body; send a JSON object");
    }
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new RegistryException(
          Kind.MALFORMED_REQUEST, "Malformed JSON body: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the request body", e);
    }
    if (!node.isObject()) {
      throw new RegistryException(
          Kind.UNPROCESSABLE_REQUEST, "The request body must be a JSON object");
    }
    return node;
  }

  /** Calls the handler for the request's method, or answers 405 naming the methods there are. */
  private static Reply on(Request req, Map<String, Supplier<Reply>> handlers) {
    Supplier<Reply> handler = handlers.get(req.method());
    if (handler == null) {
      Reply reply =
          error(new RegistryException(Kind.METHOD_NOT_ALLOWED, "HTTP 405 Method Not Allowed"));
      return new Reply(
          reply.status(), reply.body(), String.join(", ", new TreeSet<>(handlers.keySet())));
    }
    return handler.get();
  }

  private static RegistryException notFound() {
    return new RegistryException(Kind.NOT_FOUND, "HTTP 404 Not Found");
  }

  private static Reply ok(JsonNode body) {
    return new Reply(200, bytes(body), null);
  }

  /** An HTTP status with the Confluent error code that goes in the body. */
  private record Status(int http, int errorCode) {}

  /** The one place that decides which HTTP status and Confluent error code a failure gets. */
  private static Status status(Kind kind) {
    return switch (kind) {
      case SUBJECT_NOT_FOUND -> new Status(404, 40401);
      case VERSION_NOT_FOUND -> new Status(404, 40402);
      case SCHEMA_NOT_FOUND -> new Status(404, 40403);
      case SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED -> new Status(404, 40408);
      case NOT_FOUND -> new Status(404, 404);
      case METHOD_NOT_ALLOWED -> new Status(405, 405);
      case INCOMPATIBLE_SCHEMA -> new Status(409, 409);
      case UNSUPPORTED_MEDIA_TYPE -> new Status(415, 415);
      case MALFORMED_REQUEST -> new Status(400, 400);
      case UNPROCESSABLE_REQUEST -> new Status(422, 422);
      case INVALID_SCHEMA -> new Status(422, 42201);
      case INVALID_VERSION -> new Status(422, 42202);
      case INVALID_COMPATIBILITY_LEVEL -> new Status(422, 42203);
      case STORE_ERROR, INTERNAL_ERROR -> new Status(500, 50001);
    };
  }

  private static Reply error(RegistryException e) {
    if (e.kind() == Kind.STORE_ERROR) {
      log.error("Schema registry storage failure: {}", e.getMessage(), e);
    }
    Status status = status(e.kind());
    ObjectNode body =
        JSON.createObjectNode()
            .put("error_code", status.errorCode())
            .put("message", e.getMessage());
    return new Reply(status.http(), bytes(body), null);
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render a JSON tree", e);
    }
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    if (reply.allow() != null) {
      exchange.getResponseHeaders().set("Allow", reply.allow());
    }
    exchange.sendResponseHeaders(reply.status(), reply.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply.body());
    }
  }

  /** Path segments, each percent-decoded on its own so that an encoded '/' stays in its subject. */
  static List<String> segments(String rawPath) {
    String path = rawPath == null ? "" : rawPath;
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    List<String> segments = new ArrayList<>();
    if (path.isEmpty()) {
      return segments;
    }
    for (String segment : path.split("/", -1)) {
      segments.add(percentDecode(segment));
    }
    return segments;
  }

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static String percentDecode(String text) {
    try {
      // URLDecoder decodes forms, where '+' is a space; in a URL path '+' is just '+'.
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          Kind.MALFORMED_REQUEST, "Malformed percent-encoding in '" + text + "'", e);
    }
  }
}
