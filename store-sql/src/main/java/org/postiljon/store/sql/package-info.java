/**
 * The relational store: one schema a DBA can read, JDBC queries, and a small {@link
 * org.postiljon.store.sql.Dialect} seam for what differs between SQLite and PostgreSQL.
 *
 * <p>Invariants:
 * <ul>
 *   <li>All writes go through one writer connection and one writer thread, which groups the
 *       transactions waiting at that moment into one commit (group commit: one fsync for many
 *       deliveries). One failing caller rolls back only its own work: a group runs without
 *       savepoints first and, when a job fails, again with each job in its own savepoint. Work
 *       must therefore be a function of the database (it may run more than once).</li>
 *   <li>A caller's {@code write} returns only after the commit that holds its work.</li>
 *   <li>Reads use a small pool of separate connections and see only committed data.</li>
 *   <li>Dates are stored as epoch milliseconds; flags as their names separated by spaces, with
 *       {@code seen} and {@code deleted} columns kept beside them for counting.</li>
 * </ul>
 */
package org.postiljon.store.sql;
