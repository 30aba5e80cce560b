package io.retrace.agent.capture;

import io.retrace.schemas.event.ResultColumn;
import io.retrace.schemas.event.ResultSetData;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.rowset.serial.SerialArray;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;

/**
 * The rows of a query, held in memory: what the application reads in place of the driver's result
 * set once the agent has copied it, and what replay answers a query with. Read-only and scrollable;
 * the getters convert between types the way lenient drivers do ({@code getString} of a number,
 * {@code getInt} of a numeric string, {@code getTimestamp} of a {@code LocalDateTime}), and also
 * read the textual forms an event holds (a decimal or timestamp as text), so that rows read back
 * from a recording answer like the originals.
 *
 * <p>Cheap to build: one pass over the driver's rows with {@code getObject}, one array per row, and
 * the column metadata read once. Bounded by the query's own size, as the driver's copy was.
 */
public final class RecordedResultSet extends ReadOnlyResultSet {
  private final Columns columns;
  private final List<Object[]> rows;
  private final Statement statement;

  /** 0 before the first row, {@code rows.size() + 1} after the last. */
  private int cursor;

  private boolean lastWasNull;
  private boolean closed;
  private int fetchSize;
  private int fetchDirection = FETCH_FORWARD;

  private RecordedResultSet(Columns columns, List<Object[]> rows, Statement statement) {
    this.columns = columns;
    this.rows = rows;
    this.statement = statement;
  }

  /**
   * Copies every row of {@code rs} (from its current position on) and closes it. Large objects are
   * copied too ({@code SerialBlob}, {@code SerialClob}, {@code SerialArray}), since the driver's
   * die with its result set.
   */
  public static RecordedResultSet copy(ResultSet rs, Statement statement) throws SQLException {
    try (rs) {
      Columns columns = Columns.of(rs.getMetaData());
      int n = columns.count();
      List<Object[]> rows = new ArrayList<>();
      while (rs.next()) {
        Object[] row = new Object[n];
        for (int i = 0; i < n; i++) {
          row[i] = detach(rs.getObject(i + 1));
        }
        rows.add(row);
      }
      return new RecordedResultSet(columns, rows, statement);
    }
  }

  /** The result set a recording holds: what replay gives the application for a query. */
  public static RecordedResultSet of(ResultSetData data, Statement statement) {
    List<ResultColumn> recorded = data.getColumns();
    Column[] columns = new Column[recorded.size()];
    for (int i = 0; i < columns.length; i++) {
      ResultColumn c = recorded.get(i);
      String name = c.getName().toString();
      columns[i] =
          new Column(
              name,
              c.getLabel() == null ? name : c.getLabel().toString(),
              c.getSqlType(),
              c.getTypeName() == null ? null : c.getTypeName().toString(),
              Object.class.getName(),
              0,
              0,
              ResultSetMetaData.columnNullableUnknown,
              false,
              0,
              "",
              "",
              "");
    }
    List<Object[]> rows = new ArrayList<>(data.getRows().size());
    for (List<Object> recordedRow : data.getRows()) {
      Object[] row = new Object[recordedRow.size()];
      for (int i = 0; i < row.length; i++) {
        Object v = recordedRow.get(i);
        row[i] =
            v instanceof CharSequence s
                ? s.toString()
                : v instanceof ByteBuffer b ? bytes(b.duplicate()) : v;
      }
      rows.add(row);
    }
    return new RecordedResultSet(new Columns(columns), rows, statement);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static Object detach(Object v) throws SQLException {
    if (v instanceof Blob blob) {
      return new SerialBlob(blob);
    }
    if (v instanceof Clob clob) {
      return new SerialClob(clob);
    }
    if (v instanceof Array array) {
      return new SerialArray(array);
    }
    return v;
  }

  /** The copied rows, not to be modified; for building the event. */
  List<Object[]> rows() {
    return rows;
  }

  ResultSetMetaData columns() {
    return columns;
  }

  // Navigation.

  @Override
  public boolean next() throws SQLException {
    open();
    if (cursor <= rows.size()) {
      cursor++;
    }
    return cursor <= rows.size();
  }

  @Override
  public boolean previous() throws SQLException {
    open();
    if (cursor > 0) {
      cursor--;
    }
    return cursor > 0;
  }

  @Override
  public boolean first() throws SQLException {
    return absolute(1);
  }

  @Override
  public boolean last() throws SQLException {
    return absolute(-1);
  }

  @Override
  public void beforeFirst() throws SQLException {
    open();
    cursor = 0;
  }

  @Override
  public void afterLast() throws SQLException {
    open();
    cursor = rows.size() + 1;
  }

  @Override
  public boolean absolute(int row) throws SQLException {
    open();
    int target = row >= 0 ? row : rows.size() + 1 + row;
    cursor = Math.max(0, Math.min(target, rows.size() + 1));
    return cursor >= 1 && cursor <= rows.size();
  }

  @Override
  public boolean relative(int offset) throws SQLException {
    open();
    if (cursor < 1 || cursor > rows.size()) {
      throw new SQLException("relative() needs a current row");
    }
    return absolute(Math.max(0, cursor + offset));
  }

  @Override
  public boolean isBeforeFirst() throws SQLException {
    open();
    return cursor == 0 && !rows.isEmpty();
  }

  @Override
  public boolean isAfterLast() throws SQLException {
    open();
    return cursor > rows.size() && !rows.isEmpty();
  }

  @Override
  public boolean isFirst() throws SQLException {
    open();
    return cursor == 1 && !rows.isEmpty();
  }

  @Override
  public boolean isLast() throws SQLException {
    open();
    return cursor == rows.size() && !rows.isEmpty();
  }

  @Override
  public int getRow() throws SQLException {
    open();
    return cursor >= 1 && cursor <= rows.size() ? cursor : 0;
  }

  // State.

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public boolean wasNull() throws SQLException {
    open();
    return lastWasNull;
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    open();
    return null;
  }

  @Override
  public void clearWarnings() throws SQLException {
    open();
  }

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    open();
    return columns;
  }

  @Override
  public int findColumn(String label) throws SQLException {
    open();
    return columns.find(label);
  }

  @Override
  public Statement getStatement() throws SQLException {
    open();
    return statement;
  }

  @Override
  public void setFetchDirection(int direction) throws SQLException {
    open();
    if (direction != FETCH_FORWARD && direction != FETCH_REVERSE && direction != FETCH_UNKNOWN) {
      throw new SQLException("no such fetch direction: " + direction);
    }
    fetchDirection = direction;
  }

  @Override
  public int getFetchDirection() throws SQLException {
    open();
    return fetchDirection;
  }

  @Override
  public void setFetchSize(int rows) throws SQLException {
    open();
    if (rows < 0) {
      throw new SQLException("negative fetch size: " + rows);
    }
    fetchSize = rows;
  }

  @Override
  public int getFetchSize() throws SQLException {
    open();
    return fetchSize;
  }

  private void open() throws SQLException {
    if (closed) {
      throw new SQLException("result set is closed");
    }
  }

  // Getters.

  /** The current row's value of column {@code index} (1-based); remembers whether it was null. */
  private Object value(int index) throws SQLException {
    open();
    if (cursor < 1 || cursor > rows.size()) {
      throw new SQLException("no current row");
    }
    columns.column(index); // throws for a column out of range
    Object v = rows.get(cursor - 1)[index - 1];
    lastWasNull = v == null;
    return v;
  }

  private static SQLException cannot(Object v, String type) {
    return new SQLException(
        "cannot read a " + v.getClass().getSimpleName() + " value as " + type + ": " + v);
  }

  @Override
  public Object getObject(int index) throws SQLException {
    return value(index);
  }

  @Override
  public Object getObject(int index, Map<String, Class<?>> map) throws SQLException {
    if (map != null && !map.isEmpty()) {
      throw new SQLFeatureNotSupportedException("type maps are not supported");
    }
    return getObject(index);
  }

  @Override
  public <T> T getObject(int index, Class<T> type) throws SQLException {
    Object v = value(index);
    if (v == null || type.isInstance(v)) {
      return type.cast(v);
    }
    Object converted;
    if (type == String.class) {
      converted = getString(index);
    } else if (type == Integer.class) {
      converted = getInt(index);
    } else if (type == Long.class) {
      converted = getLong(index);
    } else if (type == Short.class) {
      converted = getShort(index);
    } else if (type == Byte.class) {
      converted = getByte(index);
    } else if (type == Double.class) {
      converted = getDouble(index);
    } else if (type == Float.class) {
      converted = getFloat(index);
    } else if (type == Boolean.class) {
      converted = getBoolean(index);
    } else if (type == BigDecimal.class) {
      converted = getBigDecimal(index);
    } else if (type == byte[].class) {
      converted = getBytes(index);
    } else if (type == Timestamp.class) {
      converted = getTimestamp(index);
    } else if (type == Date.class) {
      converted = getDate(index);
    } else if (type == Time.class) {
      converted = getTime(index);
    } else if (type == LocalDateTime.class) {
      converted = getTimestamp(index).toLocalDateTime();
    } else if (type == LocalDate.class) {
      converted = getDate(index).toLocalDate();
    } else if (type == LocalTime.class) {
      converted = getTime(index).toLocalTime();
    } else if (type == Instant.class) {
      converted = getTimestamp(index).toInstant();
    } else if (type == OffsetDateTime.class && v instanceof CharSequence s) {
      converted = OffsetDateTime.parse(s);
    } else if (type == UUID.class && v instanceof CharSequence s) {
      converted = UUID.fromString(s.toString());
    } else {
      throw cannot(v, type.getName());
    }
    return type.cast(converted);
  }

  @Override
  public String getString(int index) throws SQLException {
    Object v = value(index);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    if (v instanceof byte[] b) {
      return HexFormat.of().formatHex(b);
    }
    if (v instanceof Clob c) {
      return c.getSubString(1, (int) c.length());
    }
    return v.toString();
  }

  @Override
  public String getNString(int index) throws SQLException {
    return getString(index);
  }

  @Override
  public boolean getBoolean(int index) throws SQLException {
    Object v = value(index);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    String s = v.toString().trim();
    if (s.equalsIgnoreCase("true") || s.equals("1")) {
      return true;
    }
    if (s.equalsIgnoreCase("false") || s.equals("0")) {
      return false;
    }
    throw cannot(v, "boolean");
  }

  /** A numeric value, or null for SQL NULL. */
  private Number number(int index, String type) throws SQLException {
    Object v = value(index);
    if (v == null || v instanceof Number) {
      return (Number) v;
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof CharSequence s) {
      try {
        return new BigDecimal(s.toString().trim());
      } catch (NumberFormatException e) {
        throw new SQLException("cannot read \"" + s + "\" as " + type, e);
      }
    }
    throw cannot(v, type);
  }

  @Override
  public byte getByte(int index) throws SQLException {
    Number n = number(index, "byte");
    return n == null ? 0 : n.byteValue();
  }

  @Override
  public short getShort(int index) throws SQLException {
    Number n = number(index, "short");
    return n == null ? 0 : n.shortValue();
  }

  @Override
  public int getInt(int index) throws SQLException {
    Number n = number(index, "int");
    return n == null ? 0 : n.intValue();
  }

  @Override
  public long getLong(int index) throws SQLException {
    Number n = number(index, "long");
    return n == null ? 0 : n.longValue();
  }

  @Override
  public float getFloat(int index) throws SQLException {
    Number n = number(index, "float");
    return n == null ? 0 : n.floatValue();
  }

  @Override
  public double getDouble(int index) throws SQLException {
    Number n = number(index, "double");
    return n == null ? 0 : n.doubleValue();
  }

  @Override
  public BigDecimal getBigDecimal(int index) throws SQLException {
    Number n = number(index, "BigDecimal");
    if (n == null || n instanceof BigDecimal) {
      return (BigDecimal) n;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (n instanceof Double || n instanceof Float) {
      return new BigDecimal(n.toString());
    }
    return BigDecimal.valueOf(n.longValue());
  }

  @Override
  @Deprecated
  public BigDecimal getBigDecimal(int index, int scale) throws SQLException {
    BigDecimal d = getBigDecimal(index);
    return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
  }

  @Override
  public byte[] getBytes(int index) throws SQLException {
    Object v = value(index);
    if (v == null || v instanceof byte[]) {
      return (byte[]) v;
    }
    if (v instanceof Blob b) {
      return b.getBytes(1, (int) b.length());
    }
    if (v instanceof UUID u) {
      return ByteBuffer.allocate(16)
          .putLong(u.getMostSignificantBits())
          .putLong(u.getLeastSignificantBits())
          .array();
    }
    if (v instanceof CharSequence s) {
      return s.toString().getBytes(StandardCharsets.UTF_8);
    }
    throw cannot(v, "bytes");
  }

  @Override
  public Timestamp getTimestamp(int index) throws SQLException {
    Object v = value(index);
    if (v == null || v instanceof Timestamp) {
      return (Timestamp) v;
    }
    if (v instanceof java.util.Date d) {
      return new Timestamp(d.getTime());
    }
    if (v instanceof LocalDateTime t) {
      return Timestamp.valueOf(t);
    }
    if (v instanceof LocalDate d) {
      return Timestamp.valueOf(d.atStartOfDay());
    }
    if (v instanceof OffsetDateTime t) {
      return Timestamp.from(t.toInstant());
    }
    if (v instanceof ZonedDateTime t) {
      return Timestamp.from(t.toInstant());
    }
    if (v instanceof Instant t) {
      return Timestamp.from(t);
    }
    if (v instanceof CharSequence s) {
      try {
        String text = s.toString().trim();
        return text.length() == 10
            ? Timestamp.valueOf(text + " 00:00:00")
            : Timestamp.valueOf(text.replace('T', ' '));
      } catch (IllegalArgumentException e) {
        throw new SQLException("cannot read \"" + s + "\" as a timestamp", e);
      }
    }
    throw cannot(v, "timestamp");
  }

  @Override
  public Date getDate(int index) throws SQLException {
    Object v = value(index);
    if (v == null || v instanceof Date) {
      return (Date) v;
    }
    if (v instanceof LocalDate d) {
      return Date.valueOf(d);
    }
    if (v instanceof CharSequence s && s.length() == 10) {
      try {
        return Date.valueOf(s.toString());
      } catch (IllegalArgumentException e) {
        throw new SQLException("cannot read \"" + s + "\" as a date", e);
      }
    }
    return Date.valueOf(getTimestamp(index).toLocalDateTime().toLocalDate());
  }

  @Override
  public Time getTime(int index) throws SQLException {
    Object v = value(index);
    if (v == null || v instanceof Time) {
      return (Time) v;
    }
    if (v instanceof LocalTime t) {
      return Time.valueOf(t);
    }
    if (v instanceof CharSequence s && s.length() == 8) {
      try {
        return Time.valueOf(s.toString());
      } catch (IllegalArgumentException e) {
        throw new SQLException("cannot read \"" + s + "\" as a time", e);
      }
    }
    return Time.valueOf(getTimestamp(index).toLocalDateTime().toLocalTime());
  }

  /** The wall-clock value read in {@code cal}'s time zone, as drivers do for zone-less columns. */
  private static java.util.Date inZone(java.util.Date local, Calendar cal) {
    if (local == null || cal == null) {
      return local;
    }
    LocalDateTime wall =
        local instanceof Timestamp t
            ? t.toLocalDateTime()
            : local instanceof Date d
                ? d.toLocalDate().atStartOfDay()
                : ((Time) local).toLocalTime().atDate(LocalDate.of(1970, 1, 1));
    Instant at = wall.atZone(cal.getTimeZone().toZoneId()).toInstant();
    Timestamp out = new Timestamp(at.toEpochMilli());
    out.setNanos(wall.getNano());
    return out;
  }

  @Override
  public Timestamp getTimestamp(int index, Calendar cal) throws SQLException {
    return (Timestamp) inZone(getTimestamp(index), cal);
  }

  @Override
  public Date getDate(int index, Calendar cal) throws SQLException {
    java.util.Date d = inZone(getDate(index), cal);
    return d == null || d instanceof Date ? (Date) d : new Date(d.getTime());
  }

  @Override
  public Time getTime(int index, Calendar cal) throws SQLException {
    java.util.Date t = inZone(getTime(index), cal);
    return t == null || t instanceof Time ? (Time) t : new Time(t.getTime());
  }

  @Override
  public InputStream getBinaryStream(int index) throws SQLException {
    byte[] b = getBytes(index);
    return b == null ? null : new ByteArrayInputStream(b);
  }

  @Override
  public InputStream getAsciiStream(int index) throws SQLException {
    String s = getString(index);
    return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  @Deprecated
  public InputStream getUnicodeStream(int index) throws SQLException {
    String s = getString(index);
    return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_16BE));
  }

  @Override
  public Reader getCharacterStream(int index) throws SQLException {
    String s = getString(index);
    return s == null ? null : new StringReader(s);
  }

  @Override
  public Reader getNCharacterStream(int index) throws SQLException {
    return getCharacterStream(index);
  }

  @Override
  public Blob getBlob(int index) throws SQLException {
    Object v = value(index);
    if (v == null || v instanceof Blob) {
      return (Blob) v;
    }
    return new SerialBlob(getBytes(index));
  }

  @Override
  public Clob getClob(int index) throws SQLException {
    Object v = value(index);
    if (v == null || v instanceof Clob) {
      return (Clob) v;
    }
    return new SerialClob(getString(index).toCharArray());
  }

  @Override
  public NClob getNClob(int index) throws SQLException {
    return typed(index, NClob.class);
  }

  @Override
  public Array getArray(int index) throws SQLException {
    return typed(index, Array.class);
  }

  @Override
  public Ref getRef(int index) throws SQLException {
    return typed(index, Ref.class);
  }

  @Override
  public RowId getRowId(int index) throws SQLException {
    return typed(index, RowId.class);
  }

  @Override
  public SQLXML getSQLXML(int index) throws SQLException {
    return typed(index, SQLXML.class);
  }

  @Override
  public URL getURL(int index) throws SQLException {
    Object v = value(index);
    if (v == null || v instanceof URL) {
      return (URL) v;
    }
    try {
      return new URL(v.toString());
    } catch (MalformedURLException e) {
      throw new SQLException("cannot read \"" + v + "\" as a URL", e);
    }
  }

  private <T> T typed(int index, Class<T> type) throws SQLException {
    Object v = value(index);
    if (v == null || type.isInstance(v)) {
      return type.cast(v);
    }
    throw cannot(v, type.getSimpleName());
  }

  /** One column's metadata, read once from the driver. */
  record Column(
      String name,
      String label,
      int sqlType,
      String typeName,
      String className,
      int precision,
      int scale,
      int nullable,
      boolean signed,
      int displaySize,
      String table,
      String schema,
      String catalog) {}

  /** The columns, answering {@link ResultSetMetaData} after the driver's result set is closed. */
  private static final class Columns implements ResultSetMetaData {
    private final Column[] columns;

    Columns(Column[] columns) {
      this.columns = columns;
    }

    static Columns of(ResultSetMetaData meta) throws SQLException {
      Column[] columns = new Column[meta.getColumnCount()];
      for (int i = 0; i < columns.length; i++) {
        int c = i + 1;
        columns[i] =
            new Column(
                meta.getColumnName(c),
                meta.getColumnLabel(c),
                meta.getColumnType(c),
                meta.getColumnTypeName(c),
                meta.getColumnClassName(c),
                meta.getPrecision(c),
                meta.getScale(c),
                meta.isNullable(c),
                meta.isSigned(c),
                meta.getColumnDisplaySize(c),
                meta.getTableName(c),
                meta.getSchemaName(c),
                meta.getCatalogName(c));
      }
      return new Columns(columns);
    }

    int count() {
      return columns.length;
    }

    /** Labels match case-insensitively, the first one wins (JDBC's rule); then column names. */
    int find(String label) throws SQLException {
      for (int i = 0; i < columns.length; i++) {
        if (label.equalsIgnoreCase(columns[i].label())) {
          return i + 1;
        }
      }
      for (int i = 0; i < columns.length; i++) {
        if (label.equalsIgnoreCase(columns[i].name())) {
          return i + 1;
        }
      }
      throw new SQLException("no column " + label);
    }

    private Column column(int index) throws SQLException {
      if (index < 1 || index > columns.length) {
        throw new SQLException("no column " + index + " (columns: " + columns.length + ")");
      }
      return columns[index - 1];
    }

    @Override
    public int getColumnCount() {
      return columns.length;
    }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
      column(column);
      return false;
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
      int type = column(column).sqlType();
      return type == Types.CHAR
          || type == Types.VARCHAR
          || type == Types.LONGVARCHAR
          || type == Types.NCHAR
          || type == Types.NVARCHAR
          || type == Types.CLOB;
    }

    @Override
    public boolean isSearchable(int column) throws SQLException {
      column(column);
      return true;
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
      column(column);
      return false;
    }

    @Override
    public int isNullable(int column) throws SQLException {
      return column(column).nullable();
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
      return column(column).signed();
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
      return column(column).displaySize();
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
      return column(column).label();
    }

    @Override
    public String getColumnName(int column) throws SQLException {
      return column(column).name();
    }

    @Override
    public String getSchemaName(int column) throws SQLException {
      return column(column).schema();
    }

    @Override
    public int getPrecision(int column) throws SQLException {
      return column(column).precision();
    }

    @Override
    public int getScale(int column) throws SQLException {
      return column(column).scale();
    }

    @Override
    public String getTableName(int column) throws SQLException {
      return column(column).table();
    }

    @Override
    public String getCatalogName(int column) throws SQLException {
      return column(column).catalog();
    }

    @Override
    public int getColumnType(int column) throws SQLException {
      return column(column).sqlType();
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
      return column(column).typeName();
    }

    @Override
    public boolean isReadOnly(int column) throws SQLException {
      column(column);
      return true;
    }

    @Override
    public boolean isWritable(int column) throws SQLException {
      column(column);
      return false;
    }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
      column(column);
      return false;
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
      return column(column).className();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return ReadOnlyResultSet.unwrap(this, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return iface.isInstance(this);
    }
  }
}
