package org.postiljon.store.spi;

import java.io.IOException;
import java.util.Set;
import org.postiljon.mailbox.api.BlobId;

/**
 * A full-text index that narrows substring searches: it answers which stored messages (by content
 * address) may contain a string, never fewer than do; callers confirm each candidate against
 * {@link org.postiljon.mailbox.api.SearchQuery#matches}. Keyed by content, so COPY and MOVE never
 * re-index, and a message's text is indexed once however many mailboxes hold it. Which contents
 * are indexed is tracked in the metadata store ({@link ReadTx#pendingIndex}), in the transaction that
 * adds the message, so a crash can delay indexing but never hide a message from a search.
 */
public interface SearchIndex extends AutoCloseable {

    /** What is indexed of a content: its search text, and the decoded fields SEARCH FROM/TO/CC/BCC/SUBJECT match. */
    enum Field { TEXT, FROM, TO, CC, BCC, SUBJECT }

    /** Adds or replaces the texts of one content. Visible to {@link #candidates} after {@link #commit}. */
    void put(BlobId blob, java.util.Map<Field, String> texts) throws IOException;

    void remove(BlobId blob) throws IOException;

    /** Makes what was put durable and searchable. */
    void commit() throws IOException;

    /**
     * The contents (SHA-256 hex) that may contain {@code text} under the search matching rule,
     * and among them those that certainly do ({@code sure}: no need to read them to confirm);
     * null when {@code text} is too short for the index to narrow (every message is a candidate).
     */
    Hits candidates(Field field, String text) throws IOException;

    /** @param sure a subset of {@code all} */
    record Hits(Set<String> all, Set<String> sure) { }

    /**
     * After a failure (an I/O error, a full disk): opens again what the failure closed, on what was
     * last committed. Callers then compare {@link #size} with the store and re-index what is missing.
     */
    default void recover() throws IOException { }

    /** How many contents the index holds (to notice an index that was lost or replaced). */
    long size() throws IOException;

    @Override
    void close();

    /** No index: nothing narrows, every search confirms every message. */
    SearchIndex NONE = new SearchIndex() {
        @Override public void put(BlobId blob, java.util.Map<Field, String> texts) { }
        @Override public void remove(BlobId blob) { }
        @Override public void commit() { }
        @Override public Hits candidates(Field field, String text) { return null; }
        @Override public long size() { return 0; }
        @Override public void close() { }
    };
}
