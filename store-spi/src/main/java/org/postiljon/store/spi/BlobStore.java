package org.postiljon.store.spi;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import org.postiljon.mailbox.api.BlobId;

/**
 * Message bytes, addressed by their SHA-256. Writing the same bytes twice stores them once.
 */
public interface BlobStore {

    record Stored(BlobId id, long size) { }

    /**
     * Streams {@code content} to durable storage: written to a temporary file, fsync'd, renamed
     * into place, directory fsync'd. Nothing is left behind when it throws. A store may instead
     * make it durable no later than the next durable commit of the metadata store (contents in the
     * metadata's own database: one write-ahead log, flushed in order), since content matters only
     * once a committed row refers to it.
     * @throws TooLarge when more than {@code maxBytes} arrive (the rest is not read)
     */
    Stored put(InputStream content, long maxBytes) throws IOException;

    InputStream open(BlobId id) throws IOException;

    /** The stored size, to check before serving: a truncated file must not be announced at its full size. */
    long size(BlobId id) throws IOException;

    /** Whether the content is there: false also when the store cannot tell (it is unreachable). */
    default boolean exists(BlobId id) {
        try {
            size(id);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Deletes the blob if it was last written before {@code notWrittenSince}: a put of the same
     * bytes renews it, so a concurrent delivery of identical content is never left without bytes.
     */
    boolean deleteIfIdle(BlobId id, Instant notWrittenSince) throws IOException;

    final class TooLarge extends IOException {
        public TooLarge(long limit) { super("blob larger than " + limit + " bytes"); }
    }
}
