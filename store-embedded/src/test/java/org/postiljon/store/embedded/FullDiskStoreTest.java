package org.postiljon.store.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.MailboxException;

/**
 * The metadata store on a file system that fills up (a 2 MiB tmpfs; mounting needs root, as CI
 * and these machines have): a commit that finds no room is the domain's temporary refusal, not a
 * store failure, and once there is room again the store takes writes.
 */
class FullDiskStoreTest {

    @Test
    void aFullDiskIsATemporaryRefusalAndTheStoreGoesOnAfterwards(@TempDir Path tmp) throws Exception {
        var disk = org.postiljon.testkit.SmallDisk.mount(tmp.resolve("small"), "2m");
        Assumptions.assumeTrue(disk.isPresent(), "mounting a small file system needs root");
        Path small = disk.get().path;
        try (var mounted = disk.get(); EmbeddedStore store = EmbeddedStore.open(small.resolve("data"))) {
            Path filler = small.resolve("filler");
            try (var out = Files.newOutputStream(filler)) {
                byte[] kb = new byte[1024];
                for (int i = 0; i < 4096; i++) out.write(kb);
            } catch (java.io.IOException full) {
                // as full as it gets
            }
            MailboxException.Unavailable refused = null;
            for (int i = 0; i < 100_000 && refused == null; i++) {
                int n = i;
                try {
                    store.metadata().write(tx -> {
                        for (int j = 0; j < 50; j++) tx.insertDomain(DomainName.of("d" + n + "x" + j + ".example"));
                        return null;
                    });
                } catch (MailboxException.Unavailable e) {
                    refused = e;
                }
            }
            assertNotNull(refused, "the disk filled up");
            assertEquals("the server's storage is full; try again later", refused.getMessage());
            Files.delete(filler);
            store.metadata().write(tx -> {
                tx.insertDomain(DomainName.of("after.example"));
                return null;
            });
            boolean there = store.metadata().read(tx -> tx.domainExists(DomainName.of("after.example")));
            assertTrue(there);
        }
    }
}
