package io.retrace.agent.publish;

import io.retrace.schemas.event.ErrorInfo;
import io.retrace.schemas.event.ExceptionEvent;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcParameter;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MethodCall;
import io.retrace.schemas.event.Origin;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RedactionNote;
import io.retrace.schemas.event.ResultColumn;
import io.retrace.schemas.event.ResultSetData;
import io.retrace.schemas.event.ValueRead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.io.Encoder;

/**
 * Writes a {@link RecordedEvent} in Avro binary, field by field, producing the bytes {@code
 * SpecificDatumWriter} would. The generated class cannot encode itself (its {@code
 * timestamp-micros} field turns Avro's generated coders off), so the datum writer walked every
 * event generically: schema lookups per field, a union resolution by schema name per value, a
 * logical-type conversion lookup per timestamp — 40 % of the publisher thread in the service
 * benchmark's profile. Here the envelope, JDBC calls and value reads are written directly, and the
 * records whose generated coders are on ({@code HttpExchange}, {@code Marker}, headers, bodies,
 * ...) write themselves.
 *
 * <p>An event holding a value this class does not know is not encoded ({@link #write} returns
 * false, having written part of it): the caller discards the partial bytes and hands the event to
 * the datum writer, which writes what Avro can (a {@code BigDecimal} as text, Avro's "stringable"
 * classes) and rejects the rest as it always did.
 *
 * <p>One instance per sink, used by one thread at a time: it keeps the bytes of the last origin it
 * encoded. An agent's events all share one {@link Origin} instance, which is never modified after
 * it is built, so the origin is compared by identity and its ~60 bytes copied instead of encoded
 * again (a tenth of the encoding's time in the service benchmark's profile).
 */
final class EventEncoder {
  private static final TimeConversions.TimestampMicrosConversion MICROS =
      new TimeConversions.TimestampMicrosConversion();

  // Branch indexes of the unions in RecordedEvent.avsc.
  private static final int HTTP = 0;
  private static final int JDBC = 1;
  private static final int VALUE_READ = 2;
  private static final int METHOD_CALL = 3;
  private static final int EXCEPTION = 4;
  private static final int MARKER = 5;

  private final ArrayEncoder originEncoder = new ArrayEncoder();
  private Origin origin;
  private byte[] originBytes;

  /** Writes {@code e}; false if it holds a value the fast path does not know (see class doc). */
  boolean write(RecordedEvent e, Encoder out) throws IOException {
    out.writeString(e.getEventId());
    out.writeString(e.getRecordingId());
    nullableString(e.getSessionId(), out);
    e.getCorrelation().customEncode(out);
    Origin o = e.getOrigin();
    if (o != origin) {
      originEncoder.reset();
      o.customEncode(originEncoder);
      originBytes = originEncoder.toByteArray();
      origin = o;
    }
    out.writeFixed(originBytes);
    e.getThread().customEncode(out);
    out.writeLong(e.getSequence());
    out.writeLong(e.getCallId());
    Long parent = e.getParentCallId();
    if (parent == null) {
      out.writeIndex(0);
      out.writeNull();
    } else {
      out.writeIndex(1);
      out.writeLong(parent);
    }
    out.writeLong(MICROS.toLong(e.getWallTimeMicros(), null, null));
    out.writeLong(e.getMonotonicNanos());
    out.writeEnum(e.getKind().ordinal());
    if (!payload(e.getPayload(), out)) {
      return false;
    }
    List<RedactionNote> notes = e.getRedactions();
    out.writeArrayStart();
    out.setItemCount(notes.size());
    for (RedactionNote note : notes) {
      out.startItem();
      note.customEncode(out);
    }
    out.writeArrayEnd();
    nullableString(e.getRedactionPolicy(), out);
    Map<String, String> attributes = e.getAttributes();
    out.writeMapStart();
    out.setItemCount(attributes.size());
    for (Map.Entry<String, String> a : attributes.entrySet()) {
      out.startItem();
      out.writeString(a.getKey());
      out.writeString(a.getValue());
    }
    out.writeMapEnd();
    return true;
  }

  private static boolean payload(Object payload, Encoder out) throws IOException {
    if (payload instanceof HttpExchange h) {
      out.writeIndex(HTTP);
      h.customEncode(out);
    } else if (payload instanceof JdbcCall j) {
      out.writeIndex(JDBC);
      return jdbc(j, out);
    } else if (payload instanceof ValueRead v) {
      out.writeIndex(VALUE_READ);
      out.writeEnum(v.getSource().ordinal());
      nullableString(v.getSite(), out);
      nullableString(v.getKey(), out);
      return value(v.getValue(), out);
    } else if (payload instanceof MethodCall m) {
      out.writeIndex(METHOD_CALL);
      m.customEncode(out);
    } else if (payload instanceof ExceptionEvent x) {
      out.writeIndex(EXCEPTION);
      x.customEncode(out);
    } else if (payload instanceof Marker m) {
      out.writeIndex(MARKER);
      m.customEncode(out);
    } else {
      return false;
    }
    return true;
  }

  private static boolean jdbc(JdbcCall j, Encoder out) throws IOException {
    out.writeEnum(j.getOperation().ordinal());
    out.writeString(j.getSql());
    nullableString(j.getDatabaseUrl(), out);
    List<JdbcParameter> parameters = j.getParameters();
    out.writeArrayStart();
    out.setItemCount(parameters.size());
    for (JdbcParameter p : parameters) {
      out.startItem();
      out.writeInt(p.getBatch());
      out.writeInt(p.getIndex());
      nullableString(p.getName(), out);
      nullableString(p.getSqlType(), out);
      if (!value(p.getValue(), out)) {
        return false;
      }
    }
    out.writeArrayEnd();
    ResultSetData rs = j.getResultSet();
    if (rs == null) {
      out.writeIndex(0);
      out.writeNull();
    } else {
      out.writeIndex(1);
      if (!resultSet(rs, out)) {
        return false;
      }
    }
    List<Long> counts = j.getUpdateCounts();
    out.writeArrayStart();
    out.setItemCount(counts.size());
    for (Long count : counts) {
      out.startItem();
      out.writeLong(count);
    }
    out.writeArrayEnd();
    out.writeLong(j.getDurationNanos());
    error(j.getError(), out);
    return true;
  }

  private static boolean resultSet(ResultSetData rs, Encoder out) throws IOException {
    List<ResultColumn> columns = rs.getColumns();
    out.writeArrayStart();
    out.setItemCount(columns.size());
    for (ResultColumn c : columns) {
      out.startItem();
      c.customEncode(out);
    }
    out.writeArrayEnd();
    List<List<Object>> rows = rs.getRows();
    out.writeArrayStart();
    out.setItemCount(rows.size());
    for (List<Object> row : rows) {
      out.startItem();
      out.writeArrayStart();
      out.setItemCount(row.size());
      for (Object v : row) {
        out.startItem();
        if (!value(v, out)) {
          return false;
        }
      }
      out.writeArrayEnd();
    }
    out.writeArrayEnd();
    out.writeBoolean(rs.getTruncated());
    return true;
  }

  /** The union {@code ["null","boolean","int","long","float","double","string","bytes"]}. */
  private static boolean value(Object v, Encoder out) throws IOException {
    if (v == null) {
      out.writeIndex(0);
      out.writeNull();
    } else if (v instanceof CharSequence s) {
      out.writeIndex(6);
      out.writeString(s);
    } else if (v instanceof Integer i) {
      out.writeIndex(2);
      out.writeInt(i);
    } else if (v instanceof Long l) {
      out.writeIndex(3);
      out.writeLong(l);
    } else if (v instanceof Boolean b) {
      out.writeIndex(1);
      out.writeBoolean(b);
    } else if (v instanceof Double d) {
      out.writeIndex(5);
      out.writeDouble(d);
    } else if (v instanceof Float f) {
      out.writeIndex(4);
      out.writeFloat(f);
    } else if (v instanceof ByteBuffer b) {
      out.writeIndex(7);
      out.writeBytes(b);
    } else {
      return false;
    }
    return true;
  }

  private static void error(ErrorInfo error, Encoder out) throws IOException {
    if (error == null) {
      out.writeIndex(0);
      out.writeNull();
    } else {
      out.writeIndex(1);
      error.customEncode(out);
    }
  }

  private static void nullableString(String s, Encoder out) throws IOException {
    if (s == null) {
      out.writeIndex(0);
      out.writeNull();
    } else {
      out.writeIndex(1);
      out.writeString(s);
    }
  }
}
