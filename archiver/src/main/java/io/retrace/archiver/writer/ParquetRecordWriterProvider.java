package io.retrace.archiver.writer;

import io.retrace.archiver.encryption.ColumnEncryption;
import io.retrace.archiver.format.ArchiveTable;
import io.retrace.archiver.storage.ArchiveStorage;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.crypto.FileEncryptionProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.MessageType;

/**
 * Opens Parquet {@link RecordWriter}s on an {@link ArchiveStorage}, with the configured codec and,
 * when enabled, column encryption. The files are those parquet-avro writes for the table's Avro
 * schema ({@link ArchiveWriteSupport}).
 */
public final class ParquetRecordWriterProvider {
  /** Rows hold generated records (with Instants) nested in generic ones. */
  static final SpecificData MODEL = new SpecificData();

  static {
    MODEL.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
  }

  /**
   * Caps a row group held in memory; a file holds several when it grows past this. Memory per open
   * file is bounded by this or by the input bytes it holds, whichever is less.
   */
  static final int ROW_GROUP_BYTES = 32 << 20;

  /**
   * Data page size, instead of Parquet's 1 MB. A column's current page is held uncompressed until
   * it is full, and with dozens of open files of 127 columns most pages would never fill before the
   * file closes: the buffers held about twice the input, and the memory bound closed files early.
   * 64 KB pages are compressed as they fill, so the same files need about a third of the memory,
   * and readers get finer page indexes.
   */
  public static final int PAGE_BYTES = 64 << 10;

  private final ArchiveStorage storage;
  private final Configuration conf;
  private final CompressionCodecName codec;
  private final int zstdLevel;
  private final ColumnEncryption encryption;
  private final Map<ArchiveTable<?>, ArchiveWriteSupport.Plan<?>> plans = new ConcurrentHashMap<>();

  /**
   * @param storage where {@link #open} creates files; null when only {@link #builder} is used
   * @param zstdLevel the ZSTD level, when {@code codec} is ZSTD
   * @param encryption null for none
   */
  public ParquetRecordWriterProvider(
      ArchiveStorage storage,
      Configuration conf,
      CompressionCodecName codec,
      int zstdLevel,
      ColumnEncryption encryption) {
    this.storage = storage;
    this.conf = new Configuration(conf);
    // Three-level lists: the only form that holds lists of lists (JDBC rows) and that every
    // engine reads the same way.
    this.conf.setBoolean("parquet.avro.write-old-list-structure", false);
    this.codec = codec;
    this.zstdLevel = zstdLevel;
    this.encryption = encryption;
  }

  private <V extends SpecificRecord> ArchiveWriteSupport.Plan<V> plan(ArchiveTable<V> table) {
    @SuppressWarnings("unchecked") // keyed by the table
    ArchiveWriteSupport.Plan<V> plan =
        (ArchiveWriteSupport.Plan<V>)
            plans.computeIfAbsent(
                table, t -> new ArchiveWriteSupport.Plan<>(table, parquetSchema(table), MODEL));
    return plan;
  }

  /** The Parquet schema of a table's files. */
  public MessageType parquetSchema(ArchiveTable<?> table) {
    return new AvroSchemaConverter(conf).convert(table.schema());
  }

  /**
   * A parquet-avro writer of {@code table}'s rows ({@link ArchiveTable#toRow}) to {@code out} with
   * every setting the archiver writes with but encryption: the benchmark's baseline, and what tests
   * compare the archiver's files with. The archiver itself writes the same files through {@link
   * ArchiveWriteSupport}.
   */
  public AvroParquetWriter.Builder<GenericRecord> builder(ArchiveTable<?> table, OutputFile out) {
    return withSettings(
        AvroParquetWriter.<GenericRecord>builder(out)
            .withSchema(table.schema())
            .withDataModel(MODEL),
        table);
  }

  private <B extends ParquetWriter.Builder<?, B>> B withSettings(B builder, ArchiveTable<?> table) {
    builder
        .withConf(conf)
        .withCompressionCodec(codec)
        .withCodecFactory(new ZstdPageCodecFactory(conf, PAGE_BYTES, zstdLevel))
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withRowGroupSize((long) ROW_GROUP_BYTES)
        .withPageSize(PAGE_BYTES);
    for (String column : table.uniqueColumns()) {
      builder.withDictionaryEncoding(column, false);
    }
    return builder;
  }

  public <V extends SpecificRecord> RecordWriter<V> open(ArchiveTable<V> table, String relativePath)
      throws IOException {
    ArchiveWriteSupport.Plan<V> plan = plan(table);
    FileEncryptionProperties crypto =
        encryption == null ? null : encryption.propertiesFor(plan.schema(), relativePath);
    ArchiveStorage.PendingFile file = storage.create(relativePath);
    PositionTrackingOutputFile out = new PositionTrackingOutputFile(file.outputFile());
    ParquetWriter<V> writer;
    try {
      writer =
          withSettings(new RowWriterBuilder<>(out, plan), table).withEncryption(crypto).build();
    } catch (IOException | RuntimeException e) {
      file.abort();
      throw e;
    }
    return new RecordWriter<>() {
      @Override
      public void write(V record) throws IOException {
        writer.write(record);
      }

      @Override
      public long bufferedBytes() {
        // Row groups already written to the stream are on disk (or in S3A's disk buffer).
        return Math.max(0, writer.getDataSize() - out.position());
      }

      @Override
      public void commit() throws IOException {
        writer.close();
        file.publish();
      }

      @Override
      public void abort() {
        file.abort();
        try {
          writer.close();
        } catch (IOException | RuntimeException e) {
          // The file was aborted first, so closing only releases buffers and publishes nothing.
        }
      }
    };
  }

  /** Builds writers of {@link ArchiveWriteSupport}. */
  private static final class RowWriterBuilder<V extends SpecificRecord>
      extends ParquetWriter.Builder<V, RowWriterBuilder<V>> {
    private final ArchiveWriteSupport.Plan<V> plan;

    RowWriterBuilder(OutputFile out, ArchiveWriteSupport.Plan<V> plan) {
      super(out);
      this.plan = plan;
    }

    @Override
    protected RowWriterBuilder<V> self() {
      return this;
    }

    @Override
    protected WriteSupport<V> getWriteSupport(Configuration conf) {
      return new ArchiveWriteSupport<>(plan);
    }
  }

  /** Remembers the stream Parquet writes to, so the bytes already flushed can be subtracted. */
  private static final class PositionTrackingOutputFile implements OutputFile {
    private final OutputFile delegate;
    private PositionOutputStream stream;

    PositionTrackingOutputFile(OutputFile delegate) {
      this.delegate = delegate;
    }

    long position() {
      try {
        return stream == null ? 0 : stream.getPos();
      } catch (IOException e) {
        return 0;
      }
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
      stream = delegate.create(blockSizeHint);
      return stream;
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
      stream = delegate.createOrOverwrite(blockSizeHint);
      return stream;
    }

    @Override
    public boolean supportsBlockSize() {
      return delegate.supportsBlockSize();
    }

    @Override
    public long defaultBlockSize() {
      return delegate.defaultBlockSize();
    }

    @Override
    public String getPath() {
      return delegate.getPath();
    }
  }
}
