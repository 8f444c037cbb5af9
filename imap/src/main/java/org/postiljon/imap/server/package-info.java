/**
 * The IMAP server: one {@link org.postiljon.imap.server.Session} per connection, a dispatch table
 * ({@link org.postiljon.imap.server.Commands}) listing every command with the states it is allowed
 * in, one class per command, and one place that maps failures to responses.
 *
 * <p>Invariants a newcomer would break:
 * <ul>
 *   <li>One command at a time per connection. Everything written goes out under the session's
 *       {@code io} lock: the session's thread holds it from a command's first line to its tagged
 *       answer; a NOTIFY notifier (RFC 5465) takes it between commands, so no response is ever
 *       written into the middle of another.</li>
 *   <li>Other sessions' changes arrive on the change bus and wait in the selected mailbox's queue.
 *       They are written only where RFC 9051 §7.5.1 allows: never an EXPUNGE while answering
 *       FETCH, STORE or SEARCH (their UID forms are fine), always before the tagged response of
 *       other commands, and at once during IDLE (and between commands when NOTIFY SET SELECTED
 *       asked for it).</li>
 *   <li>Updating searches (RFC 5267 UPDATE) send REMOVEFROM before the EXPUNGE that causes it and
 *       ADDTO after the EXISTS; with sequence numbers a removal is dropped once its EXPUNGE was told.</li>
 *   <li>Sequence numbers belong to the session's view and change only when this session is told
 *       of an expunge. A message expunged by another session but not yet announced here is
 *       answered with {@code NO [EXPUNGEISSUED]} for FETCH (the rest of the set is still sent),
 *       never with someone else's message.</li>
 *   <li>\Recent (IMAP4rev1 only) is given to exactly one session per message: the first that
 *       selects the mailbox read-write after the message arrived ({@link
 *       org.postiljon.imap.server.RecentTracker}).</li>
 * </ul>
 */
package org.postiljon.imap.server;
