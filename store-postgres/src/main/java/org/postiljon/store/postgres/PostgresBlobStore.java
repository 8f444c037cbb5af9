package org.postiljon.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import javax.sql.DataSource;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.store.spi.BlobStore;

/**
 * Message contents in PostgreSQL ({@code blobs = postgres}, schema V21), for installations whose
 * nodes share a database and no object store. Content of one chunk ({@link #CHUNK} bytes; nearly
 * every message) is hashed first and filed in one statement that writes its chunk only when the
 * content is new and otherwise renews its "written" time. Larger content is streamed in chunks
 * under a temporary name and, in the same transaction, filed under its SHA-256 or, when it is
 * there already, dropped. Reading fetches one chunk at a time, so a large message never sits in
 * memory whole and no connection is held while a slow client reads.
 *
 * <p>Puts run on connections whose commits do not wait for the disk ({@code synchronous_commit =
 * off}, see {@link PostgresStore}): the metadata row that refers to the content commits later in
 * the same database with synchronous_commit on, and flushing the write-ahead log to that commit
 * flushes the content's, which comes before it in the log. Nothing refers to content whose commit a
 * crash lost. (A wait for the disk per content halved delivery.)
 *
 * <p>Safe against the sweeper across nodes: {@link #deleteIfIdle} deletes only a content whose
 * "written" is older than the cutoff, in one statement that takes the row's lock, and a put of the
 * same bytes renews "written" under the same lock before its reference commits.
 */
public final class PostgresBlobStore implements BlobStore {

    static final int CHUNK = 256 * 1024;

    /** Files a content's row, or renews "written" on the row that is there (under its lock); fresh: it is new. */
    private static final String CLAIM = "INSERT INTO blob (id, size, written) VALUES (?, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET written = excluded.written RETURNING (xmax = 0) AS fresh";

    private final DataSource pool;
    private final DataSource puts;

    /** @param puts where contents are written: sessions with {@code synchronous_commit = off} */
    public PostgresBlobStore(DataSource pool, DataSource puts) {
        this.pool = pool;
        this.puts = puts;
    }

    @Override
    public Stored put(InputStream content, long maxBytes) throws IOException {
        MessageDigest sha = Sha256.digest();
        try (Connection c = puts.getConnection()) {
            byte[] first = content.readNBytes(CHUNK); // as large as the content, up to a chunk
            if (first.length > maxBytes) throw new TooLarge(maxBytes);
            if (first.length < CHUNK) return putWhole(c, sha, first);
            c.setAutoCommit(false);
            try {
                Stored stored = putChunked(c, sha, content, first, maxBytes);
                c.commit();
                return stored;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback(); // nothing of the chunks stays
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IOException("cannot store the message in PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * Content of one chunk: its name is known before anything is written, so one statement (its
     * own transaction) files it: the row is inserted or, when there, renewed under its lock (a
     * concurrent put of the same bytes waits for this one's commit), and the chunk is written only
     * with a new row.
     */
    private static Stored putWhole(Connection c, MessageDigest sha, byte[] bytes) throws SQLException {
        BlobId id = new BlobId(HexFormat.of().formatHex(sha.digest(bytes)));
        try (PreparedStatement p = c.prepareStatement("WITH b AS (" + CLAIM + ") INSERT INTO blob_chunk (blob_id, seq, data) SELECT ?, 0, ? FROM b WHERE b.fresh AND ?")) {
            p.setString(1, id.sha256());
            p.setLong(2, bytes.length);
            p.setLong(3, System.currentTimeMillis());
            p.setString(4, id.sha256());
            p.setBytes(5, bytes);
            p.setBoolean(6, bytes.length > 0); // empty content: the row alone
            p.executeUpdate();
        }
        return new Stored(id, bytes.length);
    }

    /**
     * Larger content is streamed in chunks under a temporary name (its hash is known only at the
     * end) and then either takes its name or, when the content is there already, is dropped.
     */
    private static Stored putChunked(Connection c, MessageDigest sha, InputStream content, byte[] buf, long maxBytes) throws SQLException, IOException {
        String temp = "tmp-" + UUID.randomUUID();
        long size = 0;
        int seq = 0;
        int n = buf.length; // the first chunk is in buf already
        while (true) {
            size += n;
            if (size > maxBytes) throw new TooLarge(maxBytes);
            sha.update(buf, 0, n);
            insertChunk(c, temp, seq++, n == buf.length ? buf : java.util.Arrays.copyOf(buf, n));
            if (n < buf.length) break;
            n = content.readNBytes(buf, 0, buf.length);
            if (n == 0) break;
        }
        BlobId id = new BlobId(HexFormat.of().formatHex(sha.digest()));
        boolean inserted = claim(c, id, size);
        try (PreparedStatement p = c.prepareStatement(inserted ? "UPDATE blob_chunk SET blob_id = ? WHERE blob_id = ?"
                : "DELETE FROM blob_chunk WHERE blob_id = ?")) {
            if (inserted) p.setString(1, id.sha256());
            p.setString(inserted ? 2 : 1, temp);
            p.executeUpdate();
        }
        return new Stored(id, size);
    }

    /** Files the content's row, or renews "written" on the row that is there; true if it is new. */
    private static boolean claim(Connection c, BlobId id, long size) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(CLAIM)) {
            p.setString(1, id.sha256());
            p.setLong(2, size);
            p.setLong(3, System.currentTimeMillis());
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getBoolean(1); // false: the row was there and is renewed
            }
        }
    }

    private static void insertChunk(Connection c, String blobId, int seq, byte[] data) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO blob_chunk (blob_id, seq, data) VALUES (?, ?, ?)")) {
            p.setString(1, blobId);
            p.setInt(2, seq);
            p.setBytes(3, data);
            p.executeUpdate();
        }
    }

    @Override
    public InputStream open(BlobId id) throws IOException {
        long size = size(id);
        return new InputStream() {
            private byte[] chunk = new byte[0];
            private int at;
            private int seq;
            private long left = size;

            private boolean fill() throws IOException {
                while (at == chunk.length) {
                    if (left == 0) return false;
                    chunk = chunk(id, seq++);
                    at = 0;
                    if (chunk.length == 0) throw new IOException("blob " + id + " is missing chunk " + (seq - 1));
                }
                return true;
            }

            @Override
            public int read() throws IOException {
                if (!fill()) return -1;
                left--;
                return chunk[at++] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                if (!fill()) return -1;
                int n = Math.min(len, chunk.length - at);
                System.arraycopy(chunk, at, b, off, n);
                at += n;
                left -= n;
                return n;
            }
        };
    }

    private byte[] chunk(BlobId id, int seq) throws IOException {
        try (Connection c = pool.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT data FROM blob_chunk WHERE blob_id = ? AND seq = ?")) {
            p.setString(1, id.sha256());
            p.setInt(2, seq);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : new byte[0];
            }
        } catch (SQLException e) {
            throw new IOException("cannot read blob " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long size(BlobId id) throws IOException {
        try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement("SELECT size FROM blob WHERE id = ?")) {
            p.setString(1, id.sha256());
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) throw new IOException("blob " + id + " is missing");
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IOException("cannot read blob " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean deleteIfIdle(BlobId id, Instant notWrittenSince) throws IOException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement row = c.prepareStatement("DELETE FROM blob WHERE id = ? AND written <= ?");
                 PreparedStatement chunks = c.prepareStatement("DELETE FROM blob_chunk WHERE blob_id = ?")) {
                row.setString(1, id.sha256());
                row.setLong(2, notWrittenSince.toEpochMilli());
                boolean deleted = row.executeUpdate() == 1;
                if (deleted) {
                    chunks.setString(1, id.sha256());
                    chunks.executeUpdate();
                }
                c.commit();
                return deleted;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IOException("cannot delete blob " + id + ": " + e.getMessage(), e);
        }
    }
}
