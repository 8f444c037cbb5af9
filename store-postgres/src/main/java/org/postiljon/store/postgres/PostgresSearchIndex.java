package org.postiljon.store.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.store.spi.SearchFolding;
import org.postiljon.store.spi.SearchIndex;

/**
 * The search index every node over one PostgreSQL shares (schema V21, table {@code fts_text}):
 * one row per content and field with the folded text ({@link SearchFolding}), found through a
 * pg_trgm GIN index. A substring search is {@code folded LIKE '%needle%'} on the folded needle:
 * exactly the contents whose folded text contains it, the rule the Lucene index of the embedded
 * store follows, so a search answers the same on either. Puts go into one transaction that
 * {@link #commit} ends, as the indexer expects.
 */
public final class PostgresSearchIndex implements SearchIndex {

    /** The row every indexed content has, even with no text: {@link #size} counts these. */
    private static final Field ALWAYS = Field.TEXT;

    private final DataSource pool;
    private final ReentrantLock writing = new ReentrantLock();
    private Connection writer;

    public PostgresSearchIndex(DataSource pool) {
        this.pool = pool;
    }

    /** PostgreSQL text cannot hold NUL. */
    private static String storable(String s) {
        return s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    private Connection writer() throws SQLException {
        if (writer == null) {
            writer = pool.getConnection();
            writer.setAutoCommit(false);
        }
        return writer;
    }

    @Override
    public void put(BlobId blob, Map<Field, String> texts) throws IOException {
        boolean ambiguous = texts.values().stream().anyMatch(t -> t != null && SearchFolding.ambiguous(t));
        writing.lock();
        try {
            delete(blob);
            try (PreparedStatement p = writer().prepareStatement("INSERT INTO fts_text (blob_id, field, folded, ambiguous) VALUES (?, ?, ?, ?)"
                    // Two nodes may index the same new content at once: the later one waits and writes the same rows again.
                    + " ON CONFLICT (blob_id, field) DO UPDATE SET folded = excluded.folded, ambiguous = excluded.ambiguous")) {
                for (Field f : Field.values()) {
                    String t = texts.get(f);
                    if ((t == null || t.isEmpty()) && f != ALWAYS) continue;
                    p.setString(1, blob.sha256());
                    p.setString(2, f.name());
                    p.setString(3, t == null ? "" : storable(SearchFolding.folded(t)));
                    p.setBoolean(4, ambiguous);
                    p.addBatch();
                }
                p.executeBatch();
            }
        } catch (SQLException e) {
            throw failed("indexing " + blob, e);
        } finally {
            writing.unlock();
        }
    }

    private void delete(BlobId blob) throws SQLException {
        try (PreparedStatement p = writer().prepareStatement("DELETE FROM fts_text WHERE blob_id = ?")) {
            p.setString(1, blob.sha256());
            p.executeUpdate();
        }
    }

    @Override
    public void remove(BlobId blob) throws IOException {
        writing.lock();
        try {
            delete(blob);
        } catch (SQLException e) {
            throw failed("removing " + blob, e);
        } finally {
            writing.unlock();
        }
    }

    @Override
    public void commit() throws IOException {
        writing.lock();
        try {
            if (writer != null) writer.commit();
        } catch (SQLException e) {
            throw failed("committing", e);
        } finally {
            writing.unlock();
        }
    }

    /** A failed write loses the uncommitted batch: the connection goes back rolled back, the indexer puts it again. */
    private IOException failed(String what, SQLException e) {
        if (writer != null) {
            try {
                writer.rollback();
                writer.close();
            } catch (SQLException ignored) {
                // a broken connection: the pool drops it
            }
            writer = null;
        }
        return new IOException("search index: " + what + " failed: " + e.getMessage(), e);
    }

    @Override
    public Hits candidates(Field field, String text) throws IOException {
        String needle = SearchFolding.folded(text);
        if (needle.codePointCount(0, needle.length()) < 3) return null;
        String pattern = "%" + storable(needle).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        boolean certain = SearchFolding.certainFor(text);
        try (Connection c = pool.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT blob_id, ambiguous FROM fts_text WHERE field = ? AND folded LIKE ? ESCAPE '\\'")) {
            p.setString(1, field.name());
            p.setString(2, pattern);
            Set<String> all = new HashSet<>(), sure = new HashSet<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    all.add(rs.getString(1));
                    if (certain && !rs.getBoolean(2)) sure.add(rs.getString(1));
                }
            }
            return new Hits(all, sure);
        } catch (SQLException e) {
            throw new IOException("search index: " + e.getMessage(), e);
        }
    }

    @Override
    public long size() throws IOException {
        try (Connection c = pool.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT count(*) FROM fts_text WHERE field = ?")) {
            p.setString(1, ALWAYS.name());
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IOException("search index: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        writing.lock();
        try {
            if (writer != null) writer.close();
        } catch (SQLException ignored) {
            // closing anyway
        } finally {
            writer = null;
            writing.unlock();
        }
    }
}
