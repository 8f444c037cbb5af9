/**
 * IMAP on the wire: the command parser (a pull parser that reads literals when it meets them),
 * the response writer, modified UTF-7, sequence sets.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Every read is bounded: line length, literal size (smaller before login), nesting depth,
 *       number of ranges in a set. A too-large synchronizing literal is refused before the client
 *       sends it; a too-large non-synchronizing one is read and discarded, so the stream stays in
 *       step and its bytes are never taken for commands.</li>
 *   <li>Text from the client echoed in a response goes through {@link
 *       org.postiljon.imap.wire.ResponseWriter#string}, which quotes it or sends a literal; a CR or
 *       LF can never start a forged response line.</li>
 * </ul>
 */
package org.postiljon.imap.wire;
