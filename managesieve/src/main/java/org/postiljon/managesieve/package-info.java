/**
 * ManageSieve (RFC 5804): a user's mail program lists, uploads, checks, activates, renames and
 * deletes the Sieve scripts kept on the server ({@link org.postiljon.mailbox.api.SieveScripts}).
 *
 * <p>Invariants:
 * <ul>
 *   <li>No password before TLS except on loopback: PLAIN and LOGIN are offered only then
 *       (SCRAM-SHA-256 always); logins are slowed and counted per address like every protocol's.</li>
 *   <li>Every input is bounded: a line (8 KiB), a literal (the script limit and a little), the
 *       SASL steps, errors in a row (then BYE); a literal too large is read and dropped, so the
 *       stream stays in step.</li>
 *   <li>Strings a client sent are answered as quoted strings or literals, never raw, so a CRLF
 *       in them cannot forge a response line.</li>
 * </ul>
 */
package org.postiljon.managesieve;
