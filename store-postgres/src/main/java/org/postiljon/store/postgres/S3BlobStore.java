package org.postiljon.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Message contents in an S3-compatible object store ({@code blobs = s3}), one object per content
 * named by its SHA-256 under a prefix. A put spools the content to a local file (to learn its
 * name and size; it is at most the largest message), then uploads it; an upload of bytes already
 * there replaces the object with the same bytes.
 *
 * <p>Object stores have no conditional delete to lean on, so the sweep is coordinated through the
 * {@code blob} table of the shared PostgreSQL (schema V21): a put first renews the content's row
 * ("written"), then uploads; {@link #deleteIfIdle} locks the row (making one if there is none),
 * deletes the object only if the row was not written since the cutoff, and drops the row in the same
 * transaction. A put racing a sweep therefore either renews the row before the sweep looks (the
 * sweep leaves the object) or waits for the sweep to finish and uploads after the delete.
 */
public final class S3BlobStore implements BlobStore {

    private final DataSource pool;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Path spool;

    /**
     * @param pool   the shared database with the {@code blob} table
     * @param prefix put before every object name ("" for none; "mail/" to share a bucket)
     * @param spool  a local directory for uploads in progress
     */
    public S3BlobStore(DataSource pool, S3Client s3, String bucket, String prefix, Path spool) throws IOException {
        this.pool = pool;
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.spool = Files.createDirectories(spool);
    }

    private String key(BlobId id) {
        return prefix + id.sha256();
    }

    @Override
    public Stored put(InputStream content, long maxBytes) throws IOException {
        Path temp = spool.resolve(UUID.randomUUID() + ".tmp");
        try {
            MessageDigest sha = Sha256.digest();
            long size = 0;
            try (OutputStream out = Files.newOutputStream(temp)) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = content.read(buf)) > 0; ) {
                    size += n;
                    if (size > maxBytes) throw new TooLarge(maxBytes);
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            BlobId id = new BlobId(HexFormat.of().formatHex(sha.digest()));
            renew(id, size); // before the upload: a sweep that comes later sees the content as just written
            long length = Files.size(temp);
            try {
                s3.putObject(b -> b.bucket(bucket).key(key(id)).contentLength(length), RequestBody.fromFile(temp));
            } catch (SdkException e) {
                throw new IOException("cannot store the message in " + bucket + ": " + e.getMessage(), e);
            }
            return new Stored(id, size);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void renew(BlobId id, long size) throws IOException {
        try (Connection c = pool.getConnection();
             PreparedStatement p = c.prepareStatement("INSERT INTO blob (id, size, written) VALUES (?, ?, ?)"
                     + " ON CONFLICT (id) DO UPDATE SET size = excluded.size, written = excluded.written")) {
            p.setString(1, id.sha256());
            p.setLong(2, size);
            p.setLong(3, System.currentTimeMillis());
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("cannot record the message's content: " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(BlobId id) throws IOException {
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key(id)));
        } catch (NoSuchKeyException e) {
            throw new IOException("blob " + id + " is missing", e);
        } catch (SdkException e) {
            throw new IOException("cannot read blob " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long size(BlobId id) throws IOException {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key(id))).contentLength();
        } catch (NoSuchKeyException e) {
            throw new IOException("blob " + id + " is missing", e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) throw new IOException("blob " + id + " is missing", e);
            throw new IOException("cannot read blob " + id + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("cannot read blob " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean deleteIfIdle(BlobId id, Instant notWrittenSince) throws IOException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                long written;
                // A row to lock even for an object no put recorded: a put starting now waits for this transaction.
                try (PreparedStatement p = c.prepareStatement("INSERT INTO blob (id, size, written) VALUES (?, 0, 0) ON CONFLICT (id) DO NOTHING");
                     PreparedStatement q = c.prepareStatement("SELECT written FROM blob WHERE id = ? FOR UPDATE")) {
                    p.setString(1, id.sha256());
                    p.executeUpdate();
                    q.setString(1, id.sha256());
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        written = rs.getLong(1);
                    }
                }
                if (written > notWrittenSince.toEpochMilli()) {
                    c.rollback();
                    return false;
                }
                boolean existed = exists(id);
                s3.deleteObject(b -> b.bucket(bucket).key(key(id)));
                try (PreparedStatement p = c.prepareStatement("DELETE FROM blob WHERE id = ?")) {
                    p.setString(1, id.sha256());
                    p.executeUpdate();
                }
                c.commit();
                return existed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | SdkException e) {
            throw new IOException("cannot delete blob " + id + ": " + e.getMessage(), e);
        }
    }
}
