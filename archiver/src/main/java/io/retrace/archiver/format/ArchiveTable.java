package io.retrace.archiver.format;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * One archive table: the Avro schema of its Parquet files (flat analyst columns beside the whole
 * source record, nested), how a source record becomes a row, which folder it goes to and which time
 * it carries. Built from the event schemas; the event schemas themselves are not changed.
 *
 * <p>Flat column names never equal a partition name ({@code service}, {@code date}, {@code
 * recording}): engines let a path value override a same-named file column.
 */
public final class ArchiveTable<V extends SpecificRecord> {
  private static final long SECONDS_PER_DAY = 86_400;

  private final String name;
  private final Class<V> type;
  private final Schema schema;
  // An array: field runs for every column of every row on the encoding threads.
  private final Column<V>[] columns;
  private final Function<V, OutputPartition> partition;
  private final Function<V, Instant> recordTime;
  private final List<String> uniqueColumns;

  /** A flat column: its name, Avro type and how to read it off a source record. */
  record Column<V>(String name, Schema schema, Function<V, Object> value) {}

  private ArchiveTable(
      String name,
      Class<V> type,
      Schema sourceSchema,
      String nestedField,
      List<Column<V>> columns,
      Function<V, OutputPartition> partition,
      Function<V, Instant> recordTime,
      List<String> uniqueColumns) {
    this.name = name;
    this.uniqueColumns = List.copyOf(uniqueColumns);
    this.type = type;
    @SuppressWarnings("unchecked")
    Column<V>[] array = columns.toArray(new Column[0]);
    this.columns = array;
    this.partition = partition;
    this.recordTime = recordTime;
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record(rowName(name))
            .namespace("io.retrace.archive")
            .doc("Archive row of the " + name + " table")
            .fields();
    for (Column<V> c : columns) {
      fields = fields.name(c.name()).type(c.schema()).noDefault();
    }
    this.schema = fields.name(nestedField).type(sourceSchema).noDefault().endRecord();
  }

  public String name() {
    return name;
  }

  public Class<V> type() {
    return type;
  }

  /** The Avro schema the Parquet files are written with. */
  public Schema schema() {
    return schema;
  }

  /**
   * Column paths whose values are (nearly) unique per row, e.g. ids and timestamps: dictionary
   * encoding cannot compress them and only costs hashing, so they are written without.
   */
  public List<String> uniqueColumns() {
    return uniqueColumns;
  }

  public OutputPartition partitionOf(V value) {
    return partition.apply(value);
  }

  /** The time the record is about (event time), which record-time rotation is based on. */
  public Instant recordTime(V value) {
    return recordTime.apply(value);
  }

  /**
   * Field {@code pos} of {@code value}'s row in {@link #schema}: a flat column, or the source
   * record itself as the last, nested field.
   */
  public Object field(V value, int pos) {
    return pos < columns.length ? columns[pos].value().apply(value) : value;
  }

  /**
   * The row as a generic record, the way parquet-avro's writer takes it: for comparisons with
   * parquet-avro (the benchmark's baseline, tests); the archiver itself writes rows from the source
   * record without building one.
   */
  public GenericRecord toRow(V value) {
    GenericData.Record row = new GenericData.Record(schema);
    for (int i = 0; i <= columns.length; i++) {
      row.put(i, field(value, i));
    }
    return row;
  }

  /** UTC calendar date of an instant, as used in the {@code date=} partition. */
  public static LocalDate utcDate(Instant time) {
    // Not LocalDate.ofInstant: ZoneOffset.UTC builds its rules anew on every call, for each record.
    return LocalDate.ofEpochDay(Math.floorDiv(time.getEpochSecond(), SECONDS_PER_DAY));
  }

  static <V extends SpecificRecord> Builder<V> builder(
      String name, Class<V> type, Schema sourceSchema, String nestedField) {
    return new Builder<>(name, type, sourceSchema, nestedField);
  }

  private static String rowName(String table) {
    return Character.toUpperCase(table.charAt(0)) + table.substring(1) + "Row";
  }

  /** Declares a table's flat columns in order. */
  static final class Builder<V extends SpecificRecord> {
    private static final Schema STRING = Schema.create(Schema.Type.STRING);
    private static final Schema OPT_STRING = optional(STRING);
    private static final Schema TIMESTAMP =
        LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));

    private final String name;
    private final Class<V> type;
    private final Schema sourceSchema;
    private final String nestedField;
    private final List<Column<V>> columns = new ArrayList<>();
    private final List<String> unique = new ArrayList<>();

    private Builder(String name, Class<V> type, Schema sourceSchema, String nestedField) {
      this.name = name;
      this.type = type;
      this.sourceSchema = sourceSchema;
      this.nestedField = nestedField;
    }

    Builder<V> string(String column, Function<V, Object> value) {
      columns.add(new Column<>(column, STRING, v -> str(value.apply(v))));
      return this;
    }

    Builder<V> optString(String column, Function<V, Object> value) {
      columns.add(new Column<>(column, OPT_STRING, v -> str(value.apply(v))));
      return this;
    }

    /** A timestamp-micros column; the function returns the instant. */
    Builder<V> timestamp(String column, Function<V, Instant> value) {
      columns.add(new Column<>(column, TIMESTAMP, v -> micros(value.apply(v))));
      return this;
    }

    Builder<V> optTimestamp(String column, Function<V, Instant> value) {
      columns.add(new Column<>(column, optional(TIMESTAMP), v -> micros(value.apply(v))));
      return this;
    }

    Builder<V> optInt(String column, Function<V, Integer> value) {
      columns.add(
          new Column<>(column, optional(Schema.create(Schema.Type.INT)), v -> value.apply(v)));
      return this;
    }

    Builder<V> optLong(String column, Function<V, Long> value) {
      columns.add(
          new Column<>(column, optional(Schema.create(Schema.Type.LONG)), v -> value.apply(v)));
      return this;
    }

    Builder<V> optDouble(String column, Function<V, Double> value) {
      columns.add(
          new Column<>(column, optional(Schema.create(Schema.Type.DOUBLE)), v -> value.apply(v)));
      return this;
    }

    Builder<V> bool(String column, Function<V, Boolean> value) {
      columns.add(new Column<>(column, Schema.create(Schema.Type.BOOLEAN), v -> value.apply(v)));
      return this;
    }

    /** Marks column paths (flat or nested, dotted) as unique per row. */
    Builder<V> unique(String... paths) {
      unique.addAll(List.of(paths));
      return this;
    }

    ArchiveTable<V> build(Function<V, OutputPartition> partition, Function<V, Instant> recordTime) {
      return new ArchiveTable<>(
          name, type, sourceSchema, nestedField, columns, partition, recordTime, unique);
    }

    private static Schema optional(Schema s) {
      return Schema.createUnion(Schema.create(Schema.Type.NULL), s);
    }

    private static String str(Object o) {
      return o == null ? null : o.toString();
    }

    // Flat columns hold raw micros; only the nested source record carries Instants.
    private static Long micros(Instant t) {
      return t == null ? null : t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
  }
}
