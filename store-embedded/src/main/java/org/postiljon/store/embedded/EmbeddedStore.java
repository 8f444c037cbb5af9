package org.postiljon.store.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.sql.SqlMetadataStore;

/** Opens the embedded store in a data directory, creating it on first use. */
public final class EmbeddedStore implements AutoCloseable {

    private final MetadataStore metadata;
    private final BlobStore blobs;

    private EmbeddedStore(MetadataStore metadata, BlobStore blobs) {
        this.metadata = metadata;
        this.blobs = blobs;
    }

    public static EmbeddedStore open(Path dataDir) throws IOException {
        return open(dataDir, SqlMetadataStore.Options.DEFAULT);
    }

    public static EmbeddedStore open(Path dataDir, SqlMetadataStore.Options options) throws IOException {
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
        return new EmbeddedStore(metadata, new FileBlobStore(dataDir.resolve("blobs")));
    }

    public MetadataStore metadata() {
        return metadata;
    }

    public BlobStore blobs() {
        return blobs;
    }

    @Override
    public void close() {
        metadata.close();
    }
}
