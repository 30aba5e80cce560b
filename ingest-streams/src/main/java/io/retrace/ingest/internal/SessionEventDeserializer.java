package io.retrace.ingest.internal;

import io.retrace.schemas.event.Correlation;
import io.retrace.schemas.event.ErrorInfo;
import io.retrace.schemas.event.EventKind;
import io.retrace.schemas.event.ExceptionEvent;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MarkerType;
import io.retrace.schemas.event.Origin;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.ThreadInfo;
import io.retrace.schemas.registry.SchemaRegistryClient;
import io.retrace.schemas.serde.WireFormat;
import java.io.IOException;
import java.lang.reflect.Array;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a {@code retrace.events} value for sessionization only: a {@link RecordedEvent} holding
 * just what {@link Sessionizer} looks at (recording and session ids, trace id, service, agent,
 * thread name, sequence, time, kind, attributes, and the method, URL, route, status and error of an
 * HTTP exchange, the error of an exception, the type and count of a marker), every other field
 * skipped in the Avro binary instead of decoded. The full decode of a small HTTP event, most of it
 * strings nobody reads here, cost as much as the whole sessionization of it.
 *
 * <p>The fields are found by name in the writer schema, so a schema that gained or moved fields is
 * still read this way; a value whose writer schema lacks one of these fields or gives it another
 * type, or that does not decode, goes to {@code full}, the registry deserializer, which also
 * reports every problem as the usual {@link io.retrace.schemas.serde.WireFormatException}.
 * Thread-safe.
 */
public final class SessionEventDeserializer implements Deserializer<RecordedEvent> {
  /** Writer schemas remembered; ingest writes the events topic with one or two. */
  private static final int MAX_PLANS = 64;

  private static final Plan NO_PLAN = new Plan(null);

  private final SchemaRegistryClient registry;
  private final Deserializer<RecordedEvent> full;
  private final Map<Integer, Plan> plans = new ConcurrentHashMap<>();
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  public SessionEventDeserializer(SchemaRegistryClient registry, Deserializer<RecordedEvent> full) {
    this.registry = registry;
    this.full = full;
  }

  @Override
  public RecordedEvent deserialize(String topic, byte[] data) {
    if (data == null || data.length < WireFormat.HEADER_SIZE || data[0] != WireFormat.MAGIC_BYTE) {
      return full.deserialize(topic, data);
    }
    Plan plan = plan(WireFormat.schemaId(data));
    if (plan.steps == null) {
      return full.deserialize(topic, data);
    }
    BinaryDecoder in =
        DecoderFactory.get()
            .binaryDecoder(
                data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, decoders.get());
    decoders.set(in);
    Fields out = new Fields();
    try {
      plan.read(in, out);
      if (!in.isEnd()) {
        return full.deserialize(topic, data);
      }
    } catch (IOException | RuntimeException e) {
      return full.deserialize(topic, data);
    }
    return out.event();
  }

  private Plan plan(int id) {
    Plan plan = plans.get(id);
    if (plan != null) {
      return plan;
    }
    try {
      plan = Plan.of(registry.getById(id));
    } catch (Exception e) {
      return NO_PLAN; // not remembered: the full deserializer reports it, or succeeds next time
    }
    if (plans.size() >= MAX_PLANS) {
      plans.clear();
    }
    plans.put(id, plan);
    return plan;
  }

  /** What is read of one event. */
  private static final class Fields {
    String recordingId;
    String sessionId;
    String traceId;
    String service;
    String agentId;
    String threadName;
    long sequence;
    Instant time;
    EventKind kind;
    Object payload;
    Map<String, String> attributes = Map.of();
    // Payload fields, while one is being read.
    String method;
    String url;
    String route;
    Integer status;
    ErrorInfo error;
    boolean uncaught;
    MarkerType markerType;
    long droppedCount;
    String errorType;
    String errorMessage;
    String errorStack;

    RecordedEvent event() {
      RecordedEvent e = new RecordedEvent();
      e.setRecordingId(recordingId);
      e.setSessionId(sessionId);
      e.setCorrelation(new Correlation(traceId, null, null));
      e.setOrigin(new Origin(service, null, null, null, null, null, null, null, agentId, 0L));
      e.setThread(new ThreadInfo(threadName, 0L, false));
      e.setSequence(sequence);
      e.setWallTimeMicros(time);
      e.setKind(kind);
      e.setPayload(payload);
      e.setAttributes(attributes);
      return e;
    }
  }

  /**
   * Passes over one value of a schema in the binary. Avro's own {@code GenericDatumReader.skip}
   * works out the minimum size of an array's items on every array it meets, which made skipping the
   * headers cost more than reading the fields wanted.
   */
  @FunctionalInterface
  private interface Skip {
    void over(Decoder in) throws IOException;

    static Skip of(Schema schema) {
      return of(schema, new HashMap<>());
    }

    /** {@code named}: the records being compiled, so that a recursive schema ends. */
    private static Skip of(Schema schema, Map<String, Skip[]> named) {
      switch (schema.getType()) {
        case NULL:
          return in -> {};
        case BOOLEAN:
          return Decoder::readBoolean;
        case INT:
          return Decoder::readInt;
        case LONG:
          return Decoder::readLong;
        case FLOAT:
          return Decoder::readFloat;
        case DOUBLE:
          return Decoder::readDouble;
        case STRING:
          return Decoder::skipString;
        case BYTES:
          return Decoder::skipBytes;
        case ENUM:
          return Decoder::readEnum;
        case FIXED:
          int size = schema.getFixedSize();
          return in -> in.skipFixed(size);
        case ARRAY:
          {
            Skip item = of(schema.getElementType(), named);
            return in -> {
              for (long n = in.skipArray(); n != 0; n = in.skipArray()) {
                for (long i = 0; i < n; i++) {
                  item.over(in);
                }
              }
            };
          }
        case MAP:
          {
            Skip value = of(schema.getValueType(), named);
            return in -> {
              for (long n = in.skipMap(); n != 0; n = in.skipMap()) {
                for (long i = 0; i < n; i++) {
                  in.skipString();
                  value.over(in);
                }
              }
            };
          }
        case UNION:
          {
            List<Schema> types = schema.getTypes();
            Skip[] branches = new Skip[types.size()];
            for (int i = 0; i < branches.length; i++) {
              branches[i] = of(types.get(i), named);
            }
            return in -> branches[in.readIndex()].over(in);
          }
        case RECORD:
          {
            Skip[] fields = named.get(schema.getFullName());
            if (fields == null) {
              fields = new Skip[schema.getFields().size()];
              named.put(schema.getFullName(), fields);
              for (int i = 0; i < fields.length; i++) {
                fields[i] = of(schema.getFields().get(i).schema(), named);
              }
            }
            Skip[] all = fields;
            return in -> {
              for (Skip field : all) {
                field.over(in);
              }
            };
          }
        default:
          throw new IllegalArgumentException("no Avro type " + schema.getType());
      }
    }
  }

  @FunctionalInterface
  private interface Step {
    void read(Decoder in, Fields out) throws IOException;
  }

  /** How to read one writer schema of RecordedEvent: one step per writer field. */
  private static final class Plan {
    final Step[] steps;

    Plan(Step[] steps) {
      this.steps = steps;
    }

    void read(Decoder in, Fields out) throws IOException {
      for (Step step : steps) {
        step.read(in, out);
      }
    }

    /** The plan of {@code writer}, or {@link #NO_PLAN} when its fields are not as expected. */
    static Plan of(Schema writer) {
      Step[] steps =
          record(
              writer,
              "RecordedEvent",
              Map.ofEntries(
                  Map.entry("recordingId", f -> string(f, (o, v) -> o.recordingId = v)),
                  Map.entry("sessionId", f -> optionalString(f, (o, v) -> o.sessionId = v)),
                  Map.entry(
                      "correlation",
                      f ->
                          nested(
                              f,
                              "Correlation",
                              Map.of("traceId", g -> optionalString(g, (o, v) -> o.traceId = v)))),
                  Map.entry(
                      "origin",
                      f ->
                          nested(
                              f,
                              "Origin",
                              Map.of(
                                  "service", g -> string(g, (o, v) -> o.service = v),
                                  "agentId", g -> string(g, (o, v) -> o.agentId = v)))),
                  Map.entry(
                      "thread",
                      f ->
                          nested(
                              f,
                              "ThreadInfo",
                              Map.of("name", g -> string(g, (o, v) -> o.threadName = v)))),
                  Map.entry("sequence", f -> longValue(f, (o, v) -> o.sequence = v)),
                  Map.entry("wallTimeMicros", Plan::wallTime),
                  Map.entry("kind", Plan::kind),
                  Map.entry("payload", Plan::payload),
                  Map.entry("attributes", Plan::attributes)));
      return steps == null ? NO_PLAN : new Plan(steps);
    }

    /**
     * Steps for the fields of record {@code schema} named {@code name}: the wanted ones by their
     * factories (null when a field is not as expected), the rest skipped; null when a wanted field
     * is missing or not as expected.
     */
    static Step[] record(Schema schema, String name, Map<String, Function<Schema, Step>> wanted) {
      if (schema.getType() != Schema.Type.RECORD || !schema.getName().equals(name)) {
        return null;
      }
      List<Schema.Field> fields = schema.getFields();
      Step[] steps = new Step[fields.size()];
      int found = 0;
      for (int i = 0; i < steps.length; i++) {
        Schema.Field field = fields.get(i);
        Function<Schema, Step> factory = wanted.get(field.name());
        if (factory == null) {
          Skip skip = Skip.of(field.schema());
          steps[i] = (in, out) -> skip.over(in);
        } else {
          steps[i] = factory.apply(field.schema());
          if (steps[i] == null) {
            return null;
          }
          found++;
        }
      }
      return found == wanted.size() ? steps : null;
    }

    static Step nested(Schema schema, String name, Map<String, Function<Schema, Step>> wanted) {
      Step[] steps = record(schema, name, wanted);
      if (steps == null) {
        return null;
      }
      return (in, out) -> {
        for (Step step : steps) {
          step.read(in, out);
        }
      };
    }

    interface Setter<T> {
      void set(Fields out, T value);
    }

    static Step string(Schema schema, Setter<String> setter) {
      return schema.getType() == Schema.Type.STRING
          ? (in, out) -> setter.set(out, in.readString())
          : null;
    }

    /** A union of null and one other branch, in either order: the other branch's index. */
    static int optional(Schema schema, Schema.Type type) {
      if (schema.getType() != Schema.Type.UNION || schema.getTypes().size() != 2) {
        return -1;
      }
      Schema a = schema.getTypes().get(0);
      Schema b = schema.getTypes().get(1);
      if (a.getType() == Schema.Type.NULL && b.getType() == type) {
        return 1;
      }
      return b.getType() == Schema.Type.NULL && a.getType() == type ? 0 : -1;
    }

    static Step optionalString(Schema schema, Setter<String> setter) {
      int branch = optional(schema, Schema.Type.STRING);
      if (branch < 0) {
        return null;
      }
      return (in, out) -> setter.set(out, in.readIndex() == branch ? in.readString() : null);
    }

    static Step longValue(Schema schema, Setter<Long> setter) {
      return schema.getType() == Schema.Type.LONG && schema.getLogicalType() == null
          ? (in, out) -> setter.set(out, in.readLong())
          : null;
    }

    static Step wallTime(Schema schema) {
      if (schema.getType() != Schema.Type.LONG
          || schema.getLogicalType() == null
          || !schema.getLogicalType().getName().equals("timestamp-micros")) {
        return null;
      }
      return (in, out) -> out.time = micros(in.readLong());
    }

    /** As Avro's timestamp-micros conversion makes it. */
    static Instant micros(long micros) {
      return Instant.ofEpochSecond(micros / 1_000_000L, (micros % 1_000_000L) * 1_000L);
    }

    static Step kind(Schema schema) {
      EventKind[] kinds = symbols(schema, EventKind.class, EventKind.UNKNOWN);
      return kinds == null ? null : (in, out) -> out.kind = kinds[in.readEnum()];
    }

    /** The reader's symbol for each writer symbol, by name, else the reader's default. */
    static <E extends Enum<E>> E[] symbols(Schema schema, Class<E> type, E fallback) {
      if (schema.getType() != Schema.Type.ENUM) {
        return null;
      }
      List<String> names = schema.getEnumSymbols();
      @SuppressWarnings("unchecked")
      E[] out = (E[]) Array.newInstance(type, names.size());
      for (int i = 0; i < out.length; i++) {
        E match = fallback;
        for (E e : type.getEnumConstants()) {
          if (e.name().equals(names.get(i))) {
            match = e;
          }
        }
        out[i] = match;
      }
      return out;
    }

    static Step attributes(Schema schema) {
      if (schema.getType() != Schema.Type.MAP
          || schema.getValueType().getType() != Schema.Type.STRING) {
        return null;
      }
      return (in, out) -> {
        long n = in.readMapStart();
        if (n == 0) {
          out.attributes = Map.of();
          return;
        }
        Map<String, String> map = new HashMap<>();
        for (; n != 0; n = in.mapNext()) {
          for (long i = 0; i < n; i++) {
            map.put(in.readString(), in.readString());
          }
        }
        out.attributes = map;
      };
    }

    /** Each union branch read as its payload type, or skipped (payload null) for the others. */
    static Step payload(Schema schema) {
      if (schema.getType() != Schema.Type.UNION) {
        return null;
      }
      List<Schema> branches = schema.getTypes();
      Step[] reads = new Step[branches.size()];
      for (int i = 0; i < reads.length; i++) {
        Schema branch = branches.get(i);
        Step read =
            switch (branch.getType() == Schema.Type.RECORD ? branch.getName() : "") {
              case "HttpExchange" -> http(branch);
              case "ExceptionEvent" -> exception(branch);
              case "Marker" -> marker(branch);
              default -> {
                Skip skip = Skip.of(branch);
                yield (in, out) -> {
                  skip.over(in);
                  out.payload = null;
                };
              }
            };
        if (read == null) {
          return null;
        }
        reads[i] = read;
      }
      return (in, out) -> reads[in.readIndex()].read(in, out);
    }

    static Step http(Schema schema) {
      Step[] steps =
          record(
              schema,
              "HttpExchange",
              Map.of(
                  "method", f -> string(f, (o, v) -> o.method = v),
                  "url", f -> string(f, (o, v) -> o.url = v),
                  "route", f -> optionalString(f, (o, v) -> o.route = v),
                  "status", Plan::status,
                  "error", Plan::optionalError));
      if (steps == null) {
        return null;
      }
      return (in, out) -> {
        for (Step step : steps) {
          step.read(in, out);
        }
        HttpExchange http = new HttpExchange();
        http.setMethod(out.method);
        http.setUrl(out.url);
        http.setRoute(out.route);
        http.setStatus(out.status);
        http.setError(out.error);
        out.payload = http;
      };
    }

    static Step status(Schema schema) {
      int branch = optional(schema, Schema.Type.INT);
      if (branch < 0) {
        return null;
      }
      return (in, out) -> out.status = in.readIndex() == branch ? in.readInt() : null;
    }

    static Step exception(Schema schema) {
      Step[] steps =
          record(
              schema,
              "ExceptionEvent",
              Map.of(
                  "error",
                  Plan::error,
                  "uncaught",
                  f ->
                      f.getType() == Schema.Type.BOOLEAN
                          ? (in, out) -> out.uncaught = in.readBoolean()
                          : null));
      if (steps == null) {
        return null;
      }
      return (in, out) -> {
        for (Step step : steps) {
          step.read(in, out);
        }
        out.payload = new ExceptionEvent(out.error, out.uncaught);
      };
    }

    static Step marker(Schema schema) {
      Schema.Field typeField =
          schema.getType() == Schema.Type.RECORD ? schema.getField("type") : null;
      MarkerType[] symbols =
          typeField == null
              ? null
              : symbols(typeField.schema(), MarkerType.class, MarkerType.OTHER);
      if (symbols == null) {
        return null;
      }
      Step[] steps =
          record(
              schema,
              "Marker",
              Map.of(
                  "type",
                  f -> (in, out) -> out.markerType = symbols[in.readEnum()],
                  "droppedCount",
                  f -> longValue(f, (o, v) -> o.droppedCount = v)));
      if (steps == null) {
        return null;
      }
      return (in, out) -> {
        for (Step step : steps) {
          step.read(in, out);
        }
        out.payload = new Marker(out.markerType, out.droppedCount, null);
      };
    }

    static Step optionalError(Schema schema) {
      int branch = optional(schema, Schema.Type.RECORD);
      if (branch < 0) {
        return null;
      }
      Step error = error(schema.getTypes().get(branch));
      if (error == null) {
        return null;
      }
      return (in, out) -> {
        if (in.readIndex() == branch) {
          error.read(in, out);
        } else {
          out.error = null;
        }
      };
    }

    static Step error(Schema schema) {
      Step[] steps =
          record(
              schema,
              "ErrorInfo",
              Map.of(
                  "type", f -> string(f, (o, v) -> o.errorType = v),
                  "message", f -> optionalString(f, (o, v) -> o.errorMessage = v),
                  "stackTrace", f -> optionalString(f, (o, v) -> o.errorStack = v)));
      if (steps == null) {
        return null;
      }
      return (in, out) -> {
        for (Step step : steps) {
          step.read(in, out);
        }
        out.error = new ErrorInfo(out.errorType, out.errorMessage, out.errorStack);
      };
    }
  }
}
