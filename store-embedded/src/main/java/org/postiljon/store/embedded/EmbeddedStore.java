package org.postiljon.store.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.SearchIndex;
import org.postiljon.store.sql.SqlMetadataStore;

/** Opens the embedded store in a data directory, creating it on first use. */
public final class EmbeddedStore implements AutoCloseable {

    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final Path indexDir;
    private LuceneSearchIndex index;

    private EmbeddedStore(MetadataStore metadata, BlobStore blobs, Path indexDir) {
        this.metadata = metadata;
        this.blobs = blobs;
        this.indexDir = indexDir;
    }

    public static EmbeddedStore open(Path dataDir) throws IOException {
        return open(dataDir, SqlMetadataStore.Options.DEFAULT);
    }

    public static EmbeddedStore open(Path dataDir, SqlMetadataStore.Options options) throws IOException {
        return open(dataDir, dataDir.resolve("blobs"), options);
    }

    /** With the message files in {@code blobsDir} instead of {@code dataDir/blobs} (another disk, a shared mount). */
    public static EmbeddedStore open(Path dataDir, Path blobsDir) throws IOException {
        return open(dataDir, blobsDir, SqlMetadataStore.Options.DEFAULT);
    }

    private static EmbeddedStore open(Path dataDir, Path blobsDir, SqlMetadataStore.Options options) throws IOException {
        Files.createDirectories(dataDir);
        String url = "jdbc:sqlite:" + dataDir.resolve("postiljon.db").toAbsolutePath();
        SqlMetadataStore.ConnectionSource source = writer -> {
            Properties p = new Properties();
            // The writer takes the write lock when its transaction begins, so two processes
            // (server and admin CLI) wait for each other instead of failing on upgrade.
            p.setProperty("transaction_mode", writer ? "IMMEDIATE" : "DEFERRED");
            Connection c = DriverManager.getConnection(url, p);
            return c;
        };
        MetadataStore metadata = new SqlMetadataStore(new SqliteDialect(), source, options);
        return new EmbeddedStore(metadata, new FileBlobStore(blobsDir), dataDir.resolve("index"));
    }

    public MetadataStore metadata() {
        return metadata;
    }

    public BlobStore blobs() {
        return blobs;
    }

    /**
     * The Lucene index in {@code DATA/index}, opened on first use: only one process may hold it,
     * so the admin CLI, which never searches, never opens it while the server runs.
     */
    public SearchIndex index() {
        return new SearchIndex() {
            private LuceneSearchIndex open() throws IOException {
                synchronized (EmbeddedStore.this) {
                    if (index == null) index = LuceneSearchIndex.open(indexDir);
                    return index;
                }
            }

            @Override public void put(org.postiljon.mailbox.api.BlobId blob, java.util.Map<Field, String> texts) throws IOException { open().put(blob, texts); }
            @Override public void remove(org.postiljon.mailbox.api.BlobId blob) throws IOException { open().remove(blob); }
            @Override public void commit() throws IOException { open().commit(); }
            @Override public Hits candidates(Field field, String text) throws IOException { return open().candidates(field, text); }
            @Override public long size() throws IOException { return open().size(); }
            @Override public void recover() throws IOException { open().recover(); }
            @Override public void close() { }
        };
    }

    @Override
    public void close() {
        synchronized (this) {
            if (index != null) index.close();
            index = null;
        }
        metadata.close();
    }
}
