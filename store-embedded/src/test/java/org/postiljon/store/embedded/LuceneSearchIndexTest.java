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
            assertEquals(Set.of(A.sha256()), index.candidates("echn"));
            assertEquals(Set.of(A.sha256()), index.candidates("RECHNUNG"));
            assertEquals(Set.of(A.sha256()), index.candidates("GRÜSSE".replace("SS", "ß")));
            assertEquals(Set.of(A.sha256()), index.candidates("σίσυφος"));
            assertEquals(Set.of(A.sha256(), B.sha256()), index.candidates("ubject: "));
            assertEquals(Set.of(), index.candidates("nowhere"));
            assertNull(index.candidates("ab")); // too short to narrow: every message is a candidate
            assertEquals(2, index.size());
            index.remove(B);
            index.commit();
            assertEquals(Set.of(), index.candidates("invoice"));
        }
        try (LuceneSearchIndex again = LuceneSearchIndex.open(dir)) {
            assertEquals(1, again.size());
            assertEquals(Set.of(A.sha256()), again.candidates("Köln"));
        }
    }
}
