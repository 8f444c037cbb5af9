package org.postiljon.store.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.BlobStoreContract;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.MetadataStoreContract;

class EmbeddedStoreContractTest {

    @Nested
    class Metadata extends MetadataStoreContract {
        @Override
        protected MetadataStore open(Path dir) throws Exception {
            EmbeddedStore s = EmbeddedStore.open(dir);
            return s.metadata();
        }
    }

    @Nested
    class Blobs extends BlobStoreContract {
        @Override
        protected BlobStore open(Path dir) throws Exception {
            return new FileBlobStore(dir);
        }

        @Override
        protected long strayFiles(Path dir) throws Exception {
            try (var s = Files.list(dir.resolve("tmp"))) {
                return s.count();
            }
        }
    }
}
