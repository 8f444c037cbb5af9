package org.postiljon.store.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postiljon.store.sql.Dialect;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** SQLite: WAL, full fsync on commit, foreign keys on, a busy timeout for the admin CLI's writes. */
final class SqliteDialect implements Dialect {

    @Override
    public void configure(Connection c, boolean writer) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("PRAGMA journal_mode = WAL");
            // FULL: in WAL mode the WAL is fsync'd at every commit, so an acknowledged delivery
            // survives power loss, not only a process crash.
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA foreign_keys = ON");
            s.execute("PRAGMA temp_store = MEMORY");
        }
        // casemap(text): the i;unicode-casemap sort key (Collation.key), for the migration that
        // turned stored sort keys into such keys (V16); SQLite's upper() folds ASCII only.
        if (writer) org.sqlite.Function.create(c, "casemap", new org.sqlite.Function() {
            @Override
            protected void xFunc() throws SQLException {
                String v = value_text(0);
                if (v == null) result(); else result(org.postiljon.mailbox.api.Collation.key(v));
            }
        });
    }

    /** In WAL mode NORMAL still survives a process crash; only FULL survives a power failure too. */
    @Override
    public void syncCommits(Connection writer, boolean sync) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute(sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        }
    }

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return e instanceof SQLiteException s
                && (s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
    }

    @Override
    public boolean isStorageFull(SQLException e) {
        // SQLITE_FULL, and the extended codes built on it (the primary code is the low byte).
        return e instanceof SQLiteException s && (s.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_FULL.code;
    }

    @Override
    public String joinInThisOrder() {
        return "CROSS JOIN";
    }

    @Override
    public String useIndex(String index) {
        return " INDEXED BY " + index;
    }
}
