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
    /** Where {@code blobs = postgres} writes contents: commits that do not wait for the disk (see PostgresBlobStore). */
    private final HikariDataSource puts;
    private final java.util.List<AutoCloseable> closing = new java.util.concurrent.CopyOnWriteArrayList<>();

    private PostgresStore(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.metadata = open(url, user, password); // migrates first, so the pool's tables exist
        this.pool = pool(url, user, password, "postiljon-contents", null);
        this.puts = pool(url, user, password, "postiljon-content-writes", "SET synchronous_commit = off"); // none opened before a put
    }

    private static HikariDataSource pool(String url, String user, String password, String name, String initSql) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        if (user != null) c.setUsername(user);
        if (password != null) c.setPassword(password);
        c.setMaximumPoolSize(POOL);
        c.setMinimumIdle(initSql == null ? 1 : 0);
        c.setPoolName(name);
        if (initSql != null) c.setConnectionInitSql(initSql);
        c.addDataSourceProperty("ApplicationName", "postiljon");
        return new HikariDataSource(c);
    }

    /** @param url a JDBC URL, {@code jdbc:postgresql://host:port/database} */
    public static PostgresStore connect(String url, String user, String password) {
        return new PostgresStore(url, user, password);
    }

    public MetadataStore metadata() {
        return metadata;
    }

    public BlobStore blobs() {
        return new PostgresBlobStore(pool, puts);
    }

    /**
     * Where {@code blobs = s3} keeps message contents.
     *
     * @param endpoint  the service's URL; empty for AWS itself
     * @param accessKey with {@code secretKey}; empty: the SDK's default credential chain (environment, profile, instance role)
     * @param pathStyle bucket in the path, as most S3-compatible servers want (MinIO, Ceph, S3Proxy)
     */
    public record S3Options(String endpoint, String region, String bucket, String prefix, String accessKey, String secretKey, boolean pathStyle) { }

    /** Contents in an S3-compatible bucket, which must exist; the sweep is coordinated through this database. */
    public BlobStore s3Blobs(S3Options o, java.nio.file.Path spool) throws java.io.IOException {
        var b = software.amazon.awssdk.services.s3.S3Client.builder()
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .region(software.amazon.awssdk.regions.Region.of(o.region()))
                .forcePathStyle(o.pathStyle())
                // Only the checksums every S3-compatible server accepts (newer SDK defaults send trailers some refuse).
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED);
        if (!o.endpoint().isEmpty()) b.endpointOverride(java.net.URI.create(o.endpoint()));
        if (!o.accessKey().isEmpty()) {
            b.credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(o.accessKey(), o.secretKey())));
        }
        var s3 = b.build();
        closing.add(s3);
        try {
            s3.headBucket(h -> h.bucket(o.bucket()));
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new java.io.IOException("the bucket " + o.bucket() + " cannot be used: " + e.getMessage(), e);
        }
        return new S3BlobStore(pool, s3, o.bucket(), o.prefix(), spool);
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
        for (AutoCloseable c : closing) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        pool.close();
        puts.close();
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
