package org.postiljon.store.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postiljon.store.sql.Dialect;

/**
 * PostgreSQL: readers see one snapshot per transaction (REPEATABLE READ, as a SQLite read
 * transaction does), sort keys compare byte by byte (the database's collation must be "C"), and
 * relaxed commits are {@code synchronous_commit = off}.
 */
final class PostgresDialect implements Dialect {

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public void configure(Connection c, boolean writer) throws SQLException {
        if (!writer) c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT datcollate FROM pg_database WHERE datname = current_database()")) {
            String collation = rs.next() ? rs.getString(1) : "?";
            // Sort keys (Collation.key) and IMAP's ASCII-only case folding assume byte order.
            if (!collation.equals("C") && !collation.equals("POSIX")) {
                throw new SQLException("the database's collation is " + collation + "; Postiljon needs \"C\": "
                        + "CREATE DATABASE ... ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
            }
        }
    }

    /** One number for "Postiljon's schema" among the database's advisory locks. */
    private static final long SCHEMA_LOCK = 0x506f7374696c6aL; // "Postilj"

    @Override
    public void lockSchema(Statement s) throws SQLException {
        s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
    }

    private static final long GROUP_LOCK = 0x506f7374696c6bL;

    @Override
    public void lockGroup(Statement s) throws SQLException {
        s.execute("SELECT pg_advisory_xact_lock(" + GROUP_LOCK + ")");
    }

    @Override
    public boolean writesInWith() {
        return true;
    }

    @Override
    public String skipLocked() {
        return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    public boolean isStorageFull(SQLException e) {
        return "53100".equals(e.getSQLState()); // disk_full
    }

    /** Under the "C" ctype ILIKE folds the ASCII letters only, as SQLite's LIKE. */
    @Override
    public String caseInsensitiveLike() {
        return "ILIKE";
    }

    @Override
    public String threadRoot() {
        return "CASE WHEN refs IS NULL OR refs = '' THEN message_id ELSE substr(refs, 1, strpos(refs || ' ', ' ') - 1) END";
    }

    @Override
    public void syncCommits(Connection writer, boolean sync) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute(sync ? "SET synchronous_commit = on" : "SET synchronous_commit = off");
        }
    }
}
