/**
 * The process: {@code main}, the node config file, the admin CLI, and the one place where
 * everything is built with constructors ({@link org.postiljon.server.Node}).
 *
 * <p>Invariants: only this module knows concrete stores; the CLI and the server use the same
 * mailbox model over the same data directory, so the CLI works while the server runs (SQLite
 * WAL lets them share it). Exit codes: 0 done, 1 refused (the message says why), 2 usage error.
 */
package org.postiljon.server;
