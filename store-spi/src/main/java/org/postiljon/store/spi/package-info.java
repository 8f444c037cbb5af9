/**
 * The narrow interfaces a store implements: {@link org.postiljon.store.spi.MetadataStore} and
 * {@link org.postiljon.store.spi.BlobStore}. The contract tests in this module's test jar run
 * against every store.
 *
 * <p>Invariants:
 * <ul>
 *   <li>When {@code write} returns, the transaction is durable (fsync'd); when it throws, nothing
 *       of it is visible. A store may group several callers' transactions into one commit.</li>
 *   <li>The work given to {@code write} may run on another thread and must not block on I/O
 *       other than the store's own; blobs are written before, with {@link org.postiljon.store.spi.BlobStore#put}.</li>
 *   <li>When {@code BlobStore.put} returns, the bytes and their directory entry are on disk.</li>
 *   <li>UIDs come from {@code mailbox.uid_next} inside the writing transaction, so they never
 *       repeat; MODSEQs from the account's counter, so they never go backwards.</li>
 *   <li>{@code usage(account)} equals the sum over the account's messages after every committed
 *       transaction, whichever method changed them (the embedded store keeps it with triggers).</li>
 * </ul>
 */
package org.postiljon.store.spi;
