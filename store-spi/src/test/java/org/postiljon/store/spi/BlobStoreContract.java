package org.postiljon.store.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link BlobStore} must do. */
public abstract class BlobStoreContract {

    protected abstract BlobStore open(Path dir) throws Exception;

    /** Files of the store's own that are not blobs, such as half-written temporaries. */
    protected abstract long strayFiles(Path dir) throws Exception;

    @TempDir
    Path dir;

    @Test
    void putThenOpenGivesTheSameBytesAddressedBySha256() throws Exception {
        BlobStore blobs = open(dir);
        byte[] bytes = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        BlobStore.Stored s = blobs.put(new ByteArrayInputStream(bytes), 1000);
        assertEquals(bytes.length, s.size());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)), s.id().sha256());
        try (InputStream in = blobs.open(s.id())) {
            assertArrayEquals(bytes, in.readAllBytes());
        }
        assertEquals(s, blobs.put(new ByteArrayInputStream(bytes), 1000), "same bytes, same blob");
    }

    @Test
    void aLargeMessageReadsBackWholeInPiecesOfAnySize() throws Exception {
        BlobStore blobs = open(dir);
        byte[] bytes = new byte[700_001]; // more than one piece where a store keeps pieces
        new java.util.Random(3).nextBytes(bytes);
        BlobStore.Stored s = blobs.put(new ByteArrayInputStream(bytes), bytes.length);
        assertEquals(bytes.length, blobs.size(s.id()));
        try (InputStream in = blobs.open(s.id())) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[7919];
            out.write(in.read()); // one byte, then odd-sized reads
            for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
            assertArrayEquals(bytes, out.toByteArray());
        }
        assertThrows(java.io.IOException.class, () -> blobs.open(new org.postiljon.mailbox.api.BlobId("0".repeat(64))).read());
    }

    /**
     * The sweeper's promise: content written after its cutoff is never deleted, even by a sweep
     * already under way. A sweeper deletes whatever has been idle for 100 ms, non-stop; each round
     * lets the content go idle (so a sweep is deleting it) and puts it again at that moment: once
     * the put returns, the content is there, whichever came first.
     */
    @Test
    void aPutIsNeverLostToASweepUnderWay() throws Exception {
        BlobStore blobs = open(dir);
        byte[] bytes = "Subject: the same bytes again and again\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        org.postiljon.mailbox.api.BlobId id = blobs.put(new ByteArrayInputStream(bytes), 1000).id();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger deleted = new java.util.concurrent.atomic.AtomicInteger();
        Thread sweeper = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                try {
                    if (blobs.deleteIfIdle(id, Instant.now().minusMillis(100))) deleted.incrementAndGet();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        int checked = 0;
        try {
            for (int round = 0; round < 25; round++) {
                Thread.sleep(110 + round % 7); // idle now: the sweeper is deleting it, or about to
                long start = System.nanoTime();
                blobs.put(new ByteArrayInputStream(bytes), 1000);
                boolean there = blobs.exists(id);
                // Only a put and a look within the 100 ms are the sweeper's to respect; a slower machine proves nothing.
                if (System.nanoTime() - start < 80_000_000L) {
                    checked++;
                    assertTrue(there, "round " + round + ": the content was deleted after its put");
                }
            }
        } finally {
            stop.set(true);
            sweeper.join();
        }
        assertTrue(deleted.get() > 0, "the sweeper deleted the idle content in between");
        assertTrue(checked > 0, "no round was fast enough to check");
    }

    @Test
    void tooLargeLeavesNothingBehind() throws Exception {
        BlobStore blobs = open(dir);
        assertThrows(BlobStore.TooLarge.class, () -> blobs.put(new ByteArrayInputStream(new byte[5000]), 4999));
        assertThrows(BlobStore.TooLarge.class, () -> blobs.put(new ByteArrayInputStream(new byte[600_000]), 599_999));
        assertEquals(0, strayFiles(dir));
    }

    @Test
    void deleteIfIdleSparesRecentlyWrittenBlobs() throws Exception {
        BlobStore blobs = open(dir);
        BlobStore.Stored s = blobs.put(new ByteArrayInputStream(new byte[] {1, 2, 3}), 10);
        assertFalse(blobs.deleteIfIdle(s.id(), Instant.now().minusSeconds(3600)), "written just now");
        assertTrue(blobs.exists(s.id()));
        assertTrue(blobs.deleteIfIdle(s.id(), Instant.now().plusSeconds(1)));
        assertFalse(blobs.exists(s.id()));
    }
}
