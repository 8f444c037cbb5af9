package org.postiljon.mailbox;

import java.time.Clock;
import java.util.Set;
import org.postiljon.mailbox.api.Acl;
import org.postiljon.mailbox.api.AppPasswords;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Mailboxes;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.Quotas;
import org.postiljon.mailbox.api.Retention;
import org.postiljon.mailbox.api.SendingLimits;
import org.postiljon.mailbox.api.SieveScripts;
import org.postiljon.mailbox.api.SigningKeys;
import org.postiljon.mailbox.api.SpamClassifier;
import org.postiljon.mailbox.api.TwoFactor;
import org.postiljon.mailbox.api.Vacations;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.SearchIndex;

/** The mailbox layer assembled over a store: what protocols and the CLI are given. */
public record MailboxModel(Directory directory, Mailboxes mailboxes, Messages messages, ChangeBus changes,
                           OutboundQueue queue, BlobSweeper sweeper, Quotas quotas, Acl acl, Retention retention,
                           SearchIndexer indexer, StoredLeases leases, SigningKeys signingKeys, SendingLimits sendingLimits,
                           Vacations vacations, SieveScripts sieveScripts, SpamClassifier spam, AppPasswords appPasswords,
                           TwoFactor twoFactor, org.postiljon.mailbox.api.TransportSecurity transportSecurity) {

    /**
     * Routing and local delivery for this model.
     *
     * @param hostname   the name Received fields give this server
     * @param postmaster where mail to {@code postmaster@} a local domain goes when no account or alias has that name
     *                   (RFC 5321 §4.5.1: it must be accepted); null: the domain's first account
     */
    public Deliveries deliveries(String hostname, EmailAddress postmaster) {
        return new StoredDeliveries(directory, mailboxes, messages, hostname, postmaster);
    }

    /** Without a full-text index: every text search reads the messages (tools and small tests). */
    public static MailboxModel over(MetadataStore store, BlobStore blobs, ChangeBus bus, MailboxLimits limits, Passwords passwords) {
        return over(store, blobs, SearchIndex.NONE, bus, limits, passwords, Set.of(), Clock.systemUTC());
    }

    /**
     * @param index  narrows TEXT, BODY and header searches; kept in step by {@link #indexer()}
     * @param admins accounts that may set quotas over IMAP (SETQUOTA)
     * @param clock  the time SAVEDATE is taken from (tests move it)
     */
    public static MailboxModel over(MetadataStore store, BlobStore blobs, SearchIndex index, ChangeBus bus, MailboxLimits limits,
                                    Passwords passwords, Set<EmailAddress> admins, Clock clock) {
        return over(store, blobs, index, bus, limits, passwords, admins, clock, StoredLeases.LIFETIME);
    }

    /** @param leaseLifetime how long a node's leases and queue claims outlive it (see {@link StoredLeases}) */
    public static MailboxModel over(MetadataStore store, BlobStore blobs, SearchIndex index, ChangeBus bus, MailboxLimits limits,
                                    Passwords passwords, Set<EmailAddress> admins, Clock clock, java.time.Duration leaseLifetime) {
        SearchIndexer indexer = new SearchIndexer(store, blobs, index);
        StoredLeases leases = new StoredLeases(store, clock, leaseLifetime);
        StoredAppPasswords appPasswords = new StoredAppPasswords(store, clock);
        VerifiedCredentials verified = new VerifiedCredentials(limits.credentialCacheTtl(), limits.credentialCacheEntries(), clock);
        StoredTwoFactor twoFactor = new StoredTwoFactor(store, clock, verified);
        SharedDirectoryReads shared = new SharedDirectoryReads();
        StoredDirectory directory = new StoredDirectory(store, passwords, verified, appPasswords, twoFactor, shared);
        StoredSpamClassifier spam = new StoredSpamClassifier(store, blobs, shared);
        return new MailboxModel(directory, new StoredMailboxes(store, bus, limits.maxMailboxesPerAccount()),
                new StoredMessages(store, blobs, index, bus, limits, clock, indexer::wake, spam), bus, new StoredQueue(store, blobs, limits, leases),
                new BlobSweeper(store, blobs, index, leases), new StoredQuotas(store, admins, shared), new StoredAcl(store),
                new StoredRetention(store, bus, leases), indexer, leases, new StoredSigningKeys(store, clock),
                new StoredSendingLimits(store, directory, clock), new StoredVacations(store, clock, shared),
                new StoredSieveScripts(store, shared), spam, appPasswords, twoFactor, new StoredTransportSecurity(store, clock));
    }
}
