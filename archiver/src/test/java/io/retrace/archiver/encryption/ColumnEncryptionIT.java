package io.retrace.archiver.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.archiver.ArchiverConfig.EncryptionSettings;
import io.retrace.archiver.format.ArchiveTables;
import io.retrace.archiver.storage.LocalArchiveStorage;
import io.retrace.archiver.writer.ParquetRecordWriterProvider;
import io.retrace.archiver.writer.RecordWriter;
import io.retrace.schemas.event.Header;
import io.retrace.schemas.event.HttpExchange;
import io.retrace.schemas.event.RecordedEvent;
import io.retrace.testkit.EventBuilder;
import io.retrace.testkit.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet modular encryption of the sensitive columns, on real files. */
class ColumnEncryptionIT {
  private static final String BODY_CANARY = "CANARY-BODY-7f3a";
  private static final String HEADER_CANARY = "CANARY-HEADER-91c2";
  private static final String PARAM_CANARY = "CANARY-PARAM-55d0";
  private static final String ROW_CANARY = "CANARY-ROW-e81b";

  @TempDir Path dir;

  @Test
  void sensitiveColumnsAreUnreadableWithoutKeysAndTheRestStaysQueryable() throws Exception {
    Path keys = keyFile();
    List<RecordedEvent> events = events();
    Path encrypted = write(events, settings(keys, true), "encrypted.parquet");

    byte[] raw = Files.readAllBytes(encrypted);
    for (String canary : List.of(BODY_CANARY, HEADER_CANARY, PARAM_CANARY, ROW_CANARY)) {
      assertThat(contains(raw, canary)).as("%s in the file", canary).isFalse();
    }

    // Plaintext footer: non-sensitive columns read without any key.
    List<GenericRecord> plain = read(encrypted, projection(), null);
    assertThat(plain).hasSize(events.size());
    assertThat(plain.get(0).get("event_id")).hasToString(events.get(0).getEventId());
    assertThat(plain.get(1).get("sql")).hasToString("select * from cards where number = ?");

    // An engine with no keys at all (DuckDB) reads the plain columns and fails on the others.
    Properties props = new Properties();
    props.setProperty("autoinstall_known_extensions", "false");
    props.setProperty("autoload_known_extensions", "false");
    String from = " FROM read_parquet('" + encrypted + "')";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:", props);
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*), min(service_name)" + from)) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(2);
        assertThat(rs.getString(2)).isEqualTo("orders");
      }
      assertThatThrownBy(
              () -> st.executeQuery("SELECT event.payload.member0.responseBody.bytes" + from))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("encrypted");
    }
    // The whole row, sensitive columns included, needs the keys.
    assertThatThrownBy(() -> read(encrypted, null, null)).isInstanceOf(Exception.class);

    List<GenericRecord> decrypted = read(encrypted, null, decryption(keys));
    assertThat(decrypted.get(0).toString()).contains(HEADER_CANARY);
    assertThat(decrypted.get(1).toString()).contains(PARAM_CANARY, ROW_CANARY);
    GenericRecord http =
        (GenericRecord) ((GenericRecord) decrypted.get(0).get("event")).get("payload");
    GenericRecord body = (GenericRecord) http.get("responseBody");
    assertThat(StandardCharsets.UTF_8.decode((java.nio.ByteBuffer) body.get("bytes")).toString())
        .isEqualTo(BODY_CANARY);
  }

  @Test
  void withoutEncryptionTheCanariesAreInTheFile() throws Exception {
    Path plain = write(events(), null, "plain.parquet");
    byte[] raw = Files.readAllBytes(plain);
    assertThat(contains(raw, BODY_CANARY)).isTrue();
    assertThat(contains(raw, PARAM_CANARY)).isTrue();
  }

  @Test
  void anEncryptedFooterHidesEvenTheSchemaFromReadersWithoutKeys() throws Exception {
    Path keys = keyFile();
    Path file = write(events(), settings(keys, false), "footer.parquet");
    assertThatThrownBy(() -> read(file, projection(), null)).isInstanceOf(Exception.class);
    assertThat(read(file, projection(), decryption(keys))).hasSize(2);
  }

  @Test
  void aWrongKeyIsRefused() throws Exception {
    Path keys = keyFile();
    Path file = write(events(), settings(keys, true), "wrong.parquet");
    Path otherKeys = keyFile();
    assertThatThrownBy(() -> read(file, null, decryption(otherKeys))).isInstanceOf(Exception.class);
  }

  @Test
  void configuredGroupsCoverTheirLeafColumns() {
    ColumnEncryption encryption =
        new ColumnEncryption(settings(dir.resolve("unused"), true), new Configuration());
    ParquetRecordWriterProvider provider =
        new ParquetRecordWriterProvider(
            null, new Configuration(), CompressionCodecName.ZSTD, 3, null);
    List<String> columns =
        encryption.sensitiveColumns(provider.parquetSchema(ArchiveTables.EVENTS));
    assertThat(columns)
        .contains(
            "event.payload.member0.responseBody.bytes",
            "event.payload.member0.requestHeaders.list.element.value")
        .noneMatch(c -> c.startsWith("event_id") || c.startsWith("sql"));
    assertThat(encryption.sensitiveColumns(provider.parquetSchema(ArchiveTables.AUDIT))).isEmpty();
  }

  private static List<RecordedEvent> events() {
    EventBuilder b = Events.event().recording("rec-enc");
    RecordedEvent http = b.httpServer("POST", "/cards", 200);
    HttpExchange h = (HttpExchange) http.getPayload();
    h.setResponseBody(EventBuilder.json(BODY_CANARY));
    h.setRequestHeaders(List.of(new Header("Authorization", HEADER_CANARY)));
    RecordedEvent jdbc =
        b.jdbcQuery(
            "select * from cards where number = ?",
            List.of("number"),
            List.of(List.<Object>of(ROW_CANARY)));
    ((io.retrace.schemas.event.JdbcCall) jdbc.getPayload())
        .setParameters(
            List.of(
                io.retrace.schemas.event.JdbcParameter.newBuilder()
                    .setIndex(1)
                    .setValue(PARAM_CANARY)
                    .build()));
    return List.of(http, jdbc);
  }

  private Path write(List<RecordedEvent> events, EncryptionSettings settings, String name)
      throws Exception {
    Configuration conf = new Configuration();
    ParquetRecordWriterProvider provider =
        new ParquetRecordWriterProvider(
            new LocalArchiveStorage(dir),
            conf,
            // Uncompressed, so that any plaintext would show in the bytes.
            CompressionCodecName.UNCOMPRESSED,
            3,
            settings == null ? null : new ColumnEncryption(settings, conf));
    RecordWriter<RecordedEvent> writer = provider.open(ArchiveTables.EVENTS, name);
    for (RecordedEvent e : events) {
      writer.write(e);
    }
    writer.commit();
    return dir.resolve(name);
  }

  private static EncryptionSettings settings(Path keys, boolean plaintextFooter) {
    return new EncryptionSettings(
        true,
        keys,
        "footer",
        "columns",
        plaintextFooter,
        List.of(
            "event.payload.member0.requestHeaders",
            "event.payload.member0.requestBody",
            "event.payload.member0.responseHeaders",
            "event.payload.member0.responseBody",
            "event.payload.member1.parameters",
            "event.payload.member1.resultSet"));
  }

  private Path keyFile() throws Exception {
    SecureRandom random = new SecureRandom();
    StringBuilder out = new StringBuilder();
    for (String id : List.of("footer", "columns")) {
      byte[] key = new byte[16];
      random.nextBytes(key);
      out.append(id).append('=').append(Base64.getEncoder().encodeToString(key)).append('\n');
    }
    Path file = dir.resolve("keys-" + UUID.randomUUID() + ".properties");
    Files.writeString(file, out);
    return file;
  }

  /** Decryption through the same KMS client; a fresh token so no cached client is reused. */
  private static FileDecryptionProperties decryption(Path keys) {
    Configuration conf = new Configuration();
    conf.set("parquet.encryption.kms.client.class", LocalKeyFileKmsClient.class.getName());
    conf.set(LocalKeyFileKmsClient.KEY_FILE, keys.toString());
    conf.set("parquet.encryption.key.access.token", UUID.randomUUID().toString());
    return new PropertiesDrivenCryptoFactory().getFileDecryptionProperties(conf, null);
  }

  private static Schema projection() {
    return SchemaBuilder.record("EventsRow")
        .namespace("io.retrace.archive")
        .fields()
        .requiredString("event_id")
        .optionalString("sql")
        .endRecord();
  }

  private static List<GenericRecord> read(
      Path file, Schema projection, FileDecryptionProperties decryption) throws Exception {
    Configuration conf = new Configuration();
    if (projection != null) {
      AvroReadSupport.setRequestedProjection(conf, projection);
    }
    List<GenericRecord> rows = new ArrayList<>();
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
            .withDataModel(GenericData.get())
            .withConf(conf)
            .withDecryption(decryption)
            .build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        rows.add(r);
      }
    }
    return rows;
  }

  private static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
