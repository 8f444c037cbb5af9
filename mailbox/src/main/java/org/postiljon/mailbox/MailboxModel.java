package org.postiljon.mailbox;

import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.Mailboxes;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.MetadataStore;

/** The mailbox layer assembled over a store: what protocols and the CLI are given. */
public record MailboxModel(Directory directory, Mailboxes mailboxes, Messages messages, ChangeBus changes,
                           OutboundQueue queue, BlobSweeper sweeper) {

    public static MailboxModel over(MetadataStore store, BlobStore blobs, ChangeBus bus, MailboxLimits limits, Passwords passwords) {
        return new MailboxModel(new StoredDirectory(store, passwords), new StoredMailboxes(store, bus),
                new StoredMessages(store, blobs, bus, limits), bus, new StoredQueue(store, blobs, limits), new BlobSweeper(store, blobs));
    }
}
