/**
 * The zero-setup store: SQLite in WAL mode for metadata, content-addressed files for message bytes.
 *
 * <p>Data directory layout:
 * <pre>
 *   postiljon.db (+ -wal, -shm)   metadata, schema in store-sql (schema/, schema/sqlite/)
 *   blobs/ab/abcd…                message bytes, named by their SHA-256
 *   blobs/tmp/                    files being written; removed on start
 * </pre>
 *
 * <p>Durability: a blob is written to {@code tmp/}, fsync'd, renamed into place and its directory
 * fsync'd before any transaction refers to it; SQLite runs with {@code synchronous=FULL}, so a
 * commit has reached the disk when it returns. After {@code kill -9} at any moment the store opens
 * with every acknowledged message intact; a blob without a row is harmless (the next delivery of
 * the same bytes reuses it) and nothing half-written is visible, as files appear only by rename.
 */
package org.postiljon.store.embedded;
