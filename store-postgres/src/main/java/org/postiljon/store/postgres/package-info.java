/**
 * The relational store on PostgreSQL: the one schema of {@code store-sql} with its
 * {@code schema/postgres} overlays, through {@link org.postiljon.store.postgres.PostgresDialect}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>The database's collation is "C": sort keys and ASCII case folding compare bytes (checked on open).</li>
 *   <li>A read transaction is one snapshot (REPEATABLE READ), as on SQLite.</li>
 * </ul>
 */
package org.postiljon.store.postgres;
