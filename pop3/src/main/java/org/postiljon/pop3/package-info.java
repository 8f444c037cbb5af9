/**
 * POP3 (RFC 1939) with CAPA and response codes (RFC 2449), STLS (RFC 2595), SASL AUTH (RFC 5034)
 * on the mailbox model; the maildrop is the INBOX.
 *
 * <p>Invariants:
 * <ul>
 *   <li>The maildrop is a snapshot taken at login: message numbers, sizes (the stored CRLF bytes,
 *       exactly what RETR sends before dot-stuffing) and UIDLs do not change during the session.</li>
 *   <li>Nothing changes in the mailbox before QUIT: DELE only marks, and the marked messages are
 *       removed (or moved to Trash, per account) in one transaction in the UPDATE state. A
 *       connection that drops without QUIT changes nothing, not even \Seen.</li>
 *   <li>One POP3 session per maildrop at a time in this process ({@code [IN-USE]}).</li>
 *   <li>UIDLs are {@code %08X%08X} of UID and UIDVALIDITY (Dovecot's default form), so they are
 *       unique, stable across sessions and restarts, and change only when IMAP's UIDs would.</li>
 * </ul>
 */
package org.postiljon.pop3;
