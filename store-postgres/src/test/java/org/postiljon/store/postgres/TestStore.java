package org.postiljon.store.postgres;

import java.io.IOException;
import java.nio.file.Path;
import org.postiljon.mailbox.InProcessChangeBus;
import org.postiljon.mailbox.SharedChangeBus;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.store.embedded.EmbeddedStore;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.ChangeSignals;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.SearchIndex;

/**
 * The store a protocol suite's test server runs on. By default the embedded store; with
 * {@code -Dpostiljon.test.store=postgres} (the build runs the IMAP, POP3 and SMTP suites a second
 * time so) a fresh database on a test PostgreSQL shared by the JVM, with everything a node over
 * PostgreSQL has: contents in the database, the shared search index, and the change bus through
 * NOTIFY and the change log.
 */
public record TestStore(MetadataStore metadata, BlobStore blobs, SearchIndex index, ChangeBus bus, java.util.function.LongSupplier contents,
                        AutoCloseable resources) implements AutoCloseable {

    private static PostgresServer server;
    /** The database of each directory: a server started again on the same directory finds what it stored. */
    private static final java.util.Map<Path, String> DATABASES = new java.util.concurrent.ConcurrentHashMap<>();

    public static boolean onPostgres() {
        return "postgres".equals(System.getProperty("postiljon.test.store"));
    }

    private static synchronized PostgresServer server() throws IOException {
        if (server == null) {
            try {
                server = PostgresServer.start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        return server;
    }

    /** The test database of a directory (the same one each time), for a whole node's {@code store.url}; user "postiljon". */
    public static String database(Path dir) throws IOException {
        PostgresServer pgServer = server();
        return DATABASES.computeIfAbsent(dir.toAbsolutePath(), d -> {
            try {
                return pgServer.newDatabase();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public static TestStore open(Path dir) throws IOException {
        if (!onPostgres()) {
            EmbeddedStore e = EmbeddedStore.open(dir);
            return new TestStore(e.metadata(), e.blobs(), e.index(), new InProcessChangeBus(), () -> files(dir.resolve("blobs")), e);
        }
        String url = database(dir);
        PostgresStore pg = PostgresStore.connect(url, "postiljon", null);
        SharedChangeBus bus = new SharedChangeBus(pg.metadata());
        ChangeSignals signals = pg.changeSignals();
        signals.start(bus);
        SearchIndex index = pg.searchIndex();
        return new TestStore(pg.metadata(), pg.blobs(), index, bus, () -> rows(url, "SELECT count(*) FROM blob"), () -> {
            signals.close();
            bus.close();
            index.close();
            pg.close();
        });
    }

    /** Message files in the embedded store's blob directory (not the half-written ones in tmp). */
    private static long files(Path blobs) {
        try (var files = java.nio.file.Files.walk(blobs)) {
            return files.filter(java.nio.file.Files::isRegularFile).filter(f -> !f.getParent().getFileName().toString().equals("tmp")).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long rows(String url, String sql) {
        try (var c = java.sql.DriverManager.getConnection(url, "postiljon", null); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
