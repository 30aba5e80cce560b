package io.retrace.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retrace.schemas.event.ResultSetData;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's copy of a query's rows, read as an application reads H2's own result set. */
class RecordedResultSetTest {
  private static final String QUERY =
      "select id, name, price, created, note, data from item order by id";

  private Connection db;
  private Statement statement;

  @BeforeEach
  void database() throws SQLException {
    db = DriverManager.getConnection("jdbc:h2:mem:rs-" + UUID.randomUUID());
    statement = db.createStatement();
    statement.execute(
        "create table item(id int primary key, name varchar(50), price decimal(10,2),"
            + " created timestamp, note varchar(50), data varbinary(8))");
    statement.execute(
        "insert into item values"
            + " (1, 'espresso', 2.50, timestamp '2026-11-28 10:15:30.123456', null, X'0102'),"
            + " (2, 'croissant', 3.20, timestamp '2026-11-28 11:00:00', 'fresh', null),"
            + " (3, '42', 0.99, null, 'x', X'FF')");
  }

  @AfterEach
  void close() throws SQLException {
    db.close();
  }

  @Test
  void readsLikeTheDriversResultSetAndClosesIt() throws SQLException {
    ResultSet driver = statement.executeQuery(QUERY);
    RecordedResultSet copy = RecordedResultSet.copy(driver, statement);

    assertThat(driver.isClosed()).isTrue();
    try (ResultSet expected = statement.executeQuery(QUERY)) {
      while (expected.next()) {
        assertThat(copy.next()).isTrue();
        assertThat(copy.getInt("ID")).isEqualTo(expected.getInt("id"));
        assertThat(copy.getString(2)).isEqualTo(expected.getString(2));
        assertThat(copy.getBigDecimal("price")).isEqualTo(expected.getBigDecimal("price"));
        assertThat(copy.getTimestamp("created")).isEqualTo(expected.getTimestamp("created"));
        assertThat(copy.getString("note")).isEqualTo(expected.getString("note"));
        assertThat(copy.wasNull()).isEqualTo(expected.wasNull());
        assertThat(copy.getBytes("data")).isEqualTo(expected.getBytes("data"));
        assertThat(copy.getObject(3)).isEqualTo(expected.getObject(3));
      }
    }
    assertThat(copy.next()).isFalse();
    assertThat(copy.getStatement()).isSameAs(statement);
    assertThat(copy.getMetaData().getColumnCount()).isEqualTo(6);
    assertThat(copy.getMetaData().getColumnLabel(2)).isEqualTo("NAME");
    assertThat(copy.getMetaData().getColumnType(3)).isEqualTo(Types.DECIMAL);
    assertThat(copy.getMetaData().getScale(3)).isEqualTo(2);
    assertThat(copy.getMetaData().getColumnClassName(3)).isEqualTo(BigDecimal.class.getName());
  }

  @Test
  void scrollsAndConvertsBetweenTypes() throws SQLException {
    RecordedResultSet copy = RecordedResultSet.copy(statement.executeQuery(QUERY), statement);

    assertThat(copy.isBeforeFirst()).isTrue();
    assertThat(copy.last()).isTrue();
    assertThat(copy.getRow()).isEqualTo(3);
    assertThat(copy.getInt("name")).isEqualTo(42); // a numeric string
    assertThat(copy.getTimestamp("created")).isNull();
    assertThat(copy.wasNull()).isTrue();
    assertThat(copy.previous()).isTrue();
    assertThat(copy.getString("price")).isEqualTo("3.20");
    assertThat(copy.getDouble("price")).isEqualTo(3.2);
    assertThat(copy.getObject("created", LocalDateTime.class))
        .isEqualTo(LocalDateTime.of(2026, 11, 28, 11, 0));
    assertThat(copy.absolute(1)).isTrue();
    assertThat(copy.getLong(1)).isEqualTo(1L);
    assertThat(copy.getObject("id", String.class)).isEqualTo("1");
    copy.afterLast();
    assertThat(copy.isAfterLast()).isTrue();
    assertThatThrownBy(() -> copy.getInt(1)).isInstanceOf(SQLException.class);
    copy.beforeFirst();
    assertThat(copy.next()).isTrue();
    assertThatThrownBy(() -> copy.findColumn("nope")).isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> copy.updateInt(1, 5)).isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> copy.getInt("name")).isInstanceOf(SQLException.class);
    copy.close();
    assertThatThrownBy(copy::next).isInstanceOf(SQLException.class);
  }

  @Test
  void theEventHoldsTheRowsAndAnswersLikeTheCopy() throws SQLException {
    RecordedResultSet copy = RecordedResultSet.copy(statement.executeQuery(QUERY), statement);

    ResultSetData data = JdbcAdapter.rows(copy, 2);

    assertThat(data.getTruncated()).isTrue();
    assertThat(data.getColumns()).extracting(c -> c.getName()).contains("ID", "PRICE");
    assertThat(data.getRows().get(0))
        .containsExactly(
            1,
            "espresso",
            "2.50",
            "2026-11-28 10:15:30.123456",
            null,
            java.nio.ByteBuffer.wrap(new byte[] {1, 2}));
    // What replay will give the application: the same answers from the recorded values.
    RecordedResultSet replayed = RecordedResultSet.of(data, null);
    copy.beforeFirst();
    List<String> seen = new ArrayList<>();
    while (replayed.next()) {
      assertThat(copy.next()).isTrue();
      assertThat(replayed.getInt("id")).isEqualTo(copy.getInt("id"));
      assertThat(replayed.getString("name")).isEqualTo(copy.getString("name"));
      assertThat(replayed.getBigDecimal("price")).isEqualTo(copy.getBigDecimal("price"));
      assertThat(replayed.getTimestamp("created")).isEqualTo(copy.getTimestamp("created"));
      assertThat(replayed.getBytes("data")).isEqualTo(copy.getBytes("data"));
      assertThat(replayed.getString("note")).isEqualTo(copy.getString("note"));
      seen.add(replayed.getString("name"));
    }
    assertThat(seen).containsExactly("espresso", "croissant");
    assertThat(replayed.getMetaData().getColumnName(2)).isEqualTo("NAME");
  }

  @Test
  void readsTextualTimestampsAndDecimalsOfARecording() throws SQLException {
    RecordedResultSet copy = RecordedResultSet.copy(statement.executeQuery(QUERY), statement);
    RecordedResultSet replayed = RecordedResultSet.of(JdbcAdapter.rows(copy, 10), null);

    assertThat(replayed.first()).isTrue();
    assertThat(replayed.getTimestamp(4)).isEqualTo(Timestamp.valueOf("2026-11-28 10:15:30.123456"));
    assertThat(replayed.getDate(4).toString()).isEqualTo("2026-11-28");
    assertThat(replayed.getBigDecimal(3)).isEqualByComparingTo("2.5");
    assertThat(replayed.getInt(3)).isEqualTo(2);
  }
}
