package io.retrace.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.retrace.schemas.registry.internal.BoundedCache;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of a registry speaking the Confluent Schema Registry REST API (Confluent, Karapace,
 * Apicurio's ccompat API, Retrace's embedded registry), over {@link HttpClient}.
 *
 * <p>Schemas by id and ids by (subject, schema) never change once assigned, so both are cached (at
 * most {@value #MAX_CACHED} entries each) and a serializer's hot path makes no request after the
 * first; versions, subjects and levels do change and are always fetched. With several base URLs a
 * request moves on to the next one when a registry cannot be reached or answers 5xx, and the whole
 * round is retried with exponential backoff (at most 10 s apart) before {@link
 * SchemaRegistryUnavailableException} is thrown (429 counts as 5xx). Any other 4xx is final: {@link
 * SchemaRegistryException} with the registry's {@code error_code}. Thread-safe.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
  private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);

  /** The most entries kept in each cache. */
  public static final int MAX_CACHED = 1000;

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  // The same preference list as Confluent's own client, so every compatible server picks a JSON
  // flavour it can produce.
  private static final String ACCEPT =
      CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

  private static final long MAX_BACKOFF_MS = 10_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryConfig config;
  private final HttpClient http;
  private final String authorization;
  private final BoundedCache<Integer, Schema> schemasById = new BoundedCache<>(MAX_CACHED);
  private final BoundedCache<SubjectSchema, Integer> idsBySubjectSchema =
      new BoundedCache<>(MAX_CACHED);
  private final BoundedCache<SubjectSchema, SchemaVersion> versionsBySubjectSchema =
      new BoundedCache<>(MAX_CACHED);

  /**
   * The registry that answered last; requests start there so that a dead one is not tried first.
   */
  private volatile int preferred;

  private record SubjectSchema(String subject, Schema schema) {}

  public RestSchemaRegistryClient(RegistryConfig config) {
    this.config = config;
    // Redirects are not followed: registries forward to their leader themselves, and a redirect
    // must not carry the credentials elsewhere.
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(config.requestTimeout());
    if (config.sslContext() != null) {
      builder.sslContext(config.sslContext());
    }
    this.http = builder.build();
    this.authorization =
        config.userInfo() == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(config.userInfo().getBytes(StandardCharsets.UTF_8));
    log.debug("Schema registry client for {}", config);
  }

  @Override
  public int register(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    JsonNode response =
        send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
    int id = requiredInt(response, "id");
    idsBySubjectSchema.put(key, id);
    schemasById.put(id, schema);
    log.debug("Registered {} under subject {} as id {}", schema.getFullName(), subject, id);
    return id;
  }

  @Override
  public Schema getById(int id) {
    return schemasById.get(
        id, key -> parse(send("GET", "/schemas/ids/" + id, null), "schema id " + id));
  }

  @Override
  public SchemaVersion getLatest(String subject) {
    return fetchVersion(subject, "latest");
  }

  @Override
  public SchemaVersion getVersion(String subject, int version) {
    return fetchVersion(subject, Integer.toString(version));
  }

  @Override
  public SchemaVersion lookup(String subject, Schema schema) {
    return versionsBySubjectSchema.get(
        new SubjectSchema(subject, schema),
        key -> {
          JsonNode response = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
          SchemaVersion found =
              new SchemaVersion(
                  subject, requiredInt(response, "version"), requiredInt(response, "id"), schema);
          idsBySubjectSchema.put(key, found.id());
          schemasById.put(found.id(), schema);
          return found;
        });
  }

  @Override
  public List<String> subjects() {
    List<String> subjects = new ArrayList<>();
    send("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
    return subjects;
  }

  @Override
  public List<Integer> versions(String subject) {
    List<Integer> versions = new ArrayList<>();
    send("GET", "/subjects/" + encode(subject) + "/versions", null)
        .forEach(node -> versions.add(node.asInt()));
    return versions;
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    try {
      JsonNode response =
          send(
              "POST",
              "/compatibility/subjects/" + encode(subject) + "/versions/latest",
              schemaBody(schema));
      return response.path("is_compatible").asBoolean(false);
    } catch (SchemaRegistryException e) {
      // Some registries answer "subject not found" instead of true when there is nothing yet to
      // be incompatible with.
      if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
        return true;
      }
      throw e;
    }
  }

  @Override
  public String compatibility(String subjectOrNull) {
    if (subjectOrNull != null) {
      try {
        return send("GET", "/config/" + encode(subjectOrNull), null)
            .path("compatibilityLevel")
            .asText();
      } catch (SchemaRegistryException e) {
        // A subject without a level of its own follows the global one; registries say so with
        // 40408 (newer) or 40401 (older).
        if (e.errorCode() != SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED
            && e.errorCode() != SchemaRegistryException.SUBJECT_NOT_FOUND) {
          throw e;
        }
      }
    }
    return send("GET", "/config", null).path("compatibilityLevel").asText();
  }

  @Override
  public void setCompatibility(String subjectOrNull, String level) {
    Compatibility parsed;
    try {
      parsed = Compatibility.parse(level);
    } catch (IllegalArgumentException e) {
      // Refused here with the answer a registry would give, rather than after a round trip.
      throw new SchemaRegistryException(
          answering(), 422, SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL, e.getMessage());
    }
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("compatibility", parsed.name()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a JSON map", e);
    }
    send("PUT", subjectOrNull == null ? "/config" : "/config/" + encode(subjectOrNull), body);
  }

  /** Nothing to release: the JDK's HttpClient frees its resources when unreachable. */
  @Override
  public void close() {}

  private SchemaVersion fetchVersion(String subject, String version) {
    JsonNode response = send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null);
    int id = requiredInt(response, "id");
    Schema schema = schemasById.get(id, key -> parse(response, "schema id " + id));
    return new SchemaVersion(subject, requiredInt(response, "version"), id, schema);
  }

  private JsonNode send(String method, String path, String body) {
    SchemaRegistryUnavailableException last = null;
    long backoffMs = config.retryBackoff().toMillis();
    for (int attempt = 0; attempt <= config.retries(); attempt++) {
      if (attempt > 0) {
        log.warn(
            "Schema registry unavailable, retry {} of {} in {} ms: {}",
            attempt,
            config.retries(),
            backoffMs,
            last.getMessage());
        pause(backoffMs, last);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
      int start = preferred;
      for (int i = 0; i < config.urls().size(); i++) {
        int index = (start + i) % config.urls().size();
        try {
          JsonNode response = sendOnce(config.urls().get(index), method, path, body);
          preferred = index;
          return response;
        } catch (SchemaRegistryUnavailableException e) {
          if (Thread.currentThread().isInterrupted()) {
            throw e;
          }
          last = e;
        }
      }
    }
    throw last;
  }

  private JsonNode sendOnce(String base, String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(config.requestTimeout())
            .header("Accept", ACCEPT);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new SchemaRegistryUnavailableException(
          base, 0, 0, method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryUnavailableException(
          base, 0, 0, method + " " + path + " interrupted", e);
    }
    int status = response.statusCode();
    JsonNode json = readJson(response.body());
    if (status >= 200 && status < 300) {
      if (json == null) {
        throw new SchemaRegistryException(
            base, status, status, method + " " + path + " answered with no JSON body");
      }
      return json;
    }
    int errorCode = json == null ? status : json.path("error_code").asInt(status);
    String message =
        json != null && json.hasNonNull("message")
            ? json.get("message").asText()
            : new String(response.body(), StandardCharsets.UTF_8);
    message = method + " " + path + ": " + message;
    // 429 and 5xx say "not now" rather than "never".
    if (status >= 500 || status == 429) {
      throw new SchemaRegistryUnavailableException(base, status, errorCode, message, null);
    }
    throw new SchemaRegistryException(base, status, errorCode, message);
  }

  private static void pause(long millis, SchemaRegistryUnavailableException last) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      last.addSuppressed(e);
      throw last;
    }
  }

  private static JsonNode readJson(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      // Proxies and some errors answer with plain text; the caller reports the raw body.
      return null;
    }
  }

  private Schema parse(JsonNode response, String what) {
    String type = response.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new SchemaRegistryException(
          answering(),
          200,
          SchemaRegistryException.INVALID_SCHEMA,
          what + " is a " + type + " schema, not Avro");
    }
    try {
      return new Schema.Parser().parse(requiredText(response, "schema"));
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          answering(),
          200,
          SchemaRegistryException.INVALID_SCHEMA,
          what + " is not valid Avro: " + e.getMessage(),
          e);
    }
  }

  private String schemaBody(Schema schema) {
    try {
      return JSON.writeValueAsString(Map.of("schema", schema.toString()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a JSON map", e);
    }
  }

  private int requiredInt(JsonNode response, String field) {
    JsonNode node = response.get(field);
    if (node == null || !node.canConvertToInt()) {
      throw malformed(response, field);
    }
    return node.asInt();
  }

  private String requiredText(JsonNode response, String field) {
    JsonNode node = response.get(field);
    if (node == null || !node.isTextual()) {
      throw malformed(response, field);
    }
    return node.asText();
  }

  private SchemaRegistryException malformed(JsonNode response, String field) {
    return new SchemaRegistryException(
        answering(), 200, 200, "unexpected response without '" + field + "': " + response);
  }

  private String answering() {
    return config.urls().get(preferred);
  }

  /** Encodes a subject as one path segment: a slash in a subject must not start a new segment. */
  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
