package org.postiljon.store.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.BlobStoreContract;
import org.postiljon.store.spi.SearchIndex;
import org.postiljon.store.spi.SearchIndexContract;

/** Message contents and the search index in a real PostgreSQL: the contracts the embedded store passes, and races between nodes. */
class PostgresContentsTest {

    static PostgresServer pg;
    static S3ProxyServer s3;
    /** One database per test directory: opening the same directory again finds what was written. */
    static final Map<Path, PostgresStore> stores = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
        s3 = S3ProxyServer.start();
    }

    @AfterAll
    static void stop() {
        stores.values().forEach(PostgresStore::close);
        pg.close();
        s3.close();
    }

    static PostgresStore store(Path dir) {
        return stores.computeIfAbsent(dir, d -> {
            try {
                return PostgresStore.connect(pg.newDatabase(), "postiljon", null);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static long count(Path dir, String sql) throws Exception {
        PostgresStore s = store(dir);
        try (Connection c = DriverManager.getConnection(urlOf(s), "postiljon", null); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String urlOf(PostgresStore s) throws Exception {
        var f = PostgresStore.class.getDeclaredField("url");
        f.setAccessible(true);
        return (String) f.get(s);
    }

    @Nested
    class Blobs extends BlobStoreContract {
        @Override
        protected BlobStore open(Path dir) {
            return store(dir).blobs();
        }

        @Override
        protected long strayFiles(Path dir) throws Exception {
            return count(dir, "SELECT count(*) FROM blob_chunk WHERE blob_id LIKE 'tmp-%'");
        }
    }

    /** Contents in S3 (S3Proxy), their sweep coordinated through the database. */
    @Nested
    class S3Blobs extends BlobStoreContract {
        @Override
        protected BlobStore open(Path dir) throws Exception {
            String bucket = s3.newBucket("b" + Integer.toHexString(dir.hashCode()));
            return store(dir).s3Blobs(s3.options(bucket), dir.resolve("spool"));
        }

        @Override
        protected long strayFiles(Path dir) throws Exception {
            try (var files = java.nio.file.Files.list(dir.resolve("spool"))) {
                return files.count();
            }
        }
    }

    @Nested
    class Search extends SearchIndexContract {
        @Override
        protected SearchIndex open(Path dir) {
            return store(dir).searchIndex();
        }
    }

    /** Content of one chunk (written only when new) and of several (streamed under a temporary name). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"3000, 1", "300000, 2"})
    void nodesPuttingTheSameContentAtOnceKeepOneCopy(int size, int chunks, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        byte[] bytes = new byte[size];
        new java.util.Random(5).nextBytes(bytes);
        // Two stores on one database: two nodes.
        BlobStore a = store(dir).blobs();
        PostgresStore other = PostgresStore.connect(urlOf(store(dir)), "postiljon", null);
        BlobStore b = other.blobs();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (other) {
            List<Future<BlobStore.Stored>> puts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                BlobStore on = i % 2 == 0 ? a : b;
                puts.add(pool.submit(() -> on.put(new ByteArrayInputStream(bytes), bytes.length)));
            }
            java.util.Set<BlobStore.Stored> stored = new java.util.HashSet<>();
            for (var f : puts) stored.add(f.get());
            assertEquals(1, stored.size(), "one content");
            try (var in = a.open(stored.iterator().next().id())) {
                assertArrayEquals(bytes, in.readAllBytes());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, count(dir, "SELECT count(*) FROM blob"));
        assertEquals(chunks, count(dir, "SELECT count(*) FROM blob_chunk"), size + " bytes in " + chunks + " chunks, once");
    }

    @Test
    void aSweepNeverTakesContentADeliveryJustWrote(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        BlobStore blobs = store(dir).blobs();
        BlobStore.Stored s = blobs.put(new ByteArrayInputStream("old bytes".getBytes()), 100);
        Instant cutoff = Instant.now().plusMillis(5); // the content counts as idle from here on
        Thread.sleep(20);
        // A delivery of the same bytes (its reference not yet committed) renews the content...
        blobs.put(new ByteArrayInputStream("old bytes".getBytes()), 100);
        // ...so a sweep that saw no reference leaves it.
        assertFalse(blobs.deleteIfIdle(s.id(), cutoff));
        assertTrue(blobs.exists(s.id()));
        assertTrue(blobs.deleteIfIdle(s.id(), Instant.now().plusSeconds(1)));
        assertEquals(0, count(dir, "SELECT count(*) FROM blob_chunk"), "its chunks went with it");
    }
}
