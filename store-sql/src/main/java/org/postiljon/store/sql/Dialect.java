package org.postiljon.store.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** What differs between relational databases. */
public interface Dialect {

    /** Applies per-connection settings (pragmas, time zone...). */
    void configure(Connection connection, boolean writer) throws SQLException;

    /** Class-path resources with the schema migrations, in order; each named {@code V<n>__*.sql}. */
    List<String> migrations();

    boolean isUniqueViolation(SQLException e);
}
