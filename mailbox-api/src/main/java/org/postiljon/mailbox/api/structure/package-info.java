/**
 * A message's structure as IMAP and JMAP report it: envelope, addresses, body parts with their
 * parameters and byte offsets. The values the {@code mime} module makes at delivery and every
 * protocol reads, typed end to end (docs/decisions/0011-typed-message-structure.md).
 *
 * <p>Invariants:
 * <ul>
 *   <li>Offsets are octets into the stored content; a message with trace fields in front of its
 *       content reads its structure through {@link org.postiljon.mailbox.api.structure.MessageStructure#after}.</li>
 *   <li>A value is never changed once made: a content's structure is a function of its bytes, so
 *       it may be cached by content address without invalidation.</li>
 * </ul>
 */
package org.postiljon.mailbox.api.structure;
