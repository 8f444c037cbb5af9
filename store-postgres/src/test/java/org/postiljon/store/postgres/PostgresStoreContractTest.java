package org.postiljon.store.postgres;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.MetadataStoreContract;
import org.postiljon.store.sql.SqlMetadataStore;

/** The store contract, every test on a fresh database of a real PostgreSQL. */
class PostgresStoreContractTest extends MetadataStoreContract {

    static PostgresServer pg;
    /** The database of each test's directory: a reopened store finds what it wrote. */
    static final java.util.Map<Path, String> databases = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @org.junit.jupiter.api.Test
    void nodesStartingTogetherMigrateOnce() throws Exception {
        String url = pg.newDatabase();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<MetadataStore>> opened = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) opened.add(pool.submit(() -> PostgresStore.open(url, "postiljon", null, new SqlMetadataStore.Options(1, 16))));
            for (var f : opened) f.get().close(); // each opened: none failed on another's half-made schema
        } finally {
            pool.shutdown();
        }
        try (var c = java.sql.DriverManager.getConnection(url, "postiljon", null);
             var rs = c.createStatement().executeQuery("SELECT count(*), count(DISTINCT version), max(version) FROM schema_version")) {
            rs.next();
            org.junit.jupiter.api.Assertions.assertEquals(rs.getInt(1), rs.getInt(2), "every version applied once");
            org.junit.jupiter.api.Assertions.assertEquals(rs.getInt(1), rs.getInt(3), "every version applied");
        }
    }

    /**
     * Readers share what they learn of domains for a second (DomainCache): a change is seen at once
     * on the node that made it, and within that second on another node; writers always read afresh.
     */
    @org.junit.jupiter.api.Test
    void aDomainChangeIsSeenAtOnceHereAndWithinASecondOnAnotherNode() throws Exception {
        String url = pg.newDatabase();
        var d = new org.postiljon.mailbox.api.DomainName("example.org");
        try (MetadataStore a = PostgresStore.open(url, "postiljon", null, new SqlMetadataStore.Options(2, 16));
             MetadataStore b = PostgresStore.open(url, "postiljon", null, new SqlMetadataStore.Options(2, 16))) {
            org.junit.jupiter.api.Assertions.assertFalse(a.<Boolean>read(tx -> tx.domainExists(d)), "a has read: no such domain");
            org.junit.jupiter.api.Assertions.assertFalse(b.<Boolean>read(tx -> tx.domainExists(d)), "b too");
            a.write(tx -> {
                tx.insertDomain(d);
                tx.setDomainSetting(d, "spam.mode", "junk");
                return null;
            });
            org.junit.jupiter.api.Assertions.assertTrue(a.<Boolean>read(tx -> tx.domainExists(d)), "the node that added it sees it at once");
            org.junit.jupiter.api.Assertions.assertEquals(java.util.Map.of("spam.mode", "junk"), a.read(tx -> tx.domainSettings(d)));
            org.junit.jupiter.api.Assertions.assertTrue(b.<Boolean>write(tx -> tx.domainExists(d)), "a writer reads afresh");
            long start = System.nanoTime();
            while (!b.read(tx -> tx.domainExists(d))) {
                org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() - start < 1_500_000_000L, "b sees the domain within a second");
                Thread.sleep(20);
            }
            org.junit.jupiter.api.Assertions.assertEquals("junk", b.read(tx -> tx.domainSettings(d)).get("spam.mode"));
            a.write(tx -> {
                tx.setDomainSetting(d, "spam.mode", "off");
                return null;
            });
            org.junit.jupiter.api.Assertions.assertEquals("off", a.read(tx -> tx.domainSettings(d)).get("spam.mode"), "at once on a");
            start = System.nanoTime();
            while (!"off".equals(b.read(tx -> tx.domainSettings(d)).get("spam.mode"))) {
                org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() - start < 1_500_000_000L, "b sees the new value within a second");
                Thread.sleep(20);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void twoNodesClaimingAtOnceNeverGetTheSameMessage() throws Exception {
        String url = pg.newDatabase();
        java.time.Instant now = java.time.Instant.now();
        try (MetadataStore a = PostgresStore.open(url, "postiljon", null, new SqlMetadataStore.Options(2, 16));
             MetadataStore b = PostgresStore.open(url, "postiljon", null, new SqlMetadataStore.Options(2, 16))) {
            var to = java.util.List.of(new org.postiljon.store.spi.QueueRecord.Target("x@example.net", null, null));
            for (int i = 0; i < 40; i++) {
                a.write(tx -> tx.enqueue("alice@example.org", null, null, new org.postiljon.mailbox.api.BlobId("ab".repeat(32)), 100, to, now));
            }
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                java.util.List<java.util.concurrent.Future<java.util.List<Long>>> claims = new java.util.ArrayList<>();
                for (MetadataStore node : java.util.List.of(a, b)) {
                    String owner = node == a ? "a" : "b";
                    claims.add(pool.submit(() -> {
                        java.util.List<Long> mine = new java.util.ArrayList<>();
                        while (true) {
                            var got = node.write(tx -> tx.claimDue(now, 3, owner, now.plusSeconds(600)));
                            if (got.isEmpty()) return mine;
                            got.forEach(q -> mine.add(q.id()));
                        }
                    }));
                }
                java.util.List<Long> first = claims.get(0).get(), second = claims.get(1).get();
                java.util.Set<Long> all = new java.util.HashSet<>(first);
                all.addAll(second);
                org.junit.jupiter.api.Assertions.assertEquals(40, first.size() + second.size(), "each message claimed once: " + first + " " + second);
                org.junit.jupiter.api.Assertions.assertEquals(40, all.size(), "no message claimed by both");
            } finally {
                pool.shutdown();
            }
        }
    }

    @Override
    protected MetadataStore open(Path dir) throws Exception {
        String url = databases.get(dir);
        if (url == null) databases.put(dir, url = pg.newDatabase());
        return PostgresStore.open(url, "postiljon", null, new SqlMetadataStore.Options(4, 256));
    }
}
