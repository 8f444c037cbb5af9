package org.postiljon.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.DriverManager;
import java.util.Properties;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.ChangeSignals;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.SearchIndex;
import org.postiljon.store.sql.SqlMetadataStore;

/**
 * A node's view of one PostgreSQL database shared by every node: the metadata store (the schema
 * is created or brought up to date on open), and over a small connection pool the message contents
 * ({@code blobs = postgres}), the shared search index and the change signals between nodes.
 */
public final class PostgresStore implements AutoCloseable {

    /** Connections for contents and searches; the metadata store keeps its own readers and writer. */
    private static final int POOL = 8;

    private final String url;
    private final String user;
    private final String password;
    private final MetadataStore metadata;
    private final HikariDataSource pool;

    private PostgresStore(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.metadata = open(url, user, password); // migrates first, so the pool's tables exist
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        if (user != null) c.setUsername(user);
        if (password != null) c.setPassword(password);
        c.setMaximumPoolSize(POOL);
        c.setMinimumIdle(1);
        c.setPoolName("postiljon-contents");
        c.addDataSourceProperty("ApplicationName", "postiljon");
        this.pool = new HikariDataSource(c);
    }

    /** @param url a JDBC URL, {@code jdbc:postgresql://host:port/database} */
    public static PostgresStore connect(String url, String user, String password) {
        return new PostgresStore(url, user, password);
    }

    public MetadataStore metadata() {
        return metadata;
    }

    public BlobStore blobs() {
        return new PostgresBlobStore(pool);
    }

    public SearchIndex searchIndex() {
        return new PostgresSearchIndex(pool);
    }

    /** A new listener for other nodes' changes (one dedicated connection once started). */
    public ChangeSignals changeSignals() {
        return new PostgresChangeSignals(url, user, password);
    }

    @Override
    public void close() {
        pool.close();
        metadata.close();
    }

    /** The metadata store alone, with the default connection counts. */
    public static MetadataStore open(String url, String user, String password) {
        return open(url, user, password, SqlMetadataStore.Options.DEFAULT);
    }

    /** The metadata store alone. */
    public static MetadataStore open(String url, String user, String password, SqlMetadataStore.Options options) {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("ApplicationName", "postiljon");
        return new SqlMetadataStore(new PostgresDialect(), writer -> DriverManager.getConnection(url, p), options);
    }
}
