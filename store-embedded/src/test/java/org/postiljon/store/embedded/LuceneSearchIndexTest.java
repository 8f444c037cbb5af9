package org.postiljon.store.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.BlobId;

/** The trigram index narrows substring searches, folds case like the matching rule, and survives a reopen. */
class LuceneSearchIndexTest {

    private static final BlobId A = new BlobId("a".repeat(64));
    private static final BlobId B = new BlobId("b".repeat(64));

    @Test
    void substringsCaseAndPersistence(@TempDir Path dir) throws Exception {
        try (LuceneSearchIndex index = LuceneSearchIndex.open(dir)) {
            index.put(A, "Subject: Rechnung\r\n\r\nGrüße aus Köln, ΣΊΣΥΦΟΣ");
            index.put(B, "Subject: invoice\r\n\r\nregards");
            index.commit();
            assertEquals(Set.of(A.sha256()), index.candidates("echn").all());
            assertEquals(Set.of(A.sha256()), index.candidates("RECHNUNG").all());
            assertEquals(Set.of(A.sha256()), index.candidates("GRÜSSE".replace("SS", "ß")).all());
            assertEquals(Set.of(A.sha256()), index.candidates("σίσυφος").all());
            assertEquals(Set.of(A.sha256(), B.sha256()), index.candidates("ubject: ").all());
            assertEquals(Set.of(), index.candidates("nowhere").all());
            assertNull(index.candidates("ab")); // too short to narrow: every message is a candidate
            assertEquals(2, index.size());
            index.remove(B);
            index.commit();
            assertEquals(Set.of(), index.candidates("invoice").all());
            // A phrase of trigrams: the letters must be next to each other, not merely all present.
            index.put(B, "Subject: x\r\n\r\nvoice in a choir; no invoice here");
            index.commit();
            assertEquals(Set.of(), index.candidates("choice").all());
            assertEquals(Set.of(B.sha256()), index.candidates("INVOICE").sure());
            // U+017F folds to "s": found, but never certain; a non-ASCII query is never certain either.
            index.put(A, "Subject: x\r\n\r\nlong \u017f here, Grüße");
            index.commit();
            assertEquals(Set.of(A.sha256()), index.candidates("ng s h").all());
            assertEquals(Set.of(), index.candidates("ng s h").sure());
            assertEquals(Set.of(), index.candidates("grüße").sure());
        }
        try (LuceneSearchIndex again = LuceneSearchIndex.open(dir)) {
            assertEquals(2, again.size());
            assertEquals(Set.of(B.sha256()), again.candidates("invoice").all());
        }
    }
}
