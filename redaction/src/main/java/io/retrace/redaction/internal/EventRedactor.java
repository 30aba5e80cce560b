package io.retrace.redaction.internal;

import io.retrace.schemas.event.Body;
import io.retrace.schemas.event.ErrorInfo;
import io.retrace.schemas.event.ExceptionEvent;
import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.JdbcCall;
import io.retrace.schemas.event.JdbcParameter;
import io.retrace.schemas.event.Marker;
import io.retrace.schemas.event.MethodCall;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.schemas.event.RedactionAction;
import io.retrace.schemas.event.RedactionNote;
import io.retrace.schemas.event.ResultColumn;
import io.retrace.schemas.event.ResultSetData;
import io.retrace.schemas.event.ValueRead;
import io.retrace.schemas.event.ValueSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Walks one event with one scope and returns the redacted event: unchanged parts are shared with
 * the input, changed parts are new objects, and the input is never modified. When nothing changes
 * the input instance itself is returned.
 */
public final class EventRedactor {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long SPACES = 0x2020202020202020L;

  private final Hasher hasher;
  private final String stage;
  private final String policyHash;

  public EventRedactor(Hasher hasher, String stage, String policyHash) {
    this.hasher = hasher;
    this.stage = stage;
    this.policyHash = policyHash;
  }

  public RecordedEvent redact(RecordedEvent event, Scope scope) {
    Notes notes = new Notes(stage);
    Object payload = event.getPayload();
    Object redacted;
    if (payload instanceof HttpExchange h) {
      redacted = http(h, scope, notes);
    } else if (payload instanceof JdbcCall j) {
      redacted = jdbc(j, scope, notes);
    } else if (payload instanceof ValueRead v) {
      redacted = valueRead(v, scope, notes);
    } else if (payload instanceof MethodCall m) {
      redacted = method(m, scope, notes);
    } else if (payload instanceof ExceptionEvent x) {
      ErrorInfo e = error(x.getError(), "error", scope, notes);
      redacted = e == x.getError() ? x : new ExceptionEvent(e, x.getUncaught());
    } else if (payload instanceof Marker mk) {
      String reason = scope.text.redact(mk.getReason(), null, () -> "marker.reason", notes);
      redacted =
          reason == mk.getReason() ? mk : new Marker(mk.getType(), mk.getDroppedCount(), reason);
    } else {
      redacted = payload;
    }
    Map<String, String> attributes = attributes(event.getAttributes(), scope, notes);
    if (notes.isEmpty()) {
      return event;
    }
    List<RedactionNote> all = notes.list();
    if (!event.getRedactions().isEmpty()) {
      // Notes from an earlier stage (the agent) first.
      all = new ArrayList<>(event.getRedactions().size() + all.size());
      all.addAll(event.getRedactions());
      all.addAll(notes.list());
    }
    return new RecordedEvent(
        event.getEventId(),
        event.getRecordingId(),
        event.getSessionId(),
        event.getCorrelation(),
        event.getOrigin(),
        event.getThread(),
        event.getSequence(),
        event.getCallId(),
        event.getParentCallId(),
        event.getWallTimeMicros(),
        event.getMonotonicNanos(),
        event.getKind(),
        redacted,
        all,
        policyHash,
        attributes);
  }

  // --- HTTP

  private HttpExchange http(HttpExchange h, Scope scope, Notes notes) {
    String url = url(h.getUrl(), scope, notes);
    List<Header> reqHeaders = headers(h.getRequestHeaders(), "request.header.", scope, notes);
    List<Header> respHeaders = headers(h.getResponseHeaders(), "response.header.", scope, notes);
    Body reqBody = body(h.getRequestBody(), h.getRequestHeaders(), "request.body", scope, notes);
    Body respBody =
        body(h.getResponseBody(), h.getResponseHeaders(), "response.body", scope, notes);
    ErrorInfo error = error(h.getError(), "error", scope, notes);
    if (url == h.getUrl()
        && reqHeaders == h.getRequestHeaders()
        && respHeaders == h.getResponseHeaders()
        && reqBody == h.getRequestBody()
        && respBody == h.getResponseBody()
        && error == h.getError()) {
      return h;
    }
    return new HttpExchange(
        h.getMethod(),
        url,
        h.getRoute(),
        reqHeaders,
        reqBody,
        h.getStatus(),
        respHeaders,
        respBody,
        h.getDurationNanos(),
        error);
  }

  private String url(String url, Scope scope, Notes notes) {
    int q = url.indexOf('?');
    int hash = url.indexOf('#', q < 0 ? 0 : q);
    int queryEnd = hash < 0 ? url.length() : hash;
    String head = url.substring(0, q < 0 ? queryEnd : q);
    String newHead = scope.text.redact(head, null, () -> "request.url", notes);
    // The query is redacted where it lies in the URL; null when it did not change.
    String newQuery =
        q < 0
            ? null
            : FormRedactor.redact(
                url,
                q + 1,
                queryEnd,
                scope.query,
                scope.failClosed ? scope.allowQuery : null,
                "request.query.",
                scope.text,
                hasher,
                notes);
    String fragment = hash < 0 ? null : url.substring(hash + 1);
    String newFragment =
        fragment == null
            ? null
            : scope.text.redact(fragment, null, () -> "request.url.fragment", notes);
    if (newHead == head && newQuery == null && newFragment == fragment) {
      return url;
    }
    StringBuilder sb = new StringBuilder(url.length()).append(newHead);
    if (newQuery == null && queryEnd > q + 1 && q >= 0) {
      sb.append(url, q, queryEnd);
    } else if (newQuery != null && !newQuery.isEmpty()) {
      sb.append('?').append(newQuery);
    }
    if (newFragment != null) {
      sb.append('#').append(newFragment);
    }
    return sb.toString();
  }

  private List<Header> headers(List<Header> headers, String prefix, Scope scope, Notes notes) {
    List<Header> out = null;
    for (int i = 0; i < headers.size(); i++) {
      Header h = headers.get(i);
      String name = h.getName();
      Scope.Rule rule = scope.headers.get(name);
      Header replacement;
      if (rule != null) {
        notes.add(rule.name(), prefix + name, rule.action().kind());
        String v = rule.action().apply(h.getValue(), hasher);
        replacement = v == null ? null : new Header(name, v);
      } else if (scope.failClosed && !scope.allowHeaders.contains(name)) {
        notes.add("fail-closed", prefix + name, RedactionAction.DROP);
        replacement = null;
      } else {
        String v = scope.text.redact(h.getValue(), name, () -> prefix + name, notes);
        replacement = v == h.getValue() ? h : new Header(name, v);
      }
      if (replacement != h && out == null) {
        out = new ArrayList<>(headers.size());
        for (int j = 0; j < i; j++) {
          out.add(headers.get(j));
        }
      }
      if (out != null && replacement != null) {
        out.add(replacement);
      }
    }
    return out == null ? headers : out;
  }

  private enum BodyType {
    JSON,
    FORM,
    TEXT,
    BINARY
  }

  private Body body(Body b, List<Header> headers, String field, Scope scope, Notes notes) {
    if (b == null || b.getBytes() == null || !b.getBytes().hasRemaining()) {
      return b;
    }
    ByteBuffer buf = b.getBytes();
    byte[] bytes;
    int offset;
    if (buf.hasArray()) {
      bytes = buf.array();
      offset = buf.arrayOffset() + buf.position();
    } else {
      bytes = new byte[buf.remaining()];
      buf.duplicate().get(bytes);
      offset = 0;
    }
    String contentType = b.getContentType() != null ? b.getContentType() : header(headers);
    int length = buf.remaining();
    String text = utf8(bytes, offset, length);
    BodyType type = text == null ? BodyType.BINARY : type(contentType, text);
    if (type == BodyType.BINARY || (scope.failClosed && type == BodyType.TEXT)) {
      if (contentType != null && scope.allowContentTypes.contains(mediaType(contentType))) {
        return type == BodyType.TEXT ? textBody(b, text, field, scope, notes) : b;
      }
      notes.add(scope.failClosed ? "fail-closed" : "binary-body", field, RedactionAction.DROP);
      return null;
    }
    return switch (type) {
      case JSON -> json(b, bytes, offset, length, text, field, scope, notes);
      case FORM ->
          rewrite(
              b,
              text,
              FormRedactor.redact(
                  text,
                  scope.form,
                  scope.failClosed ? scope.allowForm : null,
                  field + ".",
                  scope.text,
                  hasher,
                  notes));
      default -> textBody(b, text, field, scope, notes);
    };
  }

  /**
   * A JSON body: spliced in place when the fast path can (as bytes when the body is ASCII, that is
   * has as many characters as bytes), else rewritten by the streaming path.
   */
  private Body json(
      Body b,
      byte[] bytes,
      int offset,
      int length,
      String text,
      String field,
      Scope scope,
      Notes notes) {
    // A byte order mark before the document (RFC 8259 forbids it, parsers skip it) is kept, and the
    // document after it redacted as JSON, so that its path rules hold.
    String mark = text.startsWith(BYTE_ORDER_MARK) ? BYTE_ORDER_MARK : "";
    if (!scope.failClosed && mark.isEmpty()) {
      Edits edits = JsonSplicer.splice(text, scope.json, scope.text, hasher, field, notes);
      if (edits != null) {
        if (edits.isEmpty()) {
          return b;
        }
        byte[] out =
            text.length() == length
                ? edits.applyToAscii(bytes, offset, length)
                : edits.applyTo(text).getBytes(StandardCharsets.UTF_8);
        return new Body(
            ByteBuffer.wrap(out), b.getContentType(), b.getTruncated(), b.getOriginalSize());
      }
    }
    String doc = text.substring(mark.length());
    String redacted =
        JsonRedactor.streaming(
            doc,
            scope.json,
            scope.failClosed ? scope.allowJson : null,
            field,
            scope.text,
            hasher,
            notes);
    if (redacted == doc) {
      return b;
    }
    return rewrite(b, text, redacted == null || mark.isEmpty() ? redacted : mark + redacted);
  }

  private Body textBody(Body b, String text, String field, Scope scope, Notes notes) {
    return rewrite(b, text, scope.text.redact(text, null, () -> field, notes));
  }

  private static final String BYTE_ORDER_MARK = "\uFEFF";

  private static Body rewrite(Body b, String original, String redacted) {
    if (redacted == original) {
      return b;
    }
    if (redacted == null) {
      return null;
    }
    return new Body(
        ByteBuffer.wrap(redacted.getBytes(StandardCharsets.UTF_8)),
        b.getContentType(),
        b.getTruncated(),
        b.getOriginalSize());
  }

  private static String header(List<Header> headers) {
    for (Header h : headers) {
      if (h.getName().equalsIgnoreCase("Content-Type")) {
        return h.getValue();
      }
    }
    return null;
  }

  private static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .trim()
        .toLowerCase(Locale.ROOT);
  }

  private static BodyType type(String contentType, String text) {
    if (contentType == null) {
      // Unlabelled text: sniff JSON, otherwise scan it as text.
      String t = text.stripLeading();
      return t.startsWith("{") || t.startsWith("[") ? BodyType.JSON : BodyType.TEXT;
    }
    String m = mediaType(contentType);
    if (m.equals("application/json") || m.endsWith("+json") || m.equals("text/json")) {
      return BodyType.JSON;
    }
    if (m.equals("application/x-www-form-urlencoded")) {
      return BodyType.FORM;
    }
    if (m.startsWith("text/")
        || m.endsWith("+xml")
        || m.equals("application/xml")
        || m.equals("application/javascript")
        || m.equals("application/graphql")
        || m.equals("application/x-ndjson")
        || m.equals("application/yaml")) {
      return BodyType.TEXT;
    }
    return BodyType.BINARY;
  }

  /**
   * The text of {@code length} bytes at {@code offset}, or null when they are not UTF-8 or hold
   * control bytes.
   */
  private static String utf8(byte[] bytes, int offset, int length) {
    int end = offset + length;
    long seen = 0;
    int i = offset;
    // Eight bytes at a time: a word without a byte below 0x20 needs no closer look.
    for (; i + 8 <= end; i += 8) {
      long word = (long) LONGS.get(bytes, i);
      seen |= word;
      if (((word - SPACES) & ~word & HIGH_BITS) != 0 && hasControl(bytes, i, i + 8)) {
        return null;
      }
    }
    for (int j = i; j < end; j++) {
      seen |= bytes[j];
    }
    if (hasControl(bytes, i, end)) {
      return null;
    }
    if ((seen & HIGH_BITS) == 0) {
      return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, offset, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Whether a byte in {@code [from, to)} is a control character other than tab, CR, LF. */
  private static boolean hasControl(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte x = bytes[i];
      if (x >= 0 && x < 0x20 && x != '\n' && x != '\r' && x != '\t') {
        return true;
      }
    }
    return false;
  }

  private ErrorInfo error(ErrorInfo e, String field, Scope scope, Notes notes) {
    if (e == null) {
      return null;
    }
    String message = scope.text.redact(e.getMessage(), null, () -> field + ".message", notes);
    String trace = scope.text.redact(e.getStackTrace(), null, () -> field + ".stackTrace", notes);
    return message == e.getMessage() && trace == e.getStackTrace()
        ? e
        : new ErrorInfo(e.getType(), message, trace);
  }

  // --- JDBC

  private JdbcCall jdbc(JdbcCall j, Scope scope, Notes notes) {
    String sql = scope.text.redact(j.getSql(), null, () -> "jdbc.sql", notes);
    String dbUrl = scope.text.redact(j.getDatabaseUrl(), null, () -> "jdbc.url", notes);
    List<JdbcParameter> params = params(j.getParameters(), scope, notes);
    ResultSetData rs = resultSet(j.getResultSet(), scope, notes);
    ErrorInfo error = error(j.getError(), "jdbc.error", scope, notes);
    if (sql == j.getSql()
        && dbUrl == j.getDatabaseUrl()
        && params == j.getParameters()
        && rs == j.getResultSet()
        && error == j.getError()) {
      return j;
    }
    return new JdbcCall(
        j.getOperation(), sql, dbUrl, params, rs, j.getUpdateCounts(), j.getDurationNanos(), error);
  }

  private List<JdbcParameter> params(List<JdbcParameter> params, Scope scope, Notes notes) {
    List<JdbcParameter> out = null;
    for (int i = 0; i < params.size(); i++) {
      JdbcParameter p = params.get(i);
      int index = p.getIndex();
      Scope.Rule rule = p.getName() == null ? null : scope.paramNames.get(p.getName());
      if (rule == null) {
        rule = scope.paramIndexes.get(p.getIndex());
      }
      Object value = p.getValue();
      Object redacted;
      if (rule != null) {
        redacted = apply(value, rule, paramField(index), notes);
      } else if (scope.failClosed
          && !scope.allowParamIndexes.contains(p.getIndex())
          && !scope.allowParamNames.contains(p.getName())) {
        redacted = drop(value, paramField(index), notes);
      } else {
        redacted = scan(value, p.getName(), () -> paramField(index), scope, notes);
      }
      if (redacted != value && out == null) {
        out = new ArrayList<>(params);
      }
      if (redacted != value) {
        out.set(
            i,
            new JdbcParameter(p.getBatch(), p.getIndex(), p.getName(), p.getSqlType(), redacted));
      }
    }
    return out == null ? params : out;
  }

  /** A parameter's field in notes; made only for a note (a scan usually finds nothing). */
  private static String paramField(int index) {
    return "jdbc.param[" + index + "]";
  }

  private ResultSetData resultSet(ResultSetData rs, Scope scope, Notes notes) {
    if (rs == null || rs.getRows().isEmpty()) {
      return rs;
    }
    List<ResultColumn> cols = rs.getColumns();
    int n = cols.size();
    Scope.Rule[] rules = new Scope.Rule[n];
    boolean[] denied = new boolean[n];
    String[] fields = new String[n];
    String[] names = new String[n];
    for (int c = 0; c < n; c++) {
      ResultColumn col = cols.get(c);
      names[c] = col.getLabel() != null ? col.getLabel() : col.getName();
      fields[c] = "jdbc.result." + names[c];
      Scope.Rule rule = scope.columns.get(col.getName());
      rules[c] = rule != null ? rule : scope.columns.get(col.getLabel());
      denied[c] =
          rules[c] == null
              && scope.failClosed
              && !scope.allowColumns.contains(col.getName())
              && !scope.allowColumns.contains(col.getLabel());
    }
    List<List<Object>> rows = rs.getRows();
    List<List<Object>> out = null;
    for (int r = 0; r < rows.size(); r++) {
      List<Object> row = rows.get(r);
      List<Object> newRow = null;
      for (int c = 0; c < row.size() && c < n; c++) {
        Object v = row.get(c);
        Object x;
        if (rules[c] != null) {
          x = apply(v, rules[c], fields[c], notes);
        } else if (denied[c]) {
          x = drop(v, fields[c], notes);
        } else {
          String field = fields[c];
          x = scan(v, names[c], () -> field, scope, notes);
        }
        if (x != v) {
          if (newRow == null) {
            newRow = new ArrayList<>(row);
          }
          newRow.set(c, x);
        }
      }
      if (newRow != null) {
        if (out == null) {
          out = new ArrayList<>(rows);
        }
        out.set(r, newRow);
      }
    }
    return out == null ? rs : new ResultSetData(cols, out, rs.getTruncated());
  }

  // --- value reads, method calls, attributes

  private ValueRead valueRead(ValueRead v, Scope scope, Notes notes) {
    boolean keyed =
        v.getSource() == ValueSource.ENVIRONMENT || v.getSource() == ValueSource.SYSTEM_PROPERTY;
    String key = v.getKey();
    NoteField field =
        keyed
            ? () -> (v.getSource() == ValueSource.SYSTEM_PROPERTY ? "sysprop." : "env.") + key
            : () -> "value";
    Object value = v.getValue();
    Object redacted;
    Scope.Rule rule = keyed && key != null ? scope.env.get(key) : null;
    if (rule != null) {
      redacted = apply(value, rule, field.resolve(), notes);
    } else if (keyed && scope.failClosed && !scope.allowEnv.contains(key)) {
      redacted = drop(value, field.resolve(), notes);
    } else {
      redacted = scan(value, key, field, scope, notes);
    }
    return redacted == value ? v : new ValueRead(v.getSource(), v.getSite(), key, redacted);
  }

  private MethodCall method(MethodCall m, Scope scope, Notes notes) {
    String signature = m.getClassName() + "#" + m.getMethodName();
    List<Scope.JsonRule> argRules = new ArrayList<>();
    for (Scope.MethodRule r : scope.methods) {
      if (r.appliesTo(signature)) {
        argRules.addAll(r.args());
      }
    }
    String args = m.getArgumentsJson();
    if (args != null) {
      args =
          JsonRedactor.redact(
              args,
              argRules.isEmpty() ? JsonRules.NONE : new JsonRules(argRules),
              scope.failClosed ? scope.allowArgs : null,
              "method.args",
              scope.text,
              hasher,
              notes);
    }
    String ret = m.getReturnJson();
    if (ret != null) {
      ret =
          JsonRedactor.redact(
              ret,
              JsonRules.NONE,
              scope.failClosed ? scope.allowReturns : null,
              "method.return",
              scope.text,
              hasher,
              notes);
    }
    ErrorInfo thrown = error(m.getThrown(), "method.thrown", scope, notes);
    if (args == m.getArgumentsJson() && ret == m.getReturnJson() && thrown == m.getThrown()) {
      return m;
    }
    return new MethodCall(
        m.getClassName(),
        m.getMethodName(),
        m.getSignature(),
        args,
        ret,
        thrown,
        m.getDurationNanos());
  }

  private Map<String, String> attributes(Map<String, String> attrs, Scope scope, Notes notes) {
    if (attrs == null || attrs.isEmpty()) {
      return attrs;
    }
    Map<String, String> out = null;
    for (Map.Entry<String, String> e : attrs.entrySet()) {
      String v =
          scope.text.redact(e.getValue(), e.getKey(), () -> "attributes." + e.getKey(), notes);
      if (v != e.getValue()) {
        if (out == null) {
          out = new HashMap<>(attrs);
        }
        out.put(e.getKey(), v);
      }
    }
    return out == null ? attrs : out;
  }

  // --- typed values (JDBC parameters and cells, value reads)

  private Object apply(Object value, Scope.Rule rule, String field, Notes notes) {
    if (value == null) {
      return null;
    }
    notes.add(rule.name(), field, rule.action().kind());
    return rule.action().apply(asText(value), hasher);
  }

  private static Object drop(Object value, String field, Notes notes) {
    if (value == null) {
      return null;
    }
    notes.add("fail-closed", field, RedactionAction.DROP);
    return null;
  }

  private static Object scan(
      Object value, String context, NoteField field, Scope scope, Notes notes) {
    if (!(value instanceof CharSequence)) {
      return value;
    }
    String s = value.toString();
    String r = scope.text.redact(s, context, field, notes);
    return r == s ? value : r;
  }

  /** Bytes are hashed or masked as their Base64 text; numbers as their decimal text. */
  private static String asText(Object value) {
    if (value instanceof ByteBuffer b) {
      ByteBuffer d = b.duplicate();
      byte[] bytes = new byte[d.remaining()];
      d.get(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    }
    return value.toString();
  }
}
