package io.retrace.archiver.writer;

import io.retrace.archiver.format.ArchiveTable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.Utf8;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation.UUIDLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Writes an archive table's rows straight from the source records: the flat columns, then the
 * record itself as the nested column, in the Parquet schema and with the file metadata that
 * parquet-avro writes for the table's Avro schema, so the files are the same byte for byte ({@code
 * ArchiveWriteSupportTest}) and parquet-avro reads them back as before.
 *
 * <p>What it saves over parquet-avro's {@code AvroWriteSupport}: no generic row per record, a
 * schema walk resolved once per table and thread instead of once per value (field lists, unions,
 * logical types), a string that repeats the column's previous value is not encoded again, and
 * strings reach Parquet as byte-array binaries, which its dictionaries and statistics hash and
 * compare faster than the byte-buffer binaries parquet-avro makes of Java strings.
 */
final class ArchiveWriteSupport<V extends SpecificRecord> extends WriteSupport<V> {
  /** The key under which parquet-avro stores the Avro schema; its reader reads rows with it. */
  static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

  /**
   * What a table's files share, resolved once per table: the Parquet schema, the file metadata and
   * the schema walk.
   */
  static final class Plan<V extends SpecificRecord> {
    private final MessageType schema;
    private final Map<String, String> metadata;
    // The schema walk, one per thread: its caches (union branches, last strings) are then one
    // thread's, and a thread writes the rows of one file in runs, whose values repeat.
    private final ThreadLocal<Group> walk;

    /**
     * @param schema the Parquet schema parquet-avro derives from {@code table.schema()} with the
     *     writer's configuration (three-level lists)
     * @param model the data model of the source records, with their logical-type conversions
     */
    Plan(ArchiveTable<V> table, MessageType schema, GenericData model) {
      this.schema = schema;
      this.metadata = Map.of(AVRO_SCHEMA_KEY, table.schema().toString());
      Class<V> type = table.type();
      this.walk =
          ThreadLocal.withInitial(
              () ->
                  new Group(
                      schema,
                      table.schema(),
                      model,
                      (row, pos) -> table.field(type.cast(row), pos)));
    }

    MessageType schema() {
      return schema;
    }
  }

  private final Plan<V> plan;
  private RecordConsumer out;

  ArchiveWriteSupport(Plan<V> plan) {
    this.plan = plan;
  }

  @Override
  public String getName() {
    // The file's writer.model.name, as parquet-avro records it.
    return "avro";
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(plan.schema, plan.metadata);
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  @Override
  public void write(V record) {
    out.startMessage();
    plan.walk.get().writeFields(out, record);
    out.endMessage();
  }

  /** Writes one non-null value of a Parquet type. */
  private interface ValueWriter {
    void write(RecordConsumer out, Object value);
  }

  /** Reads a field of a record by its Avro position. */
  private interface FieldGetter {
    Object get(Object record, int pos);
  }

  private static ValueWriter writerFor(Type type, Schema avro, GenericData model) {
    Schema s = nonNull(avro);
    LogicalType logical = s.getLogicalType();
    ValueWriter raw = rawWriterFor(type, s, model);
    if (logical == null) {
      return raw;
    }
    Conversion<?> conversion = model.getConversionFor(logical);
    if (conversion == null) {
      return raw;
    }
    Class<?> converted = conversion.getConvertedType();
    return (o, v) ->
        raw.write(
            o,
            converted.isInstance(v) ? Conversions.convertToRawType(v, s, logical, conversion) : v);
  }

  private static ValueWriter rawWriterFor(Type type, Schema s, GenericData model) {
    switch (s.getType()) {
      case BOOLEAN:
        return (o, v) -> o.addBoolean((Boolean) v);
      case INT:
        return (o, v) -> o.addInteger(((Number) v).intValue());
      case LONG:
        return (o, v) -> o.addLong(((Number) v).longValue());
      case FLOAT:
        return (o, v) -> o.addFloat(((Number) v).floatValue());
      case DOUBLE:
        return (o, v) -> o.addDouble(((Number) v).doubleValue());
      case FIXED:
        return (o, v) -> o.addBinary(Binary.fromReusedByteArray(((GenericFixed) v).bytes()));
      case BYTES:
        return (o, v) ->
            o.addBinary(
                v instanceof byte[] b
                    ? Binary.fromReusedByteArray(b)
                    : Binary.fromReusedByteBuffer((ByteBuffer) v));
      case STRING:
        if (type.getLogicalTypeAnnotation() instanceof UUIDLogicalTypeAnnotation) {
          // Only with parquet.avro.write-parquet-uuid, which the archiver does not set.
          throw new IllegalArgumentException("Unsupported UUID column " + type);
        }
        return new StringWriter();
      case ENUM:
        return new EnumWriter(s);
      case RECORD:
        Group group =
            new Group(type.asGroupType(), s, model, (r, pos) -> ((IndexedRecord) r).get(pos));
        return (o, v) -> {
          o.startGroup();
          group.writeFields(o, v);
          o.endGroup();
        };
      case ARRAY:
        return new ListWriter(type.asGroupType(), s, model);
      case MAP:
        return new MapWriter(type.asGroupType(), s, model);
      case UNION:
        return new UnionWriter(type.asGroupType(), s, model);
      default:
        throw new IllegalArgumentException("Unsupported Avro type " + s);
    }
  }

  /** parquet-avro's rule: a union of null and one type is that type, optional. */
  private static Schema nonNull(Schema s) {
    if (s.getType() == Schema.Type.UNION && s.getTypes().size() == 2) {
      List<Schema> types = s.getTypes();
      if (types.get(0).getType() == Schema.Type.NULL) {
        return types.get(1);
      } else if (types.get(1).getType() == Schema.Type.NULL) {
        return types.get(0);
      }
    }
    return s;
  }

  private static Binary string(Object v) {
    if (v instanceof Utf8 u) {
      return Binary.fromReusedByteArray(u.getBytes(), 0, u.getByteLength());
    }
    return Binary.fromConstantByteArray(v.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A record's fields (or the row's columns), in order, skipping nulls as parquet-avro does. */
  private static final class Group {
    private final String[] names;
    private final int[] avroPositions;
    private final boolean[] required;
    private final ValueWriter[] writers;
    private final FieldGetter getter;

    Group(GroupType type, Schema avro, GenericData model, FieldGetter getter) {
      this.getter = getter;
      List<Schema.Field> fields =
          avro.getFields().stream().filter(f -> f.schema().getType() != Schema.Type.NULL).toList();
      int n = fields.size();
      names = new String[n];
      avroPositions = new int[n];
      required = new boolean[n];
      writers = new ValueWriter[n];
      for (int i = 0; i < n; i++) {
        Schema.Field f = fields.get(i);
        Type t = type.getType(i);
        names[i] = t.getName();
        avroPositions[i] = f.pos();
        required[i] = t.isRepetition(Type.Repetition.REQUIRED);
        writers[i] = writerFor(t, f.schema(), model);
      }
    }

    void writeFields(RecordConsumer o, Object record) {
      for (int i = 0; i < writers.length; i++) {
        Object v = getter.get(record, avroPositions[i]);
        if (v != null) {
          o.startField(names[i], i);
          writers[i].write(o, v);
          o.endField(names[i], i);
        } else if (required[i]) {
          throw new IllegalArgumentException("Null value for required field " + names[i]);
        }
      }
    }
  }

  /** A union of several non-null types: a group with one optional {@code memberN} per type. */
  private static final class UnionWriter implements ValueWriter {
    private final Schema schema;
    private final GenericData model;
    private final String[] names;
    private final int[] members;
    private final ValueWriter[] writers;
    // Which Avro branch a value's class resolves to, filled as classes turn up: with specific and
    // Java types the class decides the branch, and a scan of a few classes beats resolveUnion.
    private Class<?>[] classes = new Class<?>[0];
    private int[] branches = new int[0];

    UnionWriter(GroupType type, Schema avro, GenericData model) {
      this.schema = avro;
      this.model = model;
      List<Schema> types = avro.getTypes();
      names = new String[types.size()];
      members = new int[types.size()];
      writers = new ValueWriter[types.size()];
      int member = 0;
      for (int i = 0; i < types.size(); i++) {
        if (types.get(i).getType() == Schema.Type.NULL) {
          continue;
        }
        names[i] = "member" + member;
        members[i] = member;
        writers[i] = writerFor(type.getType(member), types.get(i), model);
        member++;
      }
    }

    @Override
    public void write(RecordConsumer o, Object v) {
      int branch = branch(v);
      o.startGroup();
      o.startField(names[branch], members[branch]);
      writers[branch].write(o, v);
      o.endField(names[branch], members[branch]);
      o.endGroup();
    }

    private int branch(Object v) {
      Class<?> c = v.getClass();
      for (int i = 0; i < classes.length; i++) {
        if (classes[i] == c) {
          return branches[i];
        }
      }
      int branch = model.resolveUnion(schema, v);
      int n = classes.length;
      classes = Arrays.copyOf(classes, n + 1);
      branches = Arrays.copyOf(branches, n + 1);
      classes[n] = c;
      branches[n] = branch;
      return branch;
    }
  }

  /** A three-level list: {@code <name> (LIST) { repeated group list { element } }}. */
  private static final class ListWriter implements ValueWriter {
    private final ValueWriter element;
    private final boolean elementOptional;

    ListWriter(GroupType type, Schema avro, GenericData model) {
      Type elementType = type.getType(0).asGroupType().getType(0);
      this.element = writerFor(elementType, avro.getElementType(), model);
      this.elementOptional = elementType.isRepetition(Type.Repetition.OPTIONAL);
    }

    @Override
    public void write(RecordConsumer o, Object v) {
      Collection<?> items = (Collection<?>) v;
      o.startGroup();
      if (!items.isEmpty()) {
        o.startField("list", 0);
        for (Object item : items) {
          o.startGroup();
          if (item != null) {
            o.startField("element", 0);
            element.write(o, item);
            o.endField("element", 0);
          } else if (!elementOptional) {
            throw new IllegalArgumentException("Null list element");
          }
          o.endGroup();
        }
        o.endField("list", 0);
      }
      o.endGroup();
    }
  }

  /** A map: {@code <name> (MAP) { repeated group key_value { key; value } }}. */
  private static final class MapWriter implements ValueWriter {
    private final StringWriter key = new StringWriter();
    private final ValueWriter value;
    private final boolean valueOptional;

    MapWriter(GroupType type, Schema avro, GenericData model) {
      Type valueType = type.getType(0).asGroupType().getType(1);
      this.value = writerFor(valueType, avro.getValueType(), model);
      this.valueOptional = valueType.isRepetition(Type.Repetition.OPTIONAL);
    }

    @Override
    public void write(RecordConsumer o, Object v) {
      Map<?, ?> map = (Map<?, ?>) v;
      o.startGroup();
      if (!map.isEmpty()) {
        o.startField("key_value", 0);
        for (Map.Entry<?, ?> e : map.entrySet()) {
          o.startGroup();
          o.startField("key", 0);
          key.write(o, e.getKey());
          o.endField("key", 0);
          if (e.getValue() != null) {
            o.startField("value", 1);
            value.write(o, e.getValue());
            o.endField("value", 1);
          } else if (!valueOptional) {
            throw new IllegalArgumentException("Null map value");
          }
          o.endGroup();
        }
        o.endField("key_value", 0);
      }
      o.endGroup();
    }
  }

  /**
   * A string column. Within a file many repeat the previous row's value (the file's service and
   * recording, header names, SQL), so the last value's bytes are kept and handed over again:
   * encoding and allocation are saved, and Parquet's dictionary finds the very same bytes. It holds
   * one value per string column, table and encoding thread.
   */
  private static final class StringWriter implements ValueWriter {
    private String last;
    private Binary lastBinary;

    @Override
    public void write(RecordConsumer o, Object v) {
      if (v instanceof String s) {
        if (!s.equals(last)) {
          // A fresh array nobody changes: Parquet may keep it (dictionary, statistics) uncopied.
          lastBinary = Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8));
          last = s;
        }
        o.addBinary(lastBinary);
      } else {
        o.addBinary(string(v));
      }
    }
  }

  /** An enum symbol, as UTF-8; the symbols' binaries are made once. */
  private static final class EnumWriter implements ValueWriter {
    private final Map<String, Binary> symbols = new HashMap<>();

    EnumWriter(Schema avro) {
      for (String symbol : avro.getEnumSymbols()) {
        symbols.put(symbol, Binary.fromConstantByteArray(symbol.getBytes(StandardCharsets.UTF_8)));
      }
    }

    @Override
    public void write(RecordConsumer o, Object v) {
      String symbol = v.toString();
      Binary b = symbols.get(symbol);
      o.addBinary(b != null ? b : string(symbol));
    }
  }
}
