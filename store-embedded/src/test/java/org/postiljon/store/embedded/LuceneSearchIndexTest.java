package org.postiljon.store.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.store.spi.SearchIndex;

/** The Lucene index: the search-index contract, and recovery from a full disk. */
class LuceneSearchIndexTest extends org.postiljon.store.spi.SearchIndexContract {

    private static final BlobId A = new BlobId("a".repeat(64));
    private static final BlobId B = new BlobId("b".repeat(64));

    @Override
    protected SearchIndex open(Path dir) throws IOException {
        return LuceneSearchIndex.open(dir);
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
