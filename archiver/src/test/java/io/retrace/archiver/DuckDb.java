package io.retrace.archiver;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** DuckDB over a local archive, offline: one view per table, as in docs/querying.md. */
final class DuckDb implements AutoCloseable {
  private final Connection connection;

  DuckDb(Path archive) throws SQLException {
    Properties props = new Properties();
    // Never download extensions: Parquet is built in.
    props.setProperty("autoinstall_known_extensions", "false");
    props.setProperty("autoload_known_extensions", "false");
    connection = DriverManager.getConnection("jdbc:duckdb:", props);
    for (String table : List.of("events", "sessions", "recordings", "audit")) {
      if (!ArchiveContents.files(archive, table).isEmpty()) {
        execute(
            "CREATE VIEW "
                + table
                + " AS SELECT * FROM read_parquet('"
                + archive.resolve(table)
                + "/**/*.parquet', hive_partitioning = true)");
      }
    }
  }

  void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  /** The rows of {@code sql}, each as a list of column values. */
  List<List<Object>> query(String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
