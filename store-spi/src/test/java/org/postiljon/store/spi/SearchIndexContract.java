package org.postiljon.store.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.BlobId;

/**
 * What every {@link SearchIndex} must do: narrow substring searches, fold case like the matching
 * rule (so no match is lost), tell certain hits from those to confirm, and keep what was committed
 * when opened again. The embedded Lucene index and PostgreSQL's answer alike.
 */
public abstract class SearchIndexContract {

    private static final BlobId A = new BlobId("a".repeat(64));
    private static final BlobId B = new BlobId("b".repeat(64));

    /** The index kept in {@code dir} (or in a store chosen by it); a second call opens the same one again. */
    protected abstract SearchIndex open(Path dir) throws Exception;

    @Test
    void substringsCaseAndPersistence(@TempDir Path dir) throws Exception {
        try (SearchIndex index = open(dir)) {
            index.put(A, java.util.Map.of(SearchIndex.Field.TEXT, "Subject: Rechnung\r\n\r\nGrüße aus Köln, ΣΊΣΥΦΟΣ"));
            index.put(B, java.util.Map.of(SearchIndex.Field.TEXT, "Subject: invoice\r\n\r\nregards"));
            index.commit();
            assertEquals(Set.of(A.sha256()), index.candidates(SearchIndex.Field.TEXT, "echn").all());
            assertEquals(Set.of(A.sha256()), index.candidates(SearchIndex.Field.TEXT, "RECHNUNG").all());
            assertEquals(Set.of(A.sha256()), index.candidates(SearchIndex.Field.TEXT, "GRÜSSE".replace("SS", "ß")).all());
            assertEquals(Set.of(A.sha256()), index.candidates(SearchIndex.Field.TEXT, "σίσυφος").all());
            assertEquals(Set.of(A.sha256(), B.sha256()), index.candidates(SearchIndex.Field.TEXT, "ubject: ").all());
            assertEquals(Set.of(), index.candidates(SearchIndex.Field.TEXT, "nowhere").all());
            assertNull(index.candidates(SearchIndex.Field.TEXT, "ab")); // too short to narrow: every message is a candidate
            assertEquals(2, index.size());
            index.remove(B);
            index.commit();
            assertEquals(Set.of(), index.candidates(SearchIndex.Field.TEXT, "invoice").all());
            // A phrase of trigrams: the letters must be next to each other, not merely all present.
            index.put(B, java.util.Map.of(SearchIndex.Field.TEXT, "Subject: x\r\n\r\nvoice in a choir; no invoice here", SearchIndex.Field.FROM, "Bob Baker <bob@example.org>"));
            index.commit();
            assertEquals(Set.of(), index.candidates(SearchIndex.Field.TEXT, "choice").all());
            assertEquals(Set.of(B.sha256()), index.candidates(SearchIndex.Field.TEXT, "INVOICE").sure());
            assertEquals(Set.of(B.sha256()), index.candidates(SearchIndex.Field.FROM, "baker <bob").sure()); // fields apart
            assertEquals(Set.of(), index.candidates(SearchIndex.Field.FROM, "invoice").all());
            assertEquals(Set.of(), index.candidates(SearchIndex.Field.TO, "bob").all());
            // U+017F folds to "s": found, but never certain; a non-ASCII query is never certain either.
            index.put(A, java.util.Map.of(SearchIndex.Field.TEXT, "Subject: x\r\n\r\nlong \u017f here, Grüße"));
            index.commit();
            assertEquals(Set.of(A.sha256()), index.candidates(SearchIndex.Field.TEXT, "ng s h").all());
            assertEquals(Set.of(), index.candidates(SearchIndex.Field.TEXT, "ng s h").sure());
            assertEquals(Set.of(), index.candidates(SearchIndex.Field.TEXT, "grüße").sure());
        }
        try (SearchIndex again = open(dir)) {
            assertEquals(2, again.size());
            assertEquals(Set.of(B.sha256()), again.candidates(SearchIndex.Field.TEXT, "invoice").all());
        }
    }

    @Test
    void wildcardsAndControlCharactersAreOnlyText(@TempDir Path dir) throws Exception {
        try (SearchIndex index = open(dir)) {
            index.put(A, java.util.Map.of(SearchIndex.Field.TEXT, "100% sure_thing \\ back\0slash"));
            index.put(B, java.util.Map.of(SearchIndex.Field.TEXT, "1000 surely things"));
            index.commit();
            assertEquals(Set.of(A.sha256()), index.candidates(SearchIndex.Field.TEXT, "0% s").all());
            assertEquals(Set.of(A.sha256()), index.candidates(SearchIndex.Field.TEXT, "e_th").all());
            assertEquals(Set.of(A.sha256()), index.candidates(SearchIndex.Field.TEXT, "\\ b").all());
            assertEquals(Set.of(), index.candidates(SearchIndex.Field.TEXT, "1%0").all());
            assertEquals(Set.of(A.sha256()), index.candidates(SearchIndex.Field.TEXT, "ck\0sl").all());
        }
    }
}
