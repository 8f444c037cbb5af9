package org.postiljon.store.postgres;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.MetadataStoreContract;
import org.postiljon.store.sql.SqlMetadataStore;

/** The store contract, every test on a fresh database of a real PostgreSQL. */
class PostgresStoreContractTest extends MetadataStoreContract {

    static PostgresServer pg;
    /** The database of each test's directory: a reopened store finds what it wrote. */
    static final java.util.Map<Path, String> databases = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Override
    protected MetadataStore open(Path dir) throws Exception {
        String url = databases.get(dir);
        if (url == null) databases.put(dir, url = pg.newDatabase());
        return PostgresStore.open(url, "postiljon", null, new SqlMetadataStore.Options(4, 256));
    }
}
