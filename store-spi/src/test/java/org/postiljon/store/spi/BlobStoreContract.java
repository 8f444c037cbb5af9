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
