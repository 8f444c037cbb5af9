package org.postiljon.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.store.spi.ChangeRecord;
import org.postiljon.store.spi.WriteTx;

/** The connection inside a transaction and the statement helpers every section of {@link SqlTx} uses. */
abstract class SqlBase implements WriteTx {

    static final String MESSAGE_COLUMNS =
            "mailbox_id, uid, modseq, flags, internal_date, save_date, size, blob_id, length(trace)"; // NULL trace: length 0
    static final String ACCOUNT_COLUMNS =
            "id, address, password_hash, scram_salt, scram_iterations, scram_stored_key, scram_server_key, quota_bytes, quota_messages, kind";

    final Connection c;
    final Dialect dialect;
    final Map<String, PreparedStatement> statements;

    SqlBase(Connection c, Dialect dialect, Map<String, PreparedStatement> statements) {
        this.c = c;
        this.dialect = dialect;
        this.statements = statements;
    }

    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement p = statements.get(sql);
        if (p == null) {
            p = c.prepareStatement(sql);
            statements.put(sql, p);
        }
        p.clearParameters();
        return p;
    }

    @FunctionalInterface
    interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    PreparedStatement bind(String sql, Object... args) throws SQLException {
        PreparedStatement p = prepare(sql);
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) p.setNull(i + 1, Types.NULL);
            else if (a instanceof Long l) p.setLong(i + 1, l);
            else if (a instanceof Integer n) p.setInt(i + 1, n);
            else if (a instanceof Boolean b) p.setInt(i + 1, b ? 1 : 0);
            else if (a instanceof byte[] bytes) p.setBytes(i + 1, bytes);
            else p.setString(i + 1, a.toString());
        }
        return p;
    }

    <T> List<T> query(String sql, Rows<T> row, Object... args) {
        try (ResultSet rs = bind(sql, args).executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) out.add(row.read(rs));
            return out;
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    <T> Optional<T> one(String sql, Rows<T> row, Object... args) {
        List<T> all = query(sql, row, args);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getFirst());
    }

    long number(String sql, Object... args) {
        return one(sql, rs -> rs.getLong(1), args).orElse(0L);
    }

    int update(String sql, Object... args) {
        try {
            return bind(sql, args).executeUpdate();
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    RuntimeException failure(String sql, SQLException e) {
        if (dialect.isUniqueViolation(e)) return new UniqueViolation(e);
        return StoreFailure.of(dialect, "query failed: " + sql.lines().findFirst().orElse(sql), e);
    }

    /** A unique constraint fired; callers turn it into the domain's "already exists". */
    static final class UniqueViolation extends RuntimeException {
        UniqueViolation(SQLException cause) { super(cause.getMessage(), cause, false, false); }
    }

    static final String INSERT_LOG = "INSERT INTO change_log (account_id, modseq, mailbox_id, uid, kind) VALUES (?, ?, ?, ?, ?)";

    /** A row of the change log (JMAP /changes, QRESYNC tombstones). */
    void log(long accountId, long modSeq, long mailboxId, long uid, ChangeRecord.Kind kind) {
        update(INSERT_LOG, accountId, modSeq, mailboxId, uid, kind.name());
    }

    /** Message files no message refers to any more, for the sweeper (decision in docs/storage.md). */
    void noteOrphans(java.util.Collection<BlobId> blobs) {
        long now = System.currentTimeMillis();
        for (BlobId b : blobs) {
            if (!isReferenced(b)) {
                update("INSERT INTO blob_orphan (blob_id, since) VALUES (?, ?) ON CONFLICT DO NOTHING", b.sha256(), now);
            }
        }
    }

    /** The first column of every row, as UIDs. */
    long[] uids(String sql, Object... args) {
        try (ResultSet rs = bind(sql, args).executeQuery()) {
            long[] out = new long[64];
            int n = 0;
            while (rs.next()) {
                if (n == out.length) out = Arrays.copyOf(out, n * 2);
                out[n++] = rs.getLong(1);
            }
            return Arrays.copyOf(out, n);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }
}
