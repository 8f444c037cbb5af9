package org.postiljon.store.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.store.spi.SearchIndex;

/** The trigram index narrows substring searches, folds case like the matching rule, and survives a reopen. */
class LuceneSearchIndexTest {

    private static final BlobId A = new BlobId("a".repeat(64));
    private static final BlobId B = new BlobId("b".repeat(64));

    @Test
    void substringsCaseAndPersistence(@TempDir Path dir) throws Exception {
        try (LuceneSearchIndex index = LuceneSearchIndex.open(dir)) {
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
        try (LuceneSearchIndex again = LuceneSearchIndex.open(dir)) {
            assertEquals(2, again.size());
            assertEquals(Set.of(B.sha256()), again.candidates(SearchIndex.Field.TEXT, "invoice").all());
        }
    }

    /** A full disk, for real: a 4 MiB tmpfs (mounting needs root, as CI and these machines have). */
    @Test
    void afterAFullDiskTheIndexReopensAndTakesNewContentAgain(@TempDir Path tmp) throws Exception {
        var disk = org.postiljon.testkit.SmallDisk.mount(tmp.resolve("small"), "4m");
        org.junit.jupiter.api.Assumptions.assumeTrue(disk.isPresent(), "mounting a small file system needs root");
        Path small = disk.get().path;
        try (var mounted = disk.get()) {
            try (LuceneSearchIndex index = LuceneSearchIndex.open(small.resolve("index"))) {
                index.put(A, java.util.Map.of(SearchIndex.Field.TEXT, "the first message, committed"));
                index.commit();
                Path filler = small.resolve("filler"); // other data on the same disk, which the operator deletes later
                java.nio.file.Files.write(filler, new byte[2 * 1024 * 1024]);
                java.util.Random random = new java.util.Random(7);
                IOException full = null;
                for (int i = 0; i < 2000 && full == null; i++) {
                    StringBuilder text = new StringBuilder();
                    for (int w = 0; w < 3000; w++) text.append(Integer.toString(random.nextInt(), 36)).append(' ');
                    try {
                        index.put(new BlobId(String.format("%064x", i + 16)), java.util.Map.of(SearchIndex.Field.TEXT, text.toString()));
                        if (i % 10 == 9) index.commit();
                    } catch (IOException e) {
                        full = e;
                    }
                }
                org.junit.jupiter.api.Assertions.assertNotNull(full, "the file system filled up");
                java.nio.file.Files.delete(filler); // the operator makes room
                index.recover();
                index.put(B, java.util.Map.of(SearchIndex.Field.TEXT, "written after the disk had room again"));
                index.commit();
                assertEquals(Set.of(B.sha256()), index.candidates(SearchIndex.Field.TEXT, "had room again").all());
                assertEquals(Set.of(A.sha256()), index.candidates(SearchIndex.Field.TEXT, "first message, committed").all(),
                        "what was committed before the failure is still there");
            }
        }
    }
}
