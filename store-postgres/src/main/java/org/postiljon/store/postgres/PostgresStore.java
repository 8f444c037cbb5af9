package org.postiljon.store.postgres;

import java.sql.DriverManager;
import java.util.Properties;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.sql.SqlMetadataStore;

/** The metadata store in a PostgreSQL database (the schema is created or brought up to date on open). */
public final class PostgresStore {

    private PostgresStore() { }

    /** With the default connection counts. */
    public static MetadataStore open(String url, String user, String password) {
        return open(url, user, password, SqlMetadataStore.Options.DEFAULT);
    }

    /**
     * @param url a JDBC URL, {@code jdbc:postgresql://host:port/database}
     */
    public static MetadataStore open(String url, String user, String password, SqlMetadataStore.Options options) {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("ApplicationName", "postiljon");
        return new SqlMetadataStore(new PostgresDialect(), writer -> DriverManager.getConnection(url, p), options);
    }
}
