/**
 * The process: {@code main}, the node config file, the admin CLI, and the one place where
 * everything is built with constructors ({@link org.postiljon.server.Node}).
 *
 * <p>Invariants: only this module knows concrete stores; the CLI and the server use the same
 * mailbox model over the same data directory, so the CLI works while the server runs (SQLite
 * WAL lets them share it). Exit codes: 0 done, 1 refused (the message says why), 2 usage error.
 *
 * <p>The admin REST API ({@link org.postiljon.server.AdminService}) runs the CLI's own commands:
 * a rule the CLI enforces, the API enforces, and the OpenAPI description is made from the same
 * route table that serves. Secrets reach a command as its standard input, never as words.
 *
 * <p>The node's TLS context is one object for its whole life; a new certificate (files changed on
 * disk, or issued by ACME) is swapped into its key manager, never into a new context, so every
 * listener, Jetty's included, serves it at the next handshake without a restart.
 */
package org.postiljon.server;
