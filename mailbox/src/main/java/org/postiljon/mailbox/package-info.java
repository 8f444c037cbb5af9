/**
 * The one implementation of the mailbox API: every protocol's mutations end here.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Commit, then publish, then return: a {@link org.postiljon.mailbox.api.Change} is published
 *       only after {@code MetadataStore.write} returned, so a listener never sees an event whose
 *       data a reader cannot find.</li>
 *   <li>Message bytes are stored (durably) and parsed before the metadata transaction starts; the
 *       transaction itself does no I/O but the store's, so group commit batches stay short.</li>
 *   <li>One MODSEQ per operation: a COPY of 500 messages takes one MODSEQ, not 500.</li>
 *   <li>Names are resolved inside the writing transaction, so a concurrent delete or rename yields
 *       {@code NoSuchMailbox}, never a write into the wrong mailbox.</li>
 *   <li>Names are the user's view: another account's folders carry its namespace prefix, and
 *       {@code Access} resolves owner and rights in every operation's own transaction. Protocols
 *       never check rights; a revoked right applies at the next call.</li>
 *   <li>Changes are published and MODSEQs taken on the mailbox's owner's account, not the acting
 *       user's: a member's append to a team folder reaches every session on it.</li>
 *   <li>Quota is checked in the transaction that adds messages, so concurrent appends cannot
 *       together pass a limit; only quota warnings are added past it.</li>
 *   <li>Where an address leads and an account's delivery rules are shared by a node's deliveries
 *       for a second ({@link org.postiljon.mailbox.SharedDirectoryReads}): every write that could
 *       change them forgets them after its commit and before it returns, so this node's next
 *       delivery meets the change; another node's change is met within the second. Nothing that
 *       writes, and nothing a user lists or reads, reads through them.</li>
 * </ul>
 */
package org.postiljon.mailbox;
