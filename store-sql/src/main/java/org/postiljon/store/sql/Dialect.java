package org.postiljon.store.sql;

import java.sql.Connection;
import java.sql.SQLException;

/** What differs between relational databases. */
public interface Dialect {

    /** Applies per-connection settings (pragmas, time zone...). */
    void configure(Connection connection, boolean writer) throws SQLException;

    /** The directory of this dialect's schema overlays under {@code schema/} ("sqlite", "postgres"). */
    String name();

    boolean isUniqueViolation(SQLException e);

    /** The database could not write because its disk is full. */
    boolean isStorageFull(SQLException e);

    /** The operator for a LIKE that ignores the case of ASCII letters (and only of those). */
    default String caseInsensitiveLike() {
        return "LIKE";
    }

    /**
     * What follows a table name to make the planner use {@code index} (SQLite's INDEXED BY), where
     * the planner has no statistics to find it itself; empty where it does.
     */
    default String useIndex(String index) {
        return "";
    }

    /**
     * The thread root of a message row: the first of its references, else its own Message-ID
     * (ThreadId). The same text as the expression index of migration V11, so the index serves it.
     */
    default String threadRoot() {
        return "CASE WHEN refs IS NULL OR refs = '' THEN message_id ELSE substr(refs, 1, instr(refs || ' ', ' ') - 1) END";
    }

    /** A join whose left table the planner keeps outside (SQLite: CROSS JOIN); a plain JOIN where the planner chooses well. */
    default String joinInThisOrder() {
        return "JOIN";
    }

    /**
     * What ends a SELECT of rows this transaction will update, so that concurrent transactions of
     * other processes skip them instead of waiting (PostgreSQL: FOR UPDATE SKIP LOCKED); empty where
     * one writer at a time holds the whole database (SQLite).
     */
    default String skipLocked() {
        return "";
    }

    /**
     * Takes a lock, held to the end of the current transaction, that makes migrations run one at a
     * time where several processes share the database (PostgreSQL: an advisory lock). SQLite's
     * writer lock (IMMEDIATE transactions) does this already.
     */
    default void lockSchema(java.sql.Statement s) throws SQLException { }

    /**
     * Called at the start of a group commit of several transactions: where other processes write
     * the same database, waits until no other process's group commit is under way (PostgreSQL: an
     * advisory lock held to the commit). A group holds the rows of many accounts until it commits;
     * two groups taking them in different orders would deadlock. One process (SQLite) has nothing to do.
     */
    default void lockGroup(java.sql.Statement s) throws SQLException { }

    /**
     * Whether INSERTs may stand in a WITH clause (PostgreSQL's data-modifying statements), so that
     * several writes go in one round trip; SQLite has none and no round trips to save.
     */
    default boolean writesInWith() {
        return false;
    }

    /** Sets whether the next commit on {@code writer} waits for the disk (outside a transaction). */
    default void syncCommits(Connection writer, boolean sync) throws SQLException { }
}
