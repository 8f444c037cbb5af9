/**
 * Reading RFC 5322/MIME messages, once, at delivery: the envelope, the body structure with the
 * byte offsets of every part, decoded subject and addresses, sort and thread keys, preview text.
 *
 * <p>Field syntax (addresses, Content-Type parameters, dates, RFC 2047 encoded words) is parsed by
 * Apache Mime4j. The part boundaries are found by {@link org.postiljon.mime.MessageParser}'s own
 * line scanner, because IMAP needs each part's exact byte offsets and line counts, which Mime4j's
 * parser does not expose (docs/decisions/0002-mime-offsets.md).
 *
 * <p>The envelope and body structure it makes are {@code mailbox-api}'s values
 * ({@link org.postiljon.mailbox.api.structure.MessageStructure}), kept beside the message by the
 * store and read by every protocol without parsing again (docs/decisions/0011-typed-message-structure.md).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Streams in, values out: a message is read once, line by line, never held whole.</li>
 *   <li>Every input is bounded: nesting depth, part count, header size; beyond them the rest of
 *       the message is kept as an opaque leaf, never rejected, so no mail is lost to the parser.</li>
 *   <li>Any byte sequence parses: malformed headers, bad encodings and 8-bit garbage give a
 *       best-effort structure, never an exception.</li>
 * </ul>
 */
package org.postiljon.mime;
