package org.postiljon.server;

import java.io.IOException;
import java.nio.file.Path;
import org.postiljon.store.embedded.EmbeddedStore;
import org.postiljon.store.embedded.FileBlobStore;
import org.postiljon.store.postgres.PostgresStore;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.ChangeSignals;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.SearchIndex;

/**
 * The storage a node runs on, as the settings {@code store} and {@code blobs} choose it.
 *
 * <table>
 *   <tr><th>store</th><th>metadata</th><th>search index</th><th>contents (blobs)</th><th>other nodes' changes</th></tr>
 *   <tr><td>embedded</td><td>SQLite in data.dir</td><td>Lucene in data.dir</td><td>files</td><td>none (one process)</td></tr>
 *   <tr><td>postgres</td><td>PostgreSQL</td><td>PostgreSQL (shared)</td><td>files in blobs.dir (a shared mount), PostgreSQL, or an S3-compatible bucket</td><td>LISTEN/NOTIFY</td></tr>
 * </table>
 *
 * @param signals null when no other process writes to the store
 */
record NodeStore(MetadataStore metadata, BlobStore blobs, SearchIndex index, ChangeSignals signals, AutoCloseable resources)
        implements AutoCloseable {

    static NodeStore open(Settings settings) throws IOException {
        Path data = Path.of(settings.get("data.dir"));
        Path blobsDir = settings.get("blobs.dir").isEmpty() ? data.resolve("blobs") : Path.of(settings.get("blobs.dir"));
        String blobs = settings.get("blobs");
        if (!java.util.Set.of("files", "postgres", "s3").contains(blobs)) throw new Settings.ConfigError("blobs: files, postgres or s3, not " + blobs);
        switch (settings.get("store")) {
            case "embedded" -> {
                if (!blobs.equals("files")) throw new Settings.ConfigError("blobs = " + blobs + " needs store = postgres");
                EmbeddedStore s = EmbeddedStore.open(data, blobsDir);
                return new NodeStore(s.metadata(), s.blobs(), s.index(), null, s);
            }
            case "postgres" -> {
                if (settings.get("store.url").isEmpty()) throw new Settings.ConfigError("store = postgres needs store.url");
                PostgresStore pg = PostgresStore.connect(settings.get("store.url"), blankToNull(settings.get("store.user")),
                        blankToNull(settings.get("store.password")));
                BlobStore b = switch (blobs) {
                    case "postgres" -> pg.blobs();
                    case "s3" -> {
                        if (settings.get("blobs.s3.bucket").isEmpty()) throw new Settings.ConfigError("blobs = s3 needs blobs.s3.bucket");
                        yield pg.s3Blobs(new PostgresStore.S3Options(settings.get("blobs.s3.endpoint"), settings.get("blobs.s3.region"),
                                settings.get("blobs.s3.bucket"), settings.get("blobs.s3.prefix"), settings.get("blobs.s3.access-key"),
                                settings.get("blobs.s3.secret-key"), settings.flag("blobs.s3.path-style")), data.resolve("spool").resolve("s3"));
                    }
                    default -> new FileBlobStore(blobsDir);
                };
                return new NodeStore(pg.metadata(), b, pg.searchIndex(), pg.changeSignals(), pg);
            }
            default -> throw new Settings.ConfigError("store: embedded or postgres, not " + settings.get("store"));
        }
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    @Override
    public void close() {
        index.close();
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the store failed: " + e.getMessage(), e);
        }
    }
}
